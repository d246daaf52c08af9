/* The circuit breaker alone, driven by literal times (nanoseconds): the
 * state machines and accounting rules of docs/primitives.md. */
#include <criterion/criterion.h>

#include "../sim/prim/breaker.h"

static const sim_time MS = 1000000, S = 1000000000;

static struct breaker_cfg consecutive(uint32_t n)
{
    return (struct breaker_cfg){.window = BREAKER_WINDOW_CONSECUTIVE, .consecutive_failures = n,
                                .open_ns = 10 * S, .half_open_calls = 1,
                                .half_open = BREAKER_HALF_OPEN_CONSECUTIVE,
                                .success_threshold = 1};
}

/* Admits one call at `now` and records its outcome; the transition. */
static enum breaker_transition call(struct breaker *b, sim_time now, bool failed)
{
    uint32_t gen;
    enum breaker_transition t;
    cr_assert(breaker_allow(b, now, &gen, &t), "call at %lld ns rejected", (long long)now);
    return breaker_record(b, now, gen, failed, 1 * MS);
}

static bool allowed(struct breaker *b, sim_time now)
{
    uint32_t gen;
    enum breaker_transition t;
    return breaker_allow(b, now, &gen, &t);
}

Test(breaker, opens_after_five_consecutive_failures_and_a_success_resets_the_run)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(5);
    breaker_init(&b, &c);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(call(&b, i, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 4, false), BREAKER_NO_CHANGE, "a success resets the run");
    for (int i = 0; i < 4; i++)
        cr_assert_eq(call(&b, 5 + i, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 9, true), BREAKER_OPENED, "the 5th in a row trips (pybreaker)");
    cr_assert_not(allowed(&b, 10));
    breaker_release(&b);
}

Test(breaker, stays_open_until_strictly_after_the_open_time_then_admits_one_probe)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(1);
    breaker_init(&b, &c);
    cr_assert_eq(call(&b, 0, true), BREAKER_OPENED);
    cr_assert_not(allowed(&b, 10 * S), "at exactly open_until it is still open");
    uint32_t gen;
    enum breaker_transition t;
    cr_assert(breaker_allow(&b, 10 * S + 1, &gen, &t));
    cr_assert_eq(t, BREAKER_HALF_OPENED);
    cr_assert_not(allowed(&b, 10 * S + 2), "half-open admits one call (gobreaker MaxRequests 1)");
    cr_assert_eq(breaker_record(&b, 10 * S + 3, gen, false, MS), BREAKER_CLOSED_AGAIN);
    cr_assert(allowed(&b, 10 * S + 4));
    breaker_release(&b);
}

Test(breaker, any_half_open_failure_reopens_and_restarts_the_clock)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(1);
    c.success_threshold = 3;
    c.half_open_calls = 0; /* unlimited, as pybreaker */
    breaker_init(&b, &c);
    call(&b, 0, true);
    cr_assert_eq(call(&b, 11 * S, false), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 11 * S + 1, false), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 11 * S + 2, true), BREAKER_OPENED);
    cr_assert_not(allowed(&b, 21 * S), "open for 10 s from the re-open");
    cr_assert(allowed(&b, 21 * S + 3));
    breaker_release(&b);
}

Test(breaker, count_window_waits_for_min_calls_then_compares_with_greater_or_equal)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_COUNT, .size = 10, .min_calls = 4,
                            .failure_rate = 50, .slow_call_rate = 100, .open_ns = S,
                            .half_open_calls = 2, .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    cr_assert_eq(call(&b, 1, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 2, false), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 3, false), BREAKER_NO_CHANGE, "3 calls: below min_calls");
    cr_assert_eq(call(&b, 4, true), BREAKER_OPENED, "2 of 4 failed: 50% >= 50%");
    breaker_release(&b);
}

Test(breaker, count_window_slides_over_the_last_size_calls)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_COUNT, .size = 4, .min_calls = 4,
                            .failure_rate = 75, .slow_call_rate = 100, .open_ns = S,
                            .half_open_calls = 1, .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    /* F F S F : 75% -> opens; but first F F S S S: the window slides */
    call(&b, 1, true);
    call(&b, 2, true);
    call(&b, 3, false);
    call(&b, 4, false);
    call(&b, 5, false); /* window now F S S S: 25% */
    cr_assert_eq(call(&b, 6, true), BREAKER_NO_CHANGE, "S S S F: 25%");
    cr_assert_eq(call(&b, 7, true), BREAKER_NO_CHANGE, "S S F F: 50%");
    cr_assert_eq(call(&b, 8, true), BREAKER_OPENED, "S F F F: 75%");
    breaker_release(&b);
}

