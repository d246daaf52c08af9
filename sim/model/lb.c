/* Load balancing: which instance in rotation gets the next request.
 * Instances out of rotation (all workers lost, ejected as an outlier, or
 * failing readiness probes) are never picked; an instance that is down or
 * black-holed still is, unless health checks or outlier detection have
 * told the balancer otherwise. */
#include <stdlib.h>

#include "../base/xalloc.h"
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
static uint32_t outstanding(const struct service_rt *svc, const struct lb_view *view,
                            uint32_t i)
{
    return view ? view->count[i] : svc->inst[i].busy + svc->inst[i].queued;
}

/* Fewest requests outstanding; ties go to the first after the last pick,
 * so equal instances share the load instead of the lowest index taking it.
 * With many instances the view's tree finds that instance in O(log n)
 * (unless the caller has ejections of its own, rare and few: then a scan). */
static uint32_t least_outstanding(struct service_rt *svc, const struct lb_view *view,
                                  const struct outlier *ej)
{
    uint32_t n = svc->cfg->instances, best = NO_INDEX;
    const struct min_tree *tree = view ? &view->least : &svc->least;
    if (tree->n && !(ej && ej->ejected)) {
        best = min_tree_first_least_from(tree, svc->rr_next);
        if (best == UINT32_MAX)
            return NO_INDEX;
        svc->rr_next = (best + 1) % n;
        return best;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = (svc->rr_next + k) % n;
        if (usable(svc, ej, i) &&
            (best == NO_INDEX || outstanding(svc, view, i) < outstanding(svc, view, best)))
            best = i;
    }
    if (best != NO_INDEX)
        svc->rr_next = (best + 1) % n;
    return best;
}

/* Power of two choices: two distinct instances at random, the less loaded
 * wins (Mitzenmacher; Envoy's default least-request). */
static uint32_t p2c(struct service_rt *svc, const struct lb_view *view, const struct outlier *ej)
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
    return outstanding(svc, view, b) < outstanding(svc, view, a) ? b : a;
}

uint32_t lb_pick(struct service_rt *svc, const struct lb_view *view, const struct outlier *ej)
{
    if (svc->cfg->instances == 1) /* nothing to choose */
        return usable(svc, ej, 0) ? 0 : NO_INDEX;
    switch (svc->cfg->lb) {
    case LB_RANDOM: {
        uint32_t n = usable_count(svc, ej);
        return n ? nth_in_rotation(svc, ej, (uint32_t)rng_below(&svc->lb_rng, n)) : NO_INDEX;
    }
    case LB_LEAST_OUTSTANDING:
        return least_outstanding(svc, view, ej);
    case LB_P2C:
        return p2c(svc, view, ej);
    case LB_ROUND_ROBIN:
    case LB_KIND_COUNT:
        break;
    }
    return round_robin(svc, ej);
}

/* ---- the state behind the picks ---- */

static bool keeps_least_tree(const struct service_cfg *cfg)
{
    return cfg->instances > LB_SCAN_MAX && cfg->lb == LB_LEAST_OUTSTANDING;
}

void lb_init(struct service_rt *svc)
{
    const struct service_cfg *cfg = svc->cfg;
    if (cfg->instances > LB_SCAN_MAX) /* every instance starts in rotation */
        fenwick_init_ones(&svc->rotation, cfg->instances);
    if (keeps_least_tree(cfg) && !lb_uses_caller_view(cfg))
        min_tree_init(&svc->least, cfg->instances); /* nothing outstanding yet */
}

void lb_release(struct service_rt *svc)
{
    fenwick_free(&svc->rotation);
    min_tree_free(&svc->least);
    free(svc->views); /* the views themselves are their edges' */
    svc->views = NULL;
    svc->view_count = svc->view_cap = 0;
}

static void view_key(const struct service_rt *svc, struct lb_view *v, uint32_t i)
{
    min_tree_set(&v->least, i, svc->inst[i].out ? MIN_TREE_NONE : v->count[i]);
}

void lb_rotation_changed(struct service_rt *svc, uint32_t i)
{
    bool out = svc->inst[i].out;
    svc->removed += out ? 1 : (uint32_t)-1;
    if (svc->rotation.n)
        fenwick_add(&svc->rotation, i, out ? -1 : 1);
    lb_load_changed(svc, i);
    for (uint32_t k = 0; k < svc->view_count; k++) /* a transition: rare */
        view_key(svc, svc->views[k], i);
}

struct lb_view *lb_view_new(struct service_rt *svc)
{
    struct lb_view *v = xcalloc(1, sizeof *v);
    uint32_t n = svc->cfg->instances;
    v->count = xcalloc(n, sizeof *v->count);
    if (keeps_least_tree(svc->cfg)) {
        min_tree_init(&v->least, n);
        for (uint32_t i = 0; i < n; i++)
            if (svc->inst[i].out)
                view_key(svc, v, i);
        if (svc->view_count == svc->view_cap) {
            svc->view_cap = svc->view_cap ? 2 * svc->view_cap : 4;
            svc->views = xreallocarray(svc->views, svc->view_cap, sizeof *svc->views);
        }
        svc->views[svc->view_count++] = v;
    }
    return v;
}

void lb_view_free(struct lb_view *v)
{
    if (!v)
        return;
    free(v->count);
    min_tree_free(&v->least);
    free(v);
}

void lb_view_add(struct service_rt *svc, struct lb_view *v, uint32_t i, int delta)
{
    SIM_ASSERT(delta > 0 || v->count[i] > 0);
    v->count[i] += (uint32_t)delta;
    if (v->least.n)
        view_key(svc, v, i);
}
