#include "codel.h"

void codel_init(struct codel *c, sim_time target_ns, sim_time interval_ns)
{
    c->target_ns = target_ns;
    c->interval_ns = interval_ns;
    c->interval_end = interval_ns;
    c->min_delay = 0;
    c->overloaded = false;
    c->fresh = true;
}

bool codel_should_drop(struct codel *c, sim_time now, sim_time delay)
{
    if (now > c->interval_end) {
        c->interval_end = now + c->interval_ns;
        c->overloaded = !c->fresh && c->min_delay > c->target_ns;
        c->fresh = true;
    }
    if (c->fresh) { /* never drop the first sample of an interval */
        c->min_delay = delay;
        c->fresh = false;
        return false;
    }
    if (delay < c->min_delay)
        c->min_delay = delay;
    return codel_sojourn_too_long(c, delay);
}

bool codel_overloaded(const struct codel *c) { return c->overloaded; }

bool codel_sojourn_too_long(const struct codel *c, sim_time delay)
{
    return c->overloaded && delay > 2 * c->target_ns; /* folly's fixed "slough" threshold */
}