Test(breaker, min_calls_is_clamped_to_a_count_window)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_COUNT, .size = 3, .min_calls = 100,
                            .failure_rate = 100, .slow_call_rate = 100, .open_ns = S,
                            .half_open_calls = 1, .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    call(&b, 1, true);
    call(&b, 2, true);
    cr_assert_eq(call(&b, 3, true), BREAKER_OPENED, "min_calls 100 acts as 3");
    breaker_release(&b);
}

Test(breaker, time_window_forgets_seconds_older_than_its_size)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_TIME, .size = 3, .min_calls = 3,
                            .failure_rate = 100, .slow_call_rate = 100, .open_ns = S,
                            .half_open_calls = 1, .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    call(&b, 0 * S + 1, true);
    call(&b, 1 * S + 1, true);
    /* at 3.5 s the window is seconds 1, 2 and 3: the failure at 0 s is gone */
    cr_assert_eq(call(&b, 3 * S + 500 * MS, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 3 * S + 600 * MS, true), BREAKER_OPENED, "3 failures in seconds 1-3");
    breaker_release(&b);
}

Test(breaker, slow_calls_are_strictly_slower_than_the_threshold)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_COUNT, .size = 2, .min_calls = 2,
                            .failure_rate = 100, .slow_call_ns = 100 * MS, .slow_call_rate = 50,
                            .open_ns = S, .half_open_calls = 1,
                            .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    uint32_t g;
    enum breaker_transition t;
    breaker_allow(&b, 1, &g, &t);
    cr_assert_eq(breaker_record(&b, 1, g, false, 100 * MS), BREAKER_NO_CHANGE);
    breaker_allow(&b, 2, &g, &t);
    cr_assert_eq(breaker_record(&b, 2, g, false, 100 * MS), BREAKER_NO_CHANGE,
                 "exactly the threshold is not slow");
    breaker_allow(&b, 3, &g, &t);
    cr_assert_eq(breaker_record(&b, 3, g, false, 100 * MS + 1), BREAKER_OPENED,
                 "1 of 2 slow: 50%% >= 50%%");
    breaker_release(&b);
}

Test(breaker, rate_half_open_decides_after_min_of_min_calls_and_permits)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_COUNT, .size = 2, .min_calls = 10,
                            .failure_rate = 50, .slow_call_rate = 100, .open_ns = S,
                            .half_open_calls = 4, .half_open = BREAKER_HALF_OPEN_RATE};
    breaker_init(&b, &c);
    call(&b, 1, true);
    cr_assert_eq(call(&b, 2, true), BREAKER_OPENED);
    sim_time t0 = 2 * S;
    uint32_t g[5];
    enum breaker_transition t;
    for (int i = 0; i < 4; i++)
        cr_assert(breaker_allow(&b, t0 + i, &g[i], &t));
    cr_assert_not(breaker_allow(&b, t0 + 4, &g[4], &t), "only 4 permits");
    cr_assert_eq(breaker_record(&b, t0 + 5, g[0], true, MS), BREAKER_NO_CHANGE);
    cr_assert_eq(breaker_record(&b, t0 + 6, g[1], false, MS), BREAKER_NO_CHANGE);
    cr_assert_eq(breaker_record(&b, t0 + 7, g[2], false, MS), BREAKER_NO_CHANGE);
    cr_assert_eq(breaker_record(&b, t0 + 8, g[3], false, MS), BREAKER_CLOSED_AGAIN,
                 "decided at 4 = min(10, 4): 25%% < 50%%");
    breaker_release(&b);
}

Test(breaker, an_outcome_from_an_earlier_state_is_ignored)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(1);
    breaker_init(&b, &c);
    uint32_t slow_call, g;
    enum breaker_transition t;
    breaker_allow(&b, 0, &slow_call, &t); /* admitted while closed */
    call(&b, 1, true);                    /* opens */
    cr_assert(breaker_allow(&b, 10 * S + 2, &g, &t)); /* half-open probe */
    cr_assert_eq(breaker_record(&b, 10 * S + 3, slow_call, false, MS), BREAKER_NO_CHANGE,
                 "a success from before the opening cannot close it");
    enum breaker_transition changed;
    cr_assert_eq(breaker_state_at(&b, 10 * S + 4, &changed), BREAKER_HALF_OPEN);
    breaker_release(&b);
}

