/* bulkhead: resilience4j's semaphore bulkhead. At most `max_concurrent`
 * calls in flight; a caller may wait up to `max_wait` for a slot (0: fail
 * fast), first come first served, and at most `max_waiting` may wait at
 * once (a thread pool's bounded queue; UINT32_MAX for a semaphore's
 * unbounded waiting). The primitive keeps the counts and says who gets a
 * freed slot; the caller keeps the waiters' order and their timers, and
 * decides when a slot is given back (a thread pool's when the attempt
 * really ends, not when its caller stopped waiting). No clock is read. */
#ifndef STAMPEDE_BULKHEAD_H
#define STAMPEDE_BULKHEAD_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

struct bulkhead {
    uint32_t max_concurrent, in_use, waiting, max_waiting;
    sim_time max_wait_ns;
};

void bulkhead_init(struct bulkhead *b, uint32_t max_concurrent, sim_time max_wait_ns,
                   uint32_t max_waiting);
/* A call wants a slot: true if it has one now. Otherwise, if max_wait > 0
 * and fewer than max_waiting wait, it joins the waiters (*must_wait true:
 * the caller queues it and arms a max_wait timer), else it is rejected
 * (*must_wait false). */
bool bulkhead_try_acquire(struct bulkhead *b, bool *must_wait);
/* A call that holds a slot finished: its slot goes to the first waiter if
 * there is one (returns true: the caller hands the slot to its oldest
 * waiter). Releasing a slot nobody holds is a bug and aborts. */
bool bulkhead_release(struct bulkhead *b);
/* A waiter gave up (its max_wait timer fired, or its caller left). */
void bulkhead_abandon_wait(struct bulkhead *b);

#endif
