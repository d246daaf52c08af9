#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/base/dist.h"

/* Each test draws N samples; the sample mean's standard error is sd/sqrt(N),
 * and we allow 5 standard errors (a false failure about once in 1.7 million
 * runs, and the seeds are fixed anyway). Quantiles: the p-quantile of N draws
 * has standard error sqrt(p(1-p)/N)/f(x_p); the bounds below use that. */
enum { N = 400000 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct sample_stats {
    double mean, sd;
    double *sorted;
};

static struct sample_stats draw(const struct dist *d, const char *stream)
{
    struct rng r;
    rng_init_stream(&r, 11, stream);
    struct sample_stats s = {0};
    s.sorted = malloc(N * sizeof(double));
    double sum = 0, sumsq = 0;
    for (int i = 0; i < N; i++) {
        double x = dist_sample_ms(d, &r);
        cr_assert(x >= 0, "%s produced a negative sample", stream);
        s.sorted[i] = x;
        sum += x;
        sumsq += x * x;
    }
    s.mean = sum / N;
    s.sd = sqrt(sumsq / N - s.mean * s.mean);
    qsort(s.sorted, N, sizeof(double), cmp_double);
    return s;
}

static double quantile(const struct sample_stats *s, double p) { return s->sorted[(int)(p * N)]; }

static void assert_mean(const struct sample_stats *s, double expected, double sd)
{
    double se = sd / sqrt(N);
    cr_assert(fabs(s->mean - expected) < 5 * se, "mean %.6f, expected %.6f (se %.2g)", s->mean,
              expected, se);
}

Test(dist, constant_is_constant)
{
    struct dist d = {.kind = DIST_CONSTANT, .a = 2.5};
    struct rng r;
    rng_init_stream(&r, 1, "c");
    cr_assert_eq(dist_sample(&d, &r), SIM_US(2500));
    cr_assert_eq(dist_mean_ms(&d), 2.5);
}

Test(dist, uniform_mean_and_quartiles)
{
    struct dist d = {.kind = DIST_UNIFORM, .a = 10, .b = 30};
    struct sample_stats s = draw(&d, "uniform");
    assert_mean(&s, 20, 20 / sqrt(12));
    /* quartile se = sqrt(.25*.75/N)/(1/20) = 0.0137 */
    cr_assert_float_eq(quantile(&s, 0.25), 15, 0.07);
    cr_assert_float_eq(quantile(&s, 0.75), 25, 0.07);
    cr_assert(s.sorted[0] >= 10 && s.sorted[N - 1] < 30);
    free(s.sorted);
}

Test(dist, exponential_mean_and_median)
{
    struct dist d = {.kind = DIST_EXPONENTIAL, .a = 20};
    struct sample_stats s = draw(&d, "exp");
    assert_mean(&s, 20, 20);
    cr_assert_float_eq(s.sd, 20, 0.2);
    /* median = 20 ln 2; se = sqrt(.25/N)/(f = 0.5/20) = 0.0316 */
    cr_assert_float_eq(quantile(&s, 0.5), 20 * log(2), 0.16);
    /* p99 = 20 ln 100; se = sqrt(.0099/N)/(0.01/20) = 0.31 */
    cr_assert_float_eq(quantile(&s, 0.99), 20 * log(100), 1.6);
    free(s.sorted);
}

Test(dist, ziggurat_exponential_cdf_at_every_kind_of_point)
{
    /* The empirical CDF of 4 million draws against 1 - e^-x at points inside
     * the rectangles, in wedges near the top and bottom layers, at the base
     * strip's edge R = 7.697 and in the tail beyond it. Each count is
     * binomial: 5 standard deviations, sqrt(p(1-p)/n). */
    enum { M = 4000000 };
    static const double xs[] = {0.001, 0.03, 0.0639, 0.1, 0.5, 1, 2, 4, 7, 7.69, 7.71, 9, 12};
    enum { K = sizeof xs / sizeof xs[0] };
    long below[K] = {0};
    struct rng r;
    rng_init_stream(&r, 3, "ziggurat");
    for (int i = 0; i < M; i++) {
        double x = dist_std_exponential(&r);
        cr_assert(x >= 0);
        for (int k = 0; k < K; k++)
            below[k] += x < xs[k];
    }
    for (int k = 0; k < K; k++) {
        double p = 1 - exp(-xs[k]), got = (double)below[k] / M;
        double sd = sqrt(p * (1 - p) / M);
        cr_assert(fabs(got - p) <= 5 * sd + 1e-9, "P(X < %g) = %.7f, expected %.7f (sd %.2g)",
                  xs[k], got, p, sd);
    }
}

Test(dist, lognormal_from_median_and_p99)
{
    double mu, sigma;
    dist_lognormal_from_quantiles(5, 40, &mu, &sigma);
    struct dist d = {.kind = DIST_LOGNORMAL, .a = mu, .b = sigma};
    struct sample_stats s = draw(&d, "lognormal");
    double mean = exp(mu + sigma * sigma / 2);
    double sd = mean * sqrt(exp(sigma * sigma) - 1);
    assert_mean(&s, mean, sd);
    cr_assert_float_eq(dist_mean_ms(&d), mean, 1e-12);
    /* median se = sqrt(.25/N)/f(5) with f(5) = 1/(5 sigma sqrt(2 pi)) ~ 0.0895 */
    cr_assert_float_eq(quantile(&s, 0.5), 5, 0.05);
    /* p99 density f(40) = phi(2.326)/(40 sigma) ~ 0.000747: se 0.21 */
    cr_assert_float_eq(quantile(&s, 0.99), 40, 1.1);
    free(s.sorted);
}

Test(dist, normal_truncated_at_zero)
{
    /* mean 10, sd 10: truncation matters (16% of the mass is below 0). */
    struct dist d = {.kind = DIST_NORMAL, .a = 10, .b = 10};
    struct sample_stats s = draw(&d, "normal");
    double alpha = -1.0;
    double phi = exp(-0.5 * alpha * alpha) / 2.5066282746310002;
    double z = 0.5 * erfc(alpha / sqrt(2));
    double mean = 10 + 10 * phi / z;
    double var = 100 * (1 + alpha * phi / z - (phi / z) * (phi / z));
    assert_mean(&s, mean, sqrt(var));
    cr_assert_float_eq(dist_mean_ms(&d), mean, 1e-9);
    cr_assert(s.sorted[0] >= 0);
    free(s.sorted);
}

Test(dist, pareto_mean_and_median)
{
    /* shape 3 has a finite variance, so the mean test has a real se. */
    struct dist d = {.kind = DIST_PARETO, .a = 2, .b = 3};
    struct sample_stats s = draw(&d, "pareto");
    double mean = 3.0 * 2 / 2;
    double var = 4 * 3 / (4.0 * 1); /* xm^2 a / ((a-1)^2 (a-2)) */
    assert_mean(&s, mean, sqrt(var));
    cr_assert_float_eq(quantile(&s, 0.5), 2 * pow(2, 1.0 / 3), 0.01);
    cr_assert(s.sorted[0] >= 2);
    free(s.sorted);
}

Test(dist, mixture_mean_is_the_weighted_mean)
{
    struct dist parts[2] = {{.kind = DIST_CONSTANT, .a = 1}, {.kind = DIST_CONSTANT, .a = 100}};
    double cum[2] = {0.9, 1.0};
    struct dist d = {.kind = DIST_MIXTURE, .n = 2, .parts = parts, .cum_weight = cum};
    struct sample_stats s = draw(&d, "mixture");
    double mean = 0.9 * 1 + 0.1 * 100;
    assert_mean(&s, mean, sqrt(0.9 * 0.1) * 99);
    cr_assert_float_eq(dist_mean_ms(&d), mean, 1e-12);
    cr_assert_eq(quantile(&s, 0.5), 1);
    cr_assert_eq(quantile(&s, 0.95), 100);
    free(s.sorted);
}

Test(dist, empirical_draws_each_value_equally)
{
    double values[4] = {1, 2, 3, 10};
    struct dist d = {.kind = DIST_EMPIRICAL, .n = 4, .values = values};
    struct sample_stats s = draw(&d, "empirical");
    double var = (1 + 4 + 9 + 100) / 4.0 - 4 * 4;
    assert_mean(&s, 4, sqrt(var));
    /* each value's share ~ 0.25 with se sqrt(.25*.75/N) = 6.8e-4 */
    int ones = 0;
    for (int i = 0; i < N; i++)
        ones += s.sorted[i] == 1;
    cr_assert_float_eq((double)ones / N, 0.25, 5 * 6.8e-4);
    free(s.sorted);
}
