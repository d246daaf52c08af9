#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/base/dist.h"
#include "../sim/base/histogram.h"

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
    cr_assert_lt(sizeof h, 40 * 1024);
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
    /* below the 1.024 us unit the error is absolute: half a unit at most */
    cr_assert_leq(histogram_percentile(&h, 50), 512);
}
