#include <criterion/criterion.h>

#include "../sim/base/rng.h"

Test(rng, same_seed_and_name_give_the_same_stream)
{
    struct rng a, b;
    rng_init_stream(&a, 7, "client:web");
    rng_init_stream(&b, 7, "client:web");
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rng_next(&a), rng_next(&b));
}

Test(rng, nearby_names_and_seeds_give_unrelated_streams)
{
    const char *names[] = {"client:web1", "client:web2", "client:web"};
    struct rng r[4];
    for (int i = 0; i < 3; i++)
        rng_init_stream(&r[i], 7, names[i]);
    rng_init_stream(&r[3], 8, "client:web");
    /* Independent 64-bit words agree in 32 bits on average: far from 0 or 64. */
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++) {
            struct rng x = r[i], y = r[j];
            long agree = 0;
            for (int k = 0; k < 1000; k++)
                agree += 64 - __builtin_popcountll(rng_next(&x) ^ rng_next(&y));
            double mean = (double)agree / 1000;
            cr_assert(mean > 31 && mean < 33, "streams %d,%d agree in %.2f bits", i, j, mean);
        }
}

Test(rng, known_first_outputs_pin_the_algorithm)
{
    /* xoshiro256** reference: state {1,2,3,4} gives 11520, 0, 1509978240. */
    struct rng r = {{1, 2, 3, 4}};
    cr_assert_eq(rng_next(&r), 11520u);
    cr_assert_eq(rng_next(&r), 0u);
    cr_assert_eq(rng_next(&r), 1509978240u);
}

Test(rng, uniform_mean_and_range)
{
    struct rng r;
    rng_init_stream(&r, 1, "uniform");
    double sum = 0;
    const int n = 1000000;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r), v = rng_uniform_pos(&r);
        cr_assert(u >= 0 && u < 1);
        cr_assert(v > 0 && v <= 1);
        sum += u;
    }
    /* sd of the mean: sqrt(1/12 / n) = 2.9e-4; 5 sigma */
    cr_assert_float_eq(sum / n, 0.5, 5 * 2.9e-4);
}

Test(rng, below_is_unbiased_and_in_range)
{
    struct rng r;
    rng_init_stream(&r, 3, "below");
    long counts[3] = {0};
    const int n = 300000;
    for (int i = 0; i < n; i++) {
        uint64_t x = rng_below(&r, 3);
        cr_assert_lt(x, 3u);
        counts[x]++;
    }
    /* each count ~ Binomial(n, 1/3): sd = 258; 5 sigma */
    for (int i = 0; i < 3; i++)
        cr_assert(labs(counts[i] - n / 3) < 5 * 258, "bucket %d: %ld", i, counts[i]);
}
