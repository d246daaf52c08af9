/* codel: CoDel for request queues (Facebook "Fail at Scale", folly::Codel).
 * Evaluated at each dequeue with the item's queueing delay: every
 * `interval`, the queue is judged overloaded if the smallest delay seen in
 * the interval exceeded `target`; while overloaded, an item that waited
 * more than 2 x target is dropped. The first sample after a new interval is
 * never dropped. codel_overloaded() is what adaptive LIFO switches on.
 * Time is passed in; the struct has no heap memory. */
#ifndef STAMPEDE_CODEL_H
#define STAMPEDE_CODEL_H

#include <stdbool.h>

#include "../base/sim_time.h"

struct codel {
    sim_time target_ns, interval_ns;
    sim_time interval_end;
    sim_time min_delay;
    bool overloaded, fresh;
};

/* 0 < target < interval (defaults 5 ms and 100 ms). */
void codel_init(struct codel *c, sim_time target_ns, sim_time interval_ns);
/* An item leaves the queue after waiting `delay`: true if it is dropped. */
bool codel_should_drop(struct codel *c, sim_time now, sim_time delay);
bool codel_overloaded(const struct codel *c);
/* Whether an item that waited `delay` is shed under the current judgement
 * (overloaded, and over 2 x target): the rule codel_should_drop applies,
 * for a caller that judges the queue on one sample (its oldest item) and
 * serves another (adaptive LIFO's newest). */
bool codel_sojourn_too_long(const struct codel *c, sim_time delay);

#endif
