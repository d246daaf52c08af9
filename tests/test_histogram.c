#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/base/dist.h"
#include "../sim/base/histogram.h"
#include "../sim/base/rng.h"

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

Test(histogram, percentiles_within_one_percent_of_exact)
{
    static struct histogram h;
    histogram_init(&h);
    enum { N = 200000 };
    sim_time *v = malloc(N * sizeof *v);
    struct rng r;
    rng_init_stream(&r, 5, "hist");
    struct dist d = {.kind = DIST_LOGNORMAL, .a = 2.0, .b = 1.5}; /* ms, wide */
    for (int i = 0; i < N; i++) {
        v[i] = dist_sample(&d, &r);
        histogram_record(&h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_time);
    const double ps[] = {1, 10, 50, 90, 99, 99.9, 99.99};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        size_t rank = (size_t)ceil(ps[k] / 100 * N);
        sim_time exact = v[rank - 1];
        sim_time got = histogram_percentile(&h, ps[k]);
        cr_assert(llabs(got - exact) <= exact / 100 + 1024, "p%g: %lld vs exact %lld", ps[k],
                  (long long)got, (long long)exact);
    }
    cr_assert_eq(histogram_percentile(&h, 100), v[N - 1]);
    cr_assert_eq(h.min_ns, v[0]);
    cr_assert_eq(h.count, (uint64_t)N);
    free(v);
}

Test(histogram, memory_is_fixed_and_reset_empties)
{
    static struct histogram h;
    histogram_init(&h);
    cr_assert_lt(sizeof h, 42 * 1024);
    for (sim_time t = 1; t < SIM_S(100000); t *= 3)
        histogram_record(&h, t);
    histogram_reset(&h);
    cr_assert(histogram_is_empty(&h));
    for (size_t i = 0; i < HIST_COUNTS; i++)
        cr_assert_eq(h.counts[i], 0u);
    cr_assert_eq(histogram_percentile(&h, 50), 0);
}

Test(histogram, merge_equals_recording_into_one)
{
    static struct histogram a, b, both;
    histogram_init(&a);
    histogram_init(&b);
    histogram_init(&both);
    for (sim_time t = 1000; t < SIM_MS(500); t += 7919) {
        histogram_record(t % 2 ? &a : &b, t);
        histogram_record(&both, t);
    }
    histogram_merge(&a, &b);
    cr_assert_eq(a.count, both.count);
    for (double p = 0; p <= 100; p += 0.5)
        cr_assert_eq(histogram_percentile(&a, p), histogram_percentile(&both, p));
}

Test(histogram, exact_values_below_the_unit_and_huge_values_clamp)
{
    static struct histogram h;
    histogram_init(&h);
    histogram_record(&h, 0);
    histogram_record(&h, SIM_S(1000000)); /* beyond the top bucket */
    cr_assert_eq(histogram_percentile(&h, 100), SIM_S(1000000));
    cr_assert_eq(histogram_percentile(&h, 0), 0);
    cr_assert_eq(histogram_percentile(&h, 50), 0, "below 256 ns every value is exact");
}

/* The promise holds at every scale a latency has: 1, 10, 100 us and 1 ms
 * (and 1 s). 1,000 values spread over [x, 2x): every percentile is within
 * 0.4% of the exact order statistic. */
Test(histogram, within_0_4_percent_at_every_scale)
{
    static struct histogram h;
    const sim_time scales[] = {1000, 10000, 100000, 1000000, 1000000000};
    for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
        histogram_init(&h);
        sim_time x = scales[k], v[1000];
        for (int i = 0; i < 1000; i++) {
            v[i] = x + x * i / 1000; /* increasing: v[i] is the (i+1)-th smallest */
            histogram_record(&h, v[i]);
        }
        for (int p = 1; p < 100; p++) {
            double exact = (double)v[p * 10 - 1]; /* the ceil(p% of 1000)-th value */
            double got = (double)histogram_percentile(&h, p);
            cr_assert_leq(fabs(got - exact) / exact, 0.004, "scale %lld ns, p%d: %g against %g",
                          (long long)x, p, got, exact);
        }
    }
}

/* The ranked histogram answers every percentile exactly as the scan does,
 * bimodal latencies (a gap of empty buckets between clusters) included,
 * after every value recorded. */
Test(histogram, ranked_percentiles_equal_the_scan_after_every_record)
{
    struct ranked_histogram *r = malloc(sizeof *r);
    ranked_histogram_init(r);
    struct rng g;
    rng_init_stream(&g, 9, "ranked");
    const double ps[] = {0, 0.1, 1, 25, 50, 50.5, 90, 95, 99, 99.9, 100};
    for (int k = 0; k < 3000; k++) {
        sim_time v = rng_below(&g, 2) ? (sim_time)rng_below(&g, 2000000)          /* ~1 ms */
                                      : 100000000 + (sim_time)rng_below(&g, 50000000); /* ~100 ms */
        if (k % 97 == 0)
            v = (sim_time)rng_below(&g, 300); /* exact buckets too */
        ranked_histogram_record(r, v);
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
            cr_assert_eq(ranked_histogram_percentile(r, ps[i]), histogram_percentile(&r->h, ps[i]),
                         "after %d values, p%g", k + 1, ps[i]);
    }
    free(r);
}
