/* Rate limiters, client-side throttling, concurrency limits, CoDel and the
 * bulkhead, alone, with literal times. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>

#include "../sim/base/rng.h"
#include "../sim/prim/bulkhead.h"
#include "../sim/prim/codel.h"
#include "../sim/prim/conc_limit.h"
#include "../sim/prim/fixed_window.h"
#include "../sim/prim/sre_throttle.h"
#include "../sim/prim/token_bucket.h"

static const sim_time MS = 1000000, S = 1000000000;

Test(token_bucket, starts_full_then_refills_at_the_rate)
{
    struct token_bucket b;
    token_bucket_init(&b, 10, 5); /* 10/s, burst 5 */
    for (int i = 0; i < 5; i++)
        cr_assert(token_bucket_take(&b, 0), "burst token %d", i);
    cr_assert_not(token_bucket_take(&b, 0));
    cr_assert_eq(token_bucket_next(&b, 0), 100 * MS);
    cr_assert_not(token_bucket_take(&b, 100 * MS - 1));
    cr_assert(token_bucket_take(&b, 100 * MS));
    /* a long pause refills only up to the burst */
    int n = 0;
    while (token_bucket_take(&b, 100 * S))
        n++;
    cr_assert_eq(n, 5);
}

Test(token_bucket, over_a_long_run_admits_exactly_rate_times_time_plus_burst)
{
    struct token_bucket b;
    token_bucket_init(&b, 1000, 1);
    uint64_t n = 0;
    for (sim_time t = 0; t < 100 * S; t += 100 * 1000) /* offered 10 000/s */
        n += token_bucket_take(&b, t);
    cr_assert(n >= 100000 && n <= 100001, "admitted %llu", (unsigned long long)n);
}

Test(fixed_window, refreshes_each_cycle_and_allows_twice_the_limit_across_a_boundary)
{
    struct fixed_window w;
    fixed_window_init(&w, 3, 100 * MS, 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(fixed_window_acquire(&w, 99 * MS), 0);
    cr_assert_eq(fixed_window_acquire(&w, 99 * MS), -1, "fail fast with no timeout");
    /* 3 more at 100 ms: 6 calls inside 2 ms of each other */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(fixed_window_acquire(&w, 100 * MS), 0);
}

Test(fixed_window, a_waiting_caller_reserves_a_later_cycle)
{
    struct fixed_window w;
    fixed_window_init(&w, 2, 100 * MS, 250 * MS);
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 0);
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 0);
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 90 * MS, "the next cycle, in 90 ms");
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 90 * MS);
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 190 * MS, "the one after");
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), 190 * MS);
    cr_assert_eq(fixed_window_acquire(&w, 10 * MS), -1, "290 ms > the 250 ms timeout");
}

Test(sre_throttle, with_k_2_about_twice_the_accepted_rate_reaches_the_backend)
{
    /* 1000 requests/s offered; the backend accepts 100 a second. */
    struct sre_throttle t;
    sre_throttle_init(&t, 2.0, 120 * S);
    struct rng r;
    rng_init_stream(&r, 1, "sre");
    uint64_t sent_last_minute = 0;
    int64_t second = -1;
    int accepted_this_second = 0;
    for (sim_time now = 0; now < 600 * S; now += MS) {
        if (now / S != second)
            second = now / S, accepted_this_second = 0;
        if (!sre_throttle_admit(&t, now, rng_uniform(&r)))
            continue;
        if (now >= 540 * S)
            sent_last_minute++;
        if (accepted_this_second < 100) {
            accepted_this_second++;
            sre_throttle_on_accept(&t, now);
        }
    }
    double per_s = (double)sent_last_minute / 60;
    cr_assert(per_s > 180 && per_s < 220, "%.1f requests/s reach the backend", per_s);
}

Test(conc_limit, aimd_grows_by_one_when_used_and_backs_off_on_a_drop)
{
    struct conc_limit c;
    struct conc_limit_cfg cfg = {.algorithm = CONC_AIMD, .initial = 20, .min_limit = 10,
                                 .max_limit = 200, .backoff_ratio = 0.9, .timeout_ns = S};
    conc_limit_init(&c, &cfg);
    uint32_t f;
    cr_assert(conc_limit_acquire(&c, &f));
    conc_limit_sample(&c, 10 * MS, 10, false); /* 10 x 2 >= 20: grow */
    cr_assert_eq(conc_limit_current(&c), 21u);
    conc_limit_acquire(&c, &f);
    conc_limit_sample(&c, 10 * MS, 5, false); /* under half used: no growth */
    cr_assert_eq(conc_limit_current(&c), 21u);
    conc_limit_acquire(&c, &f);
    conc_limit_sample(&c, 10 * MS, 20, true); /* drop: floor(21 x 0.9) = 18 */
    cr_assert_eq(conc_limit_current(&c), 18u);
    conc_limit_acquire(&c, &f);
    conc_limit_sample(&c, 2 * S, 20, false); /* slower than the timeout: a drop */
    cr_assert_eq(conc_limit_current(&c), 16u);
    for (int i = 0; i < 20; i++) {
        conc_limit_acquire(&c, &f);
        conc_limit_sample(&c, 0, 20, true);
    }
    cr_assert_eq(conc_limit_current(&c), 10u, "never below min_limit");
}

