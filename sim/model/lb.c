/* Load balancing: which instance in rotation gets the next request.
 * Instances out of rotation (all workers lost, ejected as an outlier, or
 * failing readiness probes) are never picked; an instance that is down or
 * black-holed still is, unless health checks or outlier detection have
 * told the balancer otherwise. */
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

/* In rotation, and not ejected by the caller's own outlier detector. */
static bool usable(const struct service_rt *svc, const struct caller_detector *ej, uint32_t i)
{
    return !svc->inst[i].out && !(ej && outlier_is_ejected(&ej->det, i));
}

static bool has_ejections(const struct caller_detector *ej)
{
    return ej && ej->det.ejected;
}

static uint32_t round_robin(struct service_rt *svc, const struct caller_detector *ej)
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

/* The k-th usable instance (k < usable_count), in index order: a tree's
 * answer with many instances, a scan of a few cache lines otherwise. */
static uint32_t nth_in_rotation(const struct service_rt *svc, const struct caller_detector *ej,
                                uint32_t k)
{
    bool ejections = has_ejections(ej);
    if (!svc->removed && !ejections)
        return k;
    if (!ejections && svc->rotation.n)
        return fenwick_select(&svc->rotation, k);
    if (ejections && ej->usable.n)
        return fenwick_select(&ej->usable, k);
    for (uint32_t i = 0; i < svc->cfg->instances; i++)
        if (usable(svc, ej, i) && k-- == 0)
            return i;
    return NO_INDEX;
}

/* How many instances the caller may pick from. */
static uint32_t usable_count(const struct service_rt *svc, const struct caller_detector *ej)
{
    return ej ? ej->usable_count : svc->cfg->instances - svc->removed;
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
 * With many instances the view's tree finds that instance in O(log n); a
 * caller's own view keys its own ejections out too. Only a global view
 * with ejections of the caller's own (lb_view "global" and outlier scope
 * "caller") still scans: its tree is shared by callers that eject
 * differently. */
static uint32_t least_outstanding(struct service_rt *svc, const struct lb_view *view,
                                  const struct caller_detector *ej)
{
    uint32_t n = svc->cfg->instances, best = NO_INDEX;
    const struct min_tree *tree = view ? &view->least : &svc->least;
    SIM_ASSERT(!view || !ej || view->ej == &ej->det);
    if (tree->n && (view || !has_ejections(ej))) {
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
static uint32_t p2c(struct service_rt *svc, const struct lb_view *view,
                    const struct caller_detector *ej)
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

uint32_t lb_pick(struct service_rt *svc, const struct lb_view *view,
                 const struct caller_detector *ej)
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
    free(svc->views); /* the views and detectors themselves are their edges' */
    free(svc->detectors);
    svc->views = NULL;
    svc->detectors = NULL;
    svc->view_count = svc->view_cap = svc->detector_count = svc->detector_cap = 0;
}

static void view_key(const struct service_rt *svc, struct lb_view *v, uint32_t i)
{
    bool skipped = svc->inst[i].out || (v->ej && outlier_is_ejected(v->ej, i));
    min_tree_set(&v->least, i, skipped ? MIN_TREE_NONE : v->count[i]);
}

/* Instance i became usable for d's process (delta 1) or stopped being (-1). */
static void detector_usable_changed(struct caller_detector *d, uint32_t i, int32_t delta)
{
    d->usable_count += (uint32_t)delta;
    if (d->usable.n)
        fenwick_add(&d->usable, i, delta);
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
    for (uint32_t k = 0; k < svc->detector_count; k++) {
        struct caller_detector *d = svc->detectors[k];
        if (!outlier_is_ejected(&d->det, i)) /* else it was not usable there either way */
            detector_usable_changed(d, i, out ? -1 : 1);
    }
}

struct caller_detector *lb_detector_new(struct service_rt *svc, const struct outlier_cfg *cfg)
{
    struct caller_detector *d = xcalloc(1, sizeof *d);
    uint32_t n = svc->cfg->instances;
    outlier_init(&d->det, cfg, n); /* nothing ejected yet */
    d->usable_count = n - svc->removed;
    if (n > LB_SCAN_MAX) {
        fenwick_init_ones(&d->usable, n);
        for (uint32_t i = 0; i < n; i++)
            if (svc->inst[i].out)
                fenwick_add(&d->usable, i, -1);
    }
    if (svc->detector_count == svc->detector_cap) {
        svc->detector_cap = svc->detector_cap ? 2 * svc->detector_cap : 4;
        svc->detectors = xreallocarray(svc->detectors, svc->detector_cap, sizeof *svc->detectors);
    }
    svc->detectors[svc->detector_count++] = d;
    return d;
}

void lb_detector_free(struct caller_detector *d)
{
    if (!d)
        return;
    outlier_release(&d->det);
    fenwick_free(&d->usable);
    free(d);
}

void lb_ejection_changed(struct service_rt *svc, struct caller_detector *d, uint32_t i)
{
    if (!svc->inst[i].out) /* else it was not usable there either way */
        detector_usable_changed(d, i, outlier_is_ejected(&d->det, i) ? -1 : 1);
    if (d->view && d->view->least.n)
        view_key(svc, d->view, i);
}

struct lb_view *lb_view_new(struct service_rt *svc, const struct outlier *ej)
{
    struct lb_view *v = xcalloc(1, sizeof *v);
    uint32_t n = svc->cfg->instances;
    v->count = xcalloc(n, sizeof *v->count);
    v->ej = ej;
    if (keeps_least_tree(svc->cfg)) {
        min_tree_init(&v->least, n);
        for (uint32_t i = 0; i < n; i++)
            if (svc->inst[i].out || (ej && outlier_is_ejected(ej, i)))
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
