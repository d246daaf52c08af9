#include "dist.h"

#include <math.h>
#include <stdlib.h>

#include "detmath.h"
#include "ziggurat_tables.h"

#define DIST_NAME(e, s) s,
const char *const dist_kind_names[DIST_KIND_COUNT] = {DIST_KINDS(DIST_NAME)};
#undef DIST_NAME

/* z such that P(Z <= z) = 0.99 for a standard normal Z. */
static const double Z_99 = 2.3263478740408408;

double dist_std_normal(struct rng *r)
{
    /* The polar method needs only log and sqrt; sqrt is exactly rounded by
     * IEEE 754, and Box-Muller's sin/cos would bring libm's last bit back. */
    for (;;) {
        double u = 2 * rng_uniform(r) - 1;
        double v = 2 * rng_uniform(r) - 1;
        double s = u * u + v * v;
        if (s > 0 && s < 1)
            return u * sqrt(-2 * det_log(s) / s);
    }
}

double dist_std_exponential(struct rng *r)
{
    /* Ziggurat (Marsaglia and Tsang 2000; Doornik 2005): pick one of 256
     * blocks of equal area; 98.9% of draws land inside a block's rectangle
     * and cost one random number and a multiply. The low 8 bits choose the
     * block, the top 53 the position, so the two are independent. */
    for (;;) {
        uint64_t bits = rng_next(r);
        unsigned i = (unsigned)(bits & 0xff);
        double x = (double)(bits >> 11) * 0x1.0p-53 * zig_exp_x[i];
        if (x < zig_exp_x[i + 1])
            return x;
        if (i == 0) /* the tail beyond R: memoryless, so R + Exp(1) */
            return ZIG_EXP_R - det_log(rng_uniform_pos(r));
        double y = zig_exp_f[i] + rng_uniform(r) * (zig_exp_f[i + 1] - zig_exp_f[i]);
        if (y < det_exp(-x)) /* in the wedge under the curve */
            return x;
    }
}

void dist_lognormal_from_quantiles(double median_ms, double p99_ms, double *mu, double *sigma)
{
    *mu = det_log(median_ms);
    *sigma = (det_log(p99_ms) - *mu) / Z_99;
}

static double sample_mixture(const struct dist *d, struct rng *r)
{
    double u = rng_uniform(r);
    uint32_t i = 0;
    while (i + 1 < d->n && u >= d->cum_weight[i])
        i++;
    return dist_sample_ms(&d->parts[i], r);
}

double dist_sample_ms(const struct dist *d, struct rng *r)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_uniform(r);
    case DIST_EXPONENTIAL:
        return d->a * dist_std_exponential(r);
    case DIST_LOGNORMAL:
        return det_exp(d->a + d->b * dist_std_normal(r));
    case DIST_NORMAL:
        /* Truncation by rejection keeps the shape of the normal above 0; the
         * loader requires mean >= 0 so at least half of the draws succeed. */
        for (;;) {
            double x = d->a + d->b * dist_std_normal(r);
            if (x >= 0)
                return x;
        }
    case DIST_PARETO:
        return d->a * det_pow(rng_uniform_pos(r), -1.0 / d->b);
    case DIST_MIXTURE:
        return sample_mixture(d, r);
    case DIST_EMPIRICAL:
        return d->values[rng_below(r, d->n)];
    case DIST_KIND_COUNT:
        break;
    }
    abort(); /* unreachable: the loader builds only the kinds above */
}

/* libm is fine here: means are for reports and tests, never for sampling. */
static double normal_pdf(double x) { return exp(-0.5 * x * x) / 2.5066282746310002; }

double dist_mean_ms(const struct dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case DIST_EXPONENTIAL:
        return d->a;
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2);
    case DIST_NORMAL: {
        if (d->b == 0)
            return d->a;
        double alpha = -d->a / d->b;
        return d->a + d->b * normal_pdf(alpha) / (0.5 * erfc(alpha / sqrt(2)));
    }
    case DIST_PARETO:
        return d->b > 1 ? d->b * d->a / (d->b - 1) : INFINITY;
    case DIST_MIXTURE: {
        double mean = 0, prev = 0;
        for (uint32_t i = 0; i < d->n; i++) {
            mean += (d->cum_weight[i] - prev) * dist_mean_ms(&d->parts[i]);
            prev = d->cum_weight[i];
        }
        return mean;
    }
    case DIST_EMPIRICAL: {
        double sum = 0;
        for (uint32_t i = 0; i < d->n; i++)
            sum += d->values[i];
        return sum / d->n;
    }
    case DIST_KIND_COUNT:
        break;
    }
    abort();
}

void dist_release(struct dist *d)
{
    if (!d)
        return;
    if (d->parts)
        for (uint32_t i = 0; i < d->n; i++)
            dist_release(&d->parts[i]);
    free(d->parts);
    free(d->cum_weight);
    free(d->values);
    d->parts = NULL;
    d->cum_weight = NULL;
    d->values = NULL;
}