Test(conc_limit, admits_only_up_to_the_limit)
{
    struct conc_limit c;
    struct conc_limit_cfg cfg = {.algorithm = CONC_AIMD, .initial = 3, .min_limit = 1,
                                 .max_limit = 10, .backoff_ratio = 0.5};
    conc_limit_init(&c, &cfg);
    uint32_t f;
    for (int i = 0; i < 3; i++)
        cr_assert(conc_limit_acquire(&c, &f));
    cr_assert_not(conc_limit_acquire(&c, &f));
    conc_limit_ignore(&c);
    cr_assert(conc_limit_acquire(&c, &f));
}

Test(conc_limit, gradient2_shrinks_when_latency_rises_and_recovers_when_it_falls)
{
    struct conc_limit c;
    struct conc_limit_cfg cfg = {.algorithm = CONC_GRADIENT2, .initial = 100, .min_limit = 10,
                                 .max_limit = 200, .smoothing = 0.2, .queue_size = 4,
                                 .tolerance = 1.5};
    conc_limit_init(&c, &cfg);
    for (int i = 0; i < 50; i++) /* steady 10 ms, fully used */
        conc_limit_sample(&c, 10 * MS, 100, false);
    uint32_t steady = conc_limit_current(&c);
    for (int i = 0; i < 30; i++) /* latency triples: gradient 0.5 */
        conc_limit_sample(&c, 30 * MS, 200, false);
    uint32_t congested = conc_limit_current(&c);
    cr_assert_lt(congested, steady / 2, "steady %u, congested %u", steady, congested);
    for (int i = 0; i < 200; i++)
        conc_limit_sample(&c, 10 * MS, 200, false);
    cr_assert_gt(conc_limit_current(&c), congested * 2);
}

Test(codel, drops_only_while_the_minimum_delay_stays_above_target)
{
    struct codel c;
    codel_init(&c, 5 * MS, 100 * MS);
    /* first interval: every item waited 20 ms; nothing dropped yet */
    for (sim_time t = 1 * MS; t <= 100 * MS; t += MS)
        cr_assert_not(codel_should_drop(&c, t, 20 * MS));
    /* the next interval starts overloaded: waits over 10 ms are dropped,
     * except the interval's first sample */
    cr_assert_not(codel_should_drop(&c, 101 * MS, 20 * MS));
    cr_assert(codel_overloaded(&c));
    cr_assert(codel_should_drop(&c, 102 * MS, 20 * MS));
    cr_assert_not(codel_should_drop(&c, 103 * MS, 9 * MS), "9 ms < 2 x target");
    /* an interval whose minimum was below target ends the overload */
    for (sim_time t = 104 * MS; t <= 202 * MS; t += MS)
        codel_should_drop(&c, t, 1 * MS);
    codel_should_drop(&c, 203 * MS, 20 * MS);
    cr_assert_not(codel_overloaded(&c));
}

Test(bulkhead, admits_up_to_max_then_queues_or_rejects_and_hands_slots_on_in_order)
{
    struct bulkhead b;
    bool wait;
    bulkhead_init(&b, 2, 0, UINT32_MAX);
    cr_assert(bulkhead_try_acquire(&b, &wait));
    cr_assert(bulkhead_try_acquire(&b, &wait));
    cr_assert_not(bulkhead_try_acquire(&b, &wait));
    cr_assert_not(wait, "max_wait 0: fail fast");
    cr_assert_not(bulkhead_release(&b));
    cr_assert(bulkhead_try_acquire(&b, &wait));
    bulkhead_init(&b, 1, 50 * MS, UINT32_MAX);
    cr_assert(bulkhead_try_acquire(&b, &wait));
    cr_assert_not(bulkhead_try_acquire(&b, &wait));
    cr_assert(wait, "waits for a slot");
    cr_assert_not(bulkhead_try_acquire(&b, &wait), "no overtaking the waiter");
    cr_assert(bulkhead_release(&b), "the slot goes to the first waiter");
    bulkhead_abandon_wait(&b);
    cr_assert_eq(b.in_use, 1u);
    cr_assert_eq(b.waiting, 0u);
}

/* Invariants are checked, not repaired: a slot given back that nobody held,
 * or a waiter leaving that never waited, means the caller's books are wrong. */
Test(bulkhead, releasing_a_slot_nobody_holds_aborts, .signal = SIGABRT)
{
    struct bulkhead b;
    bulkhead_init(&b, 2, 0, UINT32_MAX);
    bulkhead_release(&b);
}

Test(bulkhead, a_waiter_leaving_that_never_waited_aborts, .signal = SIGABRT)
{
    struct bulkhead b;
    bulkhead_init(&b, 2, 50 * MS, UINT32_MAX);
    bulkhead_abandon_wait(&b);
}

/* A burst so large that burst x interval passes the range of time (it
 * overflowed once, and shed every request): no limit at all. */
Test(token_bucket, a_burst_beyond_the_range_of_time_never_limits)
{
    struct token_bucket b;
    token_bucket_init(&b, 1e-9, 100000000u);
    cr_assert_eq(b.tolerance_ns, SIM_TIME_NEVER);
    for (int i = 0; i < 1000; i++)
        cr_assert(token_bucket_take(&b, SIM_S(i)));
}
