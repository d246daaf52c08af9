/* fixed_window: resilience4j's RateLimiter. `limit` permits per cycle of
 * `period`, cycles aligned to time 0; a caller may wait up to `timeout` for
 * a later cycle, and a caller that will wait reserves its permit (permits
 * go negative), so later callers queue behind it. A refused caller waited
 * the whole timeout first in resilience4j: the simulator charges that. Up to
 * 2 x limit calls can pass in one sliding period across a boundary. */
#ifndef STAMPEDE_FIXED_WINDOW_H
#define STAMPEDE_FIXED_WINDOW_H

#include <stdint.h>

#include "../base/sim_time.h"

struct fixed_window {
    int64_t limit;
    sim_time period_ns, timeout_ns;
    int64_t cycle;       /* the cycle the permissions were last refreshed in */
    int64_t permissions; /* may be negative: reserved by waiting callers */
};

void fixed_window_init(struct fixed_window *w, uint32_t limit, sim_time period_ns,
                       sim_time timeout_ns);
/* A call arrives at `now`: how long it waits for its permit (0: at once),
 * or -1 if that would exceed the timeout (refused; nothing reserved). */
sim_time fixed_window_acquire(struct fixed_window *w, sim_time now);

#endif
