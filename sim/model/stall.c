#include "stall.h"

#include <stdio.h>

bool dist_can_be_zero(const struct dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a <= 0;
    case DIST_UNIFORM:
        return d->a <= 0;
    case DIST_NORMAL: /* clamped at 0: reached once the mean is within 6 sd of it */
        return d->a - 6 * d->b <= 0;
    case DIST_EMPIRICAL:
        for (uint32_t i = 0; i < d->n; i++)
            if (d->values[i] <= 0)
                return true;
        return false;
    case DIST_MIXTURE:
        for (uint32_t i = 0; i < d->n; i++)
            if (dist_can_be_zero(&d->parts[i]))
                return true;
        return false;
    default: /* exponential, lognormal, pareto: positive, and ns-rounded rarely to 0 */
        return false;
    }
}

/* The first way a call through `policy` to service `target` can fail
 * without time passing, or NULL. */
static const char *instant_failure(const struct scenario *sc, uint32_t client, uint32_t policy,
                                   uint32_t target)
{
    if (policy != NO_INDEX) {
        const struct policy_cfg *p = &sc->policies[policy];
        if (p->breaker.present)
            return "an open circuit breaker refuses at once";
        if (p->bulkhead.present && p->bulkhead.max_wait_ns == 0)
            return "a full bulkhead refuses at once";
        if (p->rate_limit.kind != RATE_LIMIT_NONE)
            return "a rate limit refuses at once";
        if (p->throttle.present)
            return "adaptive throttling refuses at once";
    }
    const struct service_cfg *s = &sc->services[target];
    if (s->queue_capacity != QUEUE_UNBOUNDED)
        return "a full queue refuses at once";
    if (admission_configured(&s->admission))
        return "admission control refuses at once";
    for (uint32_t i = 0; i < sc->fault_count; i++) {
        const struct fault_cfg *f = &sc->faults[i];
        if (f->kind == FAULT_OUTAGE && f->target == target && f->mode == OUTAGE_REFUSE)
            return "a refusing outage fails at once";
        if (f->kind == FAULT_PARTITION && f->target == target &&
            (f->from == NO_INDEX || (f->from_client && f->from == client)))
            return "a partition fails at once";
        if (f->kind == FAULT_RESTART && f->target == target && f->drain_ns == 0)
            return "a restarting instance refuses at once";
    }
    return NULL;
}

bool client_can_stall(const struct scenario *sc, uint32_t c, char *why, size_t why_size)
{
    const struct client_cfg *cl = &sc->clients[c];
    if (!cl->closed_loop || !dist_can_be_zero(&cl->think_time))
        return false;
    if (cl->net.present && cl->net.has_latency && !dist_can_be_zero(&cl->net.latency))
        return false; /* every request takes at least a network trip */
    const char *how = instant_failure(sc, c, cl->policy, cl->target);
    if (how)
        snprintf(why, why_size, "%s", how);
    return how != NULL;
}
