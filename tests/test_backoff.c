/* Backoff and jitter, alone: values, ranges, means and the cap's place. */
#include <criterion/criterion.h>
#include <math.h>

#include "../sim/base/rng.h"
#include "../sim/prim/backoff.h"

static const sim_time MS = 1000000;

static sim_time delay(const struct backoff_cfg *c, uint32_t retry, double u)
{
    struct backoff_state st;
    backoff_begin(&st, c);
    return backoff_delay(c, &st, retry, u);
}

Test(backoff, constant_linear_and_exponential_without_jitter)
{
    struct backoff_cfg c = {.kind = BACKOFF_CONSTANT, .base_ns = 100 * MS};
    cr_assert_eq(delay(&c, 7, 0.3), 100 * MS);
    c.kind = BACKOFF_LINEAR;
    cr_assert_eq(delay(&c, 3, 0.3), 300 * MS);
    c = (struct backoff_cfg){.kind = BACKOFF_EXPONENTIAL, .base_ns = 100 * MS, .multiplier = 2};
    /* base m^(n-1), not base^n (a bug seen in the wild) */
    cr_assert_eq(delay(&c, 1, 0), 100 * MS);
    cr_assert_eq(delay(&c, 2, 0), 200 * MS);
    cr_assert_eq(delay(&c, 4, 0), 800 * MS);
    c.max_ns = 500 * MS;
    cr_assert_eq(delay(&c, 4, 0), 500 * MS);
    cr_assert_eq(delay(&c, 60, 0), 500 * MS, "huge attempt numbers neither overflow nor pass the cap");
}

/* Mean and range of a jitter over many uniform draws. */
static void moments(const struct backoff_cfg *c, uint32_t retry, double *mean, sim_time *lo,
                    sim_time *hi)
{
    struct rng r;
    rng_init_stream(&r, 1, "jitter");
    double sum = 0;
    *lo = INT64_MAX;
    *hi = 0;
    for (int i = 0; i < 100000; i++) {
        sim_time d = delay(c, retry, rng_uniform(&r));
        sum += (double)d;
        if (d < *lo)
            *lo = d;
        if (d > *hi)
            *hi = d;
    }
    *mean = sum / 100000;
}

Test(backoff, jitter_ranges_and_means)
{
    /* e = 800 ms at retry 4. Uniform means: sd of the mean of 1e5 draws of
     * U(0, e) is e/sqrt(12e5) = 0.73 ms; allow 5 sd. */
    struct backoff_cfg c = {.kind = BACKOFF_EXPONENTIAL, .base_ns = 100 * MS, .multiplier = 2};
    double mean;
    sim_time lo, hi;
    c.jitter = JITTER_FULL;
    moments(&c, 4, &mean, &lo, &hi);
    cr_assert(lo >= 0 && hi < 800 * MS);
    cr_assert_float_eq(mean, 400e6, 5 * 0.73e6);
    c.jitter = JITTER_EQUAL;
    moments(&c, 4, &mean, &lo, &hi);
    cr_assert(lo >= 400 * MS && hi < 800 * MS);
    cr_assert_float_eq(mean, 600e6, 5 * 0.37e6);
    c.jitter = JITTER_PROPORTIONAL;
    c.factor = 0.5;
    moments(&c, 4, &mean, &lo, &hi);
    cr_assert(lo >= 400 * MS && hi <= 1200 * MS);
    cr_assert_float_eq(mean, 800e6, 5 * 0.73e6);
}

Test(backoff, decorrelated_jitter_stays_between_base_and_three_times_the_last_and_grows)
{
    struct backoff_cfg c = {.kind = BACKOFF_EXPONENTIAL, .base_ns = 10 * MS, .multiplier = 2,
                            .max_ns = 5000 * MS, .jitter = JITTER_DECORRELATED};
    struct rng r;
    rng_init_stream(&r, 2, "decorrelated");
    double last_mean = 0;
    for (int trial = 0; trial < 2000; trial++) {
        struct backoff_state st;
        backoff_begin(&st, &c);
        sim_time prev = c.base_ns;
        for (uint32_t n = 1; n <= 6; n++) {
            sim_time d = backoff_delay(&c, &st, n, rng_uniform(&r));
            cr_assert(d >= c.base_ns && d <= 3 * prev && d <= c.max_ns,
                      "retry %u: %lld not in [base, 3 x %lld]", n, (long long)d, (long long)prev);
            prev = d;
            if (n == 6)
                last_mean += (double)d / 2000;
        }
    }
    /* E[d_n] = (base + 3 E[d_(n-1)]) / 2 grows about 1.5x a retry: it must
     * not stay near the base (the "decorrelated jitter that never grows" bug) */
    cr_assert_gt(last_mean, 50e6);
}

Test(backoff, capping_after_jitter_makes_every_client_wait_exactly_the_cap)
{
    /* resilience4j: once base m^(n-1) (1 - f) >= max, jitter vanishes at the
     * cap and clients re-synchronise; capping first keeps them spread. */
    struct backoff_cfg c = {.kind = BACKOFF_EXPONENTIAL, .base_ns = 100 * MS, .multiplier = 2,
                            .max_ns = 1000 * MS, .jitter = JITTER_PROPORTIONAL, .factor = 0.5};
    c.cap_after_jitter = true;
    double mean;
    sim_time lo, hi;
    moments(&c, 6, &mean, &lo, &hi); /* e = 3200 ms, 3200 x 0.5 >= 1000 */
    cr_assert_eq(lo, 1000 * MS);
    cr_assert_eq(hi, 1000 * MS);
    c.cap_after_jitter = false;
    moments(&c, 6, &mean, &lo, &hi);
    cr_assert(lo < 600 * MS && hi > 1400 * MS, "capped first, the jitter spreads around the cap");
}

/* One-sided jitter only lengthens a wait ("1.0 to 1.25 s": Kubernetes
 * wait.Jitter with maxFactor 0.25); additive jitter adds up to a fixed
 * amount whatever the wait (tenacity's wait_exponential_jitter), so it
 * spreads long waits relatively less. */
Test(backoff, upward_and_additive_jitter)
{
    struct backoff_cfg c = {.kind = BACKOFF_CONSTANT, .base_ns = 1000 * MS,
                            .jitter = JITTER_UPWARD, .factor = 0.25};
    cr_assert_eq(delay(&c, 1, 0), 1000 * MS, "never shorter than the wait");
    cr_assert_eq(delay(&c, 1, 0.5), 1125 * MS);
    cr_assert_lt(delay(&c, 1, 0.999999), 1250 * MS);
    cr_assert_geq(delay(&c, 1, 0.999999), 1249 * MS);
    c = (struct backoff_cfg){.kind = BACKOFF_EXPONENTIAL, .base_ns = 100 * MS, .multiplier = 2,
                             .jitter = JITTER_ADDITIVE, .add_ns = 100 * MS};
    cr_assert_eq(delay(&c, 1, 0), 100 * MS);
    cr_assert_eq(delay(&c, 1, 0.5), 150 * MS);
    cr_assert_eq(delay(&c, 4, 0.5), 850 * MS, "800 ms plus half of the 100 ms");
    c.max_ns = 500 * MS; /* capped before jitter: 500 + U(0, 100) */
    cr_assert_eq(delay(&c, 4, 0.5), 550 * MS);
    c.cap_after_jitter = true; /* tenacity caps after: exactly the cap */
    cr_assert_eq(delay(&c, 4, 0.5), 500 * MS);
}
