#include "bulkhead.h"

#include "../base/check.h"

void bulkhead_init(struct bulkhead *b, uint32_t max_concurrent, sim_time max_wait_ns,
                   uint32_t max_waiting)
{
    b->max_concurrent = max_concurrent;
    b->max_wait_ns = max_wait_ns;
    b->max_waiting = max_waiting;
    b->in_use = b->waiting = 0;
}

bool bulkhead_try_acquire(struct bulkhead *b, bool *must_wait)
{
    *must_wait = false;
    if (b->in_use < b->max_concurrent && b->waiting == 0) { /* FIFO: no overtaking */
        b->in_use++;
        return true;
    }
    if (b->max_wait_ns > 0 && b->waiting < b->max_waiting) {
        b->waiting++;
        *must_wait = true;
    }
    return false;
}

bool bulkhead_release(struct bulkhead *b)
{
    if (b->waiting) { /* the slot passes straight to the oldest waiter */
        b->waiting--;
        return true;
    }
    SIM_ASSERT(b->in_use > 0); /* only a call that holds a slot gives one back */
    b->in_use--;
    return false;
}

void bulkhead_abandon_wait(struct bulkhead *b)
{
    SIM_ASSERT(b->waiting > 0);
    b->waiting--;
}
