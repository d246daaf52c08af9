/* Load balancing: which instance in rotation gets the next request.
 * Instances out of rotation (all workers lost, ejected as an outlier, or
 * failing readiness probes) are never picked; an instance that is down or
 * black-holed still is, unless health checks or outlier detection have
 * told the balancer otherwise. */
#include "sim_internal.h"

/* In rotation, and not ejected by the caller's own outlier detector. */
static bool usable(const struct service_rt *svc, const struct outlier *ej, uint32_t i)
{
    return !svc->inst[i].out && !(ej && ej->host[i].ejected);
}


static uint32_t round_robin(struct service_rt *svc, const struct outlier *ej)
{
    uint32_t n = svc->cfg->instances;
    for (uint32_t tries = 0; tries < n; tries++) {
        uint32_t i = svc->rr_next;
        svc->rr_next = i + 1 == n ? 0 : i + 1;
        if (usable(svc, ej, i))
            return i;
    }
    return NO_INDEX;
}

/* The k-th usable instance (k < usable_count), in index order. A caller's
 * own ejections are few and rare, and then it scans. */
static uint32_t nth_in_rotation(const struct service_rt *svc, const struct outlier *ej,
                                uint32_t k)
{
    bool ejections = ej && ej->ejected;
    if (!svc->removed && !ejections)
        return k;
    if (!ejections && svc->rotation.n)
        return fenwick_select(&svc->rotation, k);
    for (uint32_t i = 0; i < svc->cfg->instances; i++)
        if (usable(svc, ej, i) && k-- == 0)
            return i;
    return NO_INDEX;
}

/* How many instances the caller may pick from. A caller's own ejections
 * are few and rare: counting them is a scan only while there are some. */
static uint32_t usable_count(const struct service_rt *svc, const struct outlier *ej)
{
    uint32_t n = svc->cfg->instances - svc->removed;
    if (!(ej && ej->ejected))
        return n;
    for (uint32_t i = 0; i < svc->cfg->instances; i++)
        n -= !svc->inst[i].out && ej->host[i].ejected;
    return n;
}

/* The load a balancer sees at instance i: the caller's own attempts there
 * (a client-side balancer: Envoy, gRPC, Finagle), or, global, everything
 * in service or queued there (a central balancer that sees the instances). */
static uint32_t outstanding(const struct service_rt *svc, const uint32_t *seen, uint32_t i)
{
    return seen ? seen[i] : svc->inst[i].busy + svc->inst[i].queued;
}

/* Fewest requests outstanding; ties go to the first after the last pick,
 * so equal instances share the load instead of the lowest index taking it. */
static uint32_t least_outstanding(struct service_rt *svc, const uint32_t *seen,
                                  const struct outlier *ej)
{
    uint32_t n = svc->cfg->instances, best = NO_INDEX;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = (svc->rr_next + k) % n;
        if (usable(svc, ej, i) &&
            (best == NO_INDEX || outstanding(svc, seen, i) < outstanding(svc, seen, best)))
            best = i;
    }
    if (best != NO_INDEX)
        svc->rr_next = (best + 1) % n;
    return best;
}

/* Power of two choices: two distinct instances at random, the less loaded
 * wins (Mitzenmacher; Envoy's default least-request). */
static uint32_t p2c(struct service_rt *svc, const uint32_t *seen, const struct outlier *ej)
{
    uint32_t n = usable_count(svc, ej);
    if (n <= 1)
        return n ? nth_in_rotation(svc, ej, 0) : NO_INDEX;
    uint32_t a = (uint32_t)rng_below(&svc->lb_rng, n);
    uint32_t b = (uint32_t)rng_below(&svc->lb_rng, n - 1);
    if (b >= a)
        b++;
    a = nth_in_rotation(svc, ej, a);
    b = nth_in_rotation(svc, ej, b);
    return outstanding(svc, seen, b) < outstanding(svc, seen, a) ? b : a;
}

uint32_t lb_pick(struct service_rt *svc, const uint32_t *seen, const struct outlier *ej)
{
    if (svc->cfg->instances == 1) /* nothing to choose */
        return usable(svc, ej, 0) ? 0 : NO_INDEX;
    switch (svc->cfg->lb) {
    case LB_RANDOM: {
        uint32_t n = usable_count(svc, ej);
        return n ? nth_in_rotation(svc, ej, (uint32_t)rng_below(&svc->lb_rng, n)) : NO_INDEX;
    }
    case LB_LEAST_OUTSTANDING:
        return least_outstanding(svc, seen, ej);
    case LB_P2C:
        return p2c(svc, seen, ej);
    case LB_ROUND_ROBIN:
    case LB_KIND_COUNT:
        break;
    }
    return round_robin(svc, ej);
}
