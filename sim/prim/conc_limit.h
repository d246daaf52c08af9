/* conc_limit: adaptive concurrency limits (Netflix concurrency-limits).
 * A call is admitted while in-flight < limit; each completed call feeds a
 * sample (its round-trip time, the in-flight count when it was admitted,
 * and whether it was dropped: a timeout or an overload rejection).
 *   CONC_AIMD       drop (or rtt > timeout): limit = floor(limit x backoff);
 *                   else, if in-flight x 2 >= limit: limit + 1.
 *   CONC_GRADIENT2  short = this rtt, long = an exponential average over
 *                   ~600 samples (plain average for the first 10), pulled
 *                   down 5% a sample while long/short > 2; unless under half
 *                   used: gradient = clamp(tolerance x long / short, 0.5, 1),
 *                   limit' = limit x gradient + queue_size, smoothed.
 * Both clamp to [min_limit, max_limit]. No clock is read; the caller owns
 * the struct. */
#ifndef STAMPEDE_CONC_LIMIT_H
#define STAMPEDE_CONC_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

enum conc_algorithm { CONC_AIMD, CONC_GRADIENT2 };

struct conc_limit_cfg {
    enum conc_algorithm algorithm;
    double initial, min_limit, max_limit;
    double backoff_ratio; /* AIMD, in [0.5, 1) */
    sim_time timeout_ns;  /* AIMD: a slower sample counts as a drop */
    double smoothing;     /* Gradient2, in (0, 1] */
    double queue_size;    /* Gradient2 */
    double tolerance;     /* Gradient2, >= 1 */
};

struct conc_limit {
    struct conc_limit_cfg cfg;
    double limit;
    uint32_t in_flight;
    double long_rtt;      /* Gradient2 */
    uint32_t samples;
};

void conc_limit_init(struct conc_limit *c, const struct conc_limit_cfg *cfg);
/* Admits a call if in-flight < limit; returns the in-flight count at
 * admission through *in_flight (to pass back with the sample). */
bool conc_limit_acquire(struct conc_limit *c, uint32_t *in_flight);
/* A call ended: its rtt, in-flight count at admission, and whether it
 * dropped. */
void conc_limit_sample(struct conc_limit *c, sim_time rtt, uint32_t in_flight, bool dropped);
/* A call ended without a usable sample (released only). */
void conc_limit_ignore(struct conc_limit *c);
uint32_t conc_limit_current(const struct conc_limit *c);

#endif
