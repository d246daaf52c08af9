/* The recovery judge alone, fed synthetic traffic with literal times:
 * Poisson arrivals at a rate, each answered 10 ms later with a probability
 * that depends on when it was offered. Several seeds each. */
#include <criterion/criterion.h>
#include <math.h>

#include "../sim/base/rng.h"
#include "../sim/model/recovery.h"

#define S(x) ((sim_time)((x) * 1e9))
#define LATENCY S(0.010)
#define MAX_PENDING 4096

/* The share of requests offered at `t` that are answered. */
typedef double (*answered_share)(double t);

/* Runs [0, end) with a fault from 60 s to 70 s at `rate` requests/s. */
static struct recovery judge(double rate, answered_share share, double end_s, uint64_t seed)
{
    struct recovery r;
    recovery_init(&r, S(60), S(70), S(end_s), S(1), 0.05, S(10));
    struct rng g;
    rng_init_stream(&g, seed, "recovery-test");
    sim_time pending[MAX_PENDING]; /* answers to come, in time order */
    uint32_t head = 0, tail = 0;
    double t = 0;
    for (;;) {
        t += -log(1 - rng_uniform(&g)) / rate;
        sim_time now = S(t);
        while (head != tail && pending[head % MAX_PENDING] <= now && pending[head % MAX_PENDING] < S(end_s))
            recovery_on_answer(&r, pending[head++ % MAX_PENDING], LATENCY);
        if (now >= S(end_s))
            break;
        recovery_on_offer(&r, now);
        if (rng_uniform(&g) < share(t)) {
            cr_assert_lt(tail - head, MAX_PENDING);
            pending[tail++ % MAX_PENDING] = now + LATENCY;
        }
    }
    recovery_finish(&r);
    return r;
}

static double healthy_then_dead(double t) { return t < 60 ? 1 : 0; }
static double left_at_57_percent(double t) { return t < 60 ? 1 : t < 70 ? 0 : 0.57; }
static double left_at_88_percent(double t) { return t < 60 ? 1 : t < 70 ? 0 : 0.88; }
static double clean_restart(double t) { return t >= 60 && t < 70 ? 0 : 1; }
static double back_at_80(double t) { return t >= 60 && t < 80 ? 0 : 1; }
static double flaky(double t) { return t >= 60 && t < 70 ? 0 : 0.9; }

Test(recovery, a_server_left_dead_at_1_request_per_second_has_not_recovered)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct recovery r = judge(1, healthy_then_dead, 120, seed);
        cr_assert(recovery_known(&r), "seed %llu: %s", (unsigned long long)seed,
                  recovery_unknown_reason(&r));
        cr_assert_not(recovery_recovered(&r), "seed %llu", (unsigned long long)seed);
    }
}

Test(recovery, a_server_left_at_57_percent_at_7_requests_per_second_has_not_recovered)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct recovery r = judge(7, left_at_57_percent, 120, seed);
        cr_assert(recovery_known(&r));
        cr_assert_not(recovery_recovered(&r), "seed %llu", (unsigned long long)seed);
    }
}

Test(recovery, a_server_left_at_88_percent_at_100_requests_per_second_has_not_recovered)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct recovery r = judge(100, left_at_88_percent, 120, seed);
        cr_assert(recovery_known(&r));
        cr_assert_not(recovery_recovered(&r), "seed %llu", (unsigned long long)seed);
    }
}

/* The truth is 0 s: recovered at once, on every seed, at 20 requests/s and
 * up. At 1 request/s ten requests a span cannot confirm 5%, and it says so
 * (confirming takes about 65 a span: 3 x (1 + in flight) / n <= 5%). */
Test(recovery, a_clean_restart_recovers_at_once)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct recovery r = judge(1, clean_restart, 120, seed);
        cr_assert_not(recovery_known(&r), "seed %llu", (unsigned long long)seed);
        cr_assert_not_null(recovery_unknown_reason(&r));
    }
    const double rates[] = {20, 100, 1000};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++)
        for (uint64_t seed = 1; seed <= 8; seed++) {
            struct recovery r = judge(rates[k], clean_restart, 120, seed);
            cr_assert(recovery_recovered(&r), "rate %g seed %llu", rates[k],
                      (unsigned long long)seed);
            cr_assert_leq(recovery_seconds(&r), 1.0, "rate %g seed %llu: %g s", rates[k], (unsigned long long)seed, recovery_seconds(&r));
        }
}

/* The truth is 10 s after the fault: found to within one bucket (0.2 s)
 * plus the spans that straddle the change, on every seed. */
Test(recovery, a_late_recovery_is_timed_from_the_fault_end)
{
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct recovery r = judge(100, back_at_80, 150, seed);
        cr_assert(recovery_recovered(&r), "seed %llu", (unsigned long long)seed);
        cr_assert_float_eq(recovery_seconds(&r), 10.0, 1.0, "seed %llu: %g",
                           (unsigned long long)seed, recovery_seconds(&r));
    }
}

Test(recovery, too_little_traffic_to_judge_says_so)
{
    struct recovery r = judge(0.5, flaky, 120, 1);
    cr_assert_not(recovery_known(&r));
    cr_assert_not_null(recovery_unknown_reason(&r));
    cr_assert(isnan(recovery_seconds(&r)));
}

Test(recovery, a_run_that_ends_too_soon_after_the_fault_says_so)
{
    struct recovery r = judge(100, clean_restart, 75, 1);
    cr_assert_not(recovery_known(&r));
    cr_assert_not_null(recovery_unknown_reason(&r));
}
