/* dist: the service-time and think-time distributions of the contract.
 *
 * A `struct dist` is an immutable description (built by the loader, owned by
 * the scenario); sampling draws from a caller-supplied rng stream. Parameters
 * are held in milliseconds as the scenario gives them; samples come out as
 * sim_time nanoseconds, never negative. All variates are generated with the
 * project's own detmath routines so they are bit-identical on every platform. */
#ifndef STAMPEDE_DIST_H
#define STAMPEDE_DIST_H

#include <stdint.h>

#include "rng.h"
#include "sim_time.h"

#define DIST_KINDS(X)                                                                              \
    X(DIST_CONSTANT, "constant")                                                                   \
    X(DIST_UNIFORM, "uniform")                                                                     \
    X(DIST_EXPONENTIAL, "exponential")                                                             \
    X(DIST_LOGNORMAL, "lognormal")                                                                 \
    X(DIST_NORMAL, "normal")                                                                       \
    X(DIST_PARETO, "pareto")                                                                       \
    X(DIST_MIXTURE, "mixture")                                                                     \
    X(DIST_EMPIRICAL, "empirical")

#define DIST_ENUM(e, s) e,
enum dist_kind { DIST_KINDS(DIST_ENUM) DIST_KIND_COUNT };
#undef DIST_ENUM

extern const char *const dist_kind_names[DIST_KIND_COUNT];

/* Parameters by kind (all in ms except lognormal's mu/sigma, which are of
 * the log of the value in ms, and pareto's dimensionless shape):
 *   constant     a = value
 *   uniform      a = min, b = max
 *   exponential  a = mean
 *   lognormal    a = mu, b = sigma
 *   normal       a = mean, b = stddev (truncated at 0 by rejection)
 *   pareto       a = scale (minimum value), b = shape (alpha)
 *   mixture      parts[n] with cumulative weights cum_weight[n] (last = 1)
 *   empirical    values[n], each equally likely */
struct dist {
    enum dist_kind kind;
    double a, b;
    uint32_t n;
    struct dist *parts;
    double *cum_weight;
    double *values;
};

/* One sample in milliseconds, unrounded. */
double dist_sample_ms(const struct dist *d, struct rng *r);
/* A unit-mean exponential variate (ziggurat, 256 blocks). */
double dist_std_exponential(struct rng *r);

/* One sample in nanoseconds (rounded, clamped at 0 and at 1e12 ms, about
 * 31 years: far past any run, and no overflow). Inline: it is drawn for
 * every request's work, and the exponential is the common case. */
static inline sim_time dist_sample(const struct dist *d, struct rng *r)
{
    if (d->kind == DIST_CONSTANT)
        return sim_time_from_ms(d->a); /* the hot case in M/D/c; no draw */
    double ms = d->kind == DIST_EXPONENTIAL ? d->a * dist_std_exponential(r)
                                            : dist_sample_ms(d, r);
    if (!(ms > 0))
        return 0;
    if (ms > 1e12)
        ms = 1e12;
    return (sim_time)(ms * 1e6 + 0.5); /* sim_time_from_ms, whose checks cannot fail here */
}
/* The distribution's exact mean in ms (INFINITY for pareto with shape <= 1). */
double dist_mean_ms(const struct dist *d);
/* Lognormal's mu and sigma from a median and a 99th percentile (both ms). */
void dist_lognormal_from_quantiles(double median_ms, double p99_ms, double *mu, double *sigma);
/* A standard normal variate (Marsaglia's polar method). */
double dist_std_normal(struct rng *r);
/* Releases what `d` owns (mixture parts, weights, values), not `d` itself. */
void dist_release(struct dist *d);

#endif
