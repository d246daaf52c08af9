/* sre_throttle: client-side adaptive throttling (Google SRE book, "Handling
 * Overload"). Over a trailing window the client counts `requests` (including
 * the ones it rejected itself) and `accepts` (the backend did not answer
 * "overloaded"), and rejects locally with probability
 *     max(0, (requests - K accepts) / (requests + 1)).
 * With K = 2 about twice the accepted rate still reaches the backend. The
 * window is kept in 10 slices that expire. The caller passes the time and a
 * uniform draw; the struct has no heap memory. */
#ifndef STAMPEDE_SRE_THROTTLE_H
#define STAMPEDE_SRE_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

#define SRE_THROTTLE_SLICES 10

struct sre_throttle {
    double k;
    sim_time slice_ns;
    int64_t slice_index[SRE_THROTTLE_SLICES];
    uint64_t requests[SRE_THROTTLE_SLICES], accepts[SRE_THROTTLE_SLICES];
};

void sre_throttle_init(struct sre_throttle *t, double k, sim_time window_ns);
/* A request wants to go: counts it and returns false if it is rejected
 * locally; `u` is a uniform draw in [0, 1). */
bool sre_throttle_admit(struct sre_throttle *t, sim_time now, double u);
/* The backend accepted a request. */
void sre_throttle_on_accept(struct sre_throttle *t, sim_time now);
/* The current local rejection probability. */
double sre_throttle_reject_probability(struct sre_throttle *t, sim_time now);

#endif
