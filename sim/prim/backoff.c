#include "backoff.h"

/* Far beyond any wait, and small enough that adding to a time never overflows. */
static const double LONGEST_NS = 1e17;

void backoff_begin(struct backoff_state *st, const struct backoff_cfg *cfg)
{
    st->prev_ns = cfg->base_ns;
}

static double raw_delay(const struct backoff_cfg *c, uint32_t retry)
{
    double b = (double)c->base_ns;
    switch (c->kind) {
    case BACKOFF_LINEAR:
        return b * retry;
    case BACKOFF_EXPONENTIAL: {
        double v = b; /* b m^(n-1), by repeated multiplication: exact rounding, no libm */
        for (uint32_t i = 1; i < retry && v < LONGEST_NS; i++)
            v *= c->multiplier;
        return v;
    }
    case BACKOFF_CONSTANT:
        break;
    }
    return b;
}

static double cap(const struct backoff_cfg *c, double v)
{
    if (c->max_ns > 0 && v > (double)c->max_ns)
        v = (double)c->max_ns;
    return v < LONGEST_NS ? v : LONGEST_NS;
}

sim_time backoff_delay(const struct backoff_cfg *c, struct backoff_state *st, uint32_t retry,
                       double u)
{
    double e = raw_delay(c, retry);
    if (!c->cap_after_jitter)
        e = cap(c, e);
    double d;
    switch (c->jitter) {
    case JITTER_FULL:
        d = u * e;
        break;
    case JITTER_EQUAL:
        d = e / 2 + u * (e / 2);
        break;
    case JITTER_DECORRELATED: {
        double lo = (double)c->base_ns, hi = 3 * (double)st->prev_ns;
        d = lo + u * (hi - lo);
        if (c->max_ns > 0 && d > (double)c->max_ns) /* decorrelated always caps */
            d = (double)c->max_ns;
        break;
    }
    case JITTER_PROPORTIONAL:
        d = e * (1 - c->factor) + u * (2 * c->factor * e);
        break;
    case JITTER_UPWARD:
        d = e + u * (c->factor * e);
        break;
    case JITTER_ADDITIVE:
        d = e + u * (double)c->add_ns;
        break;
    case JITTER_NONE:
    default:
        d = e;
        break;
    }
    if (c->cap_after_jitter)
        d = cap(c, d);
    if (d < 0)
        d = 0;
    sim_time ns = (sim_time)(d + 0.5);
    st->prev_ns = ns > c->base_ns ? ns : c->base_ns;
    return ns;
}