/* Failsafe's "5 failures in 60 s, at least 10 calls": a time window of 60
 * one-second buckets counting failures, not a rate. Nine calls with five
 * failures do not open it (too few calls); the tenth does, though only half
 * failed; failures older than the window no longer count. */
Test(breaker, a_failure_count_in_a_time_window_opens_once_min_calls_are_in)
{
    struct breaker b;
    struct breaker_cfg c = {.window = BREAKER_WINDOW_TIME, .size = 60, .min_calls = 10,
                            .failure_count = 5, .open_ns = S, .half_open_calls = 1,
                            .half_open = BREAKER_HALF_OPEN_CONSECUTIVE, .success_threshold = 1};
    breaker_init(&b, &c);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(call(&b, i * S, true), BREAKER_NO_CHANGE);
    for (int i = 5; i < 9; i++)
        cr_assert_eq(call(&b, i * S, false), BREAKER_NO_CHANGE, "9 calls: fewer than min_calls");
    cr_assert_eq(call(&b, 9 * S, false), BREAKER_OPENED, "10 calls, 5 failures: open");
    breaker_release(&b);

    breaker_init(&b, &c); /* the same five failures, but spread past the window */
    for (int i = 0; i < 4; i++)
        cr_assert_eq(call(&b, i * S, true), BREAKER_NO_CHANGE);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(call(&b, 61 * S + i * MS, false), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 62 * S, true), BREAKER_NO_CHANGE,
                 "the first four failures left the window: one failure in it");
    breaker_release(&b);
}

/* gobreaker's Interval: the count of a consecutive breaker is cleared every
 * interval spent closed, lazily, and a call admitted before the clearing
 * no longer counts (its generation is over). */
Test(breaker, an_interval_clears_the_consecutive_count_and_drops_older_calls)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(3);
    c.interval_ns = 10 * S;
    breaker_init(&b, &c);
    cr_assert_eq(call(&b, 1 * S, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 2 * S, true), BREAKER_NO_CHANGE);
    uint32_t late;
    enum breaker_transition t;
    cr_assert(breaker_allow(&b, 9 * S, &late, &t));
    cr_assert_eq(call(&b, 11 * S, true), BREAKER_NO_CHANGE,
                 "past 10 s the count starts again: one failure, not three");
    cr_assert_eq(breaker_record(&b, 11 * S, late, true, MS), BREAKER_NO_CHANGE,
                 "admitted before the clearing: ignored");
    cr_assert_eq(call(&b, 12 * S, true), BREAKER_NO_CHANGE);
    cr_assert_eq(call(&b, 13 * S, true), BREAKER_OPENED, "three in a row inside one interval");
    breaker_release(&b);
}

/* An operator's hand: forced open refuses everything with no half-open,
 * however long; reset closes it with an empty count. */
Test(breaker, forced_open_refuses_until_reset_and_reset_starts_afresh)
{
    struct breaker b;
    struct breaker_cfg c = consecutive(2);
    breaker_init(&b, &c);
    cr_assert_eq(call(&b, 0, true), BREAKER_NO_CHANGE);
    cr_assert_eq(breaker_force_open(&b, 1 * S), BREAKER_FORCED);
    cr_assert_eq(breaker_force_open(&b, 2 * S), BREAKER_NO_CHANGE, "already forced");
    cr_assert_not(allowed(&b, 1000 * S), "no half-open after open_ns: still forced");
    enum breaker_transition t;
    cr_assert_eq(breaker_state_at(&b, 1000 * S, &t), BREAKER_FORCED_OPEN);
    cr_assert_eq(breaker_reset(&b, 1001 * S), BREAKER_RESET);
    cr_assert_eq(call(&b, 1002 * S, true), BREAKER_NO_CHANGE,
                 "the failure before the force is forgotten: one in a row");
    cr_assert_eq(call(&b, 1003 * S, true), BREAKER_OPENED);
    breaker_release(&b);
}
