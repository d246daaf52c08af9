#include "series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/base/xalloc.h"

void viz_series_grow(struct viz_series *v)
{
    uint32_t cap = v->cap ? v->cap * 2 : 128;
    double **cols[] = {&v->t,       &v->offered, &v->attempts,   &v->goodput,
                       &v->failed,  &v->p50,     &v->p90,        &v->p99,
                       &v->shed,    &v->throttled, &v->retries,  &v->suppressed,
                       &v->hedges,  &v->refused};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        *cols[i] = xreallocarray(*cols[i], cap, sizeof **cols[i]);
    for (int k = 0; k < VIZ_OUTCOMES; k++)
        v->outcome[k] = xreallocarray(v->outcome[k], cap, sizeof *v->outcome[k]);
    for (uint32_t k = 0; k < v->instance_arrays; k++)
        v->instance_queue[k] = xreallocarray(v->instance_queue[k], cap, sizeof *v->instance_queue[k]);
    for (int m = 0; m < VIZ_SVC_METRICS; m++)
        for (uint32_t s = 0; s < v->service_arrays; s++)
            v->service[m][s] = xreallocarray(v->service[m][s], cap, sizeof(double));
    for (uint32_t p = 0; p < VIZ_MAX_POLICIES; p++) {
        v->breaker[p] = xreallocarray(v->breaker[p], cap, sizeof *v->breaker[p]);
        v->budget[p] = xreallocarray(v->budget[p], cap, sizeof *v->budget[p]);
    }
    v->cap = cap;
}

void viz_series_use_services(struct viz_series *v, uint32_t count)
{
    for (; v->service_arrays < count && v->service_arrays < VIZ_MAX_SERVICES; v->service_arrays++) {
        for (int m = 0; m < VIZ_SVC_METRICS; m++)
            v->service[m][v->service_arrays] = xcalloc(v->cap, sizeof(double));
    }
}

void viz_series_use_instances(struct viz_series *v, uint32_t count)
{
    for (; v->instance_arrays < count && v->instance_arrays < VIZ_MAX_INSTANCES; v->instance_arrays++)
        v->instance_queue[v->instance_arrays] = xcalloc(v->cap, sizeof(double));
}

static struct viz_series *blank(void)
{
    struct viz_series *v = xcalloc(1, sizeof *v);
    v->recovery_s = NAN;
    v->last_fault_end_s = NAN;
    viz_series_grow(v);
    return v;
}

struct viz_series *viz_series_new(const struct scenario *sc)
{
    struct viz_series *v = blank();
    snprintf(v->name, sizeof v->name, "%s", sc->name);
    snprintf(v->variant, sizeof v->variant, "%s", sc->variant);
    snprintf(v->title, sizeof v->title, "%s", sc->title ? sc->title : sc->name);
    v->description = xstrdup(sc->description ? sc->description : "");
    snprintf(v->view_panels, sizeof v->view_panels, "%s", sc->view_panels ? sc->view_panels : "");
    v->duration_s = sim_time_to_s(sc->duration_ns);
    v->window_s = sim_time_to_s(sc->window_ns);
    /* room for every window now: the arrays never move while a run fills
     * them, so the viewer can read the windows already there without a lock */
    while (sc->window_ns > 0 && v->cap < (uint64_t)(sc->duration_ns / sc->window_ns) + 2)
        viz_series_grow(v);
    return v;
}

void viz_series_free(struct viz_series *v)
{
    if (!v)
        return;
    double *cols[] = {v->t,       v->offered,   v->attempts, v->goodput,    v->failed,
                      v->p50,     v->p90,       v->p99,      v->shed,       v->throttled,
                      v->retries, v->suppressed, v->hedges, v->refused};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        free(cols[i]);
    for (int m = 0; m < VIZ_SVC_METRICS; m++)
        for (uint32_t s = 0; s < v->service_arrays; s++)
            free(v->service[m][s]);
    for (int k = 0; k < VIZ_OUTCOMES; k++)
        free(v->outcome[k]);
    for (uint32_t k = 0; k < v->instance_arrays; k++)
        free(v->instance_queue[k]);
    for (uint32_t p = 0; p < VIZ_MAX_POLICIES; p++)
        free(v->breaker[p]), free(v->budget[p]);
    free(v->description);
    free(v);
}

/* The policy counts that are refusals of a call or attempt by the caller's
 * own primitives (its retries a budget suppressed are counted apart). */
static const enum policy_count REFUSALS[] = {PC_BREAKER_REJECTED, PC_BULKHEAD_REJECTED,
                                             PC_RATE_LIMITED, PC_ADAPTIVE_THROTTLED};

uint64_t viz_refusals(const struct call_counts *c)
{
    uint64_t n = 0;
    for (size_t k = 0; k < sizeof REFUSALS / sizeof REFUSALS[0]; k++)
        n += c->policy[REFUSALS[k]];
    return n;
}

const char *const viz_refusal_columns[] = {"breaker_rejected", "bulkhead_rejected",
                                           "rate_limited", "adaptive_throttled", NULL};

_Static_assert(VIZ_OUTCOMES - VIZ_TIMEOUT == FAIL_KIND_COUNT,
               "the outcomes panel has a layer for every failure kind");

void viz_series_on_window(void *ctx, const struct window_report *w)
{
    struct viz_series *v = ctx;
    double secs = sim_time_to_s(w->end_ns - w->start_ns);
    if (secs <= 0)
        return;
    if (v->n == v->cap)
        viz_series_grow(v);
    uint32_t i = v->n++;
    const struct traffic *t = &w->delta;
    v->t[i] = sim_time_to_s(w->start_ns);
    v->offered[i] = (double)t->offered / secs;
    v->attempts[i] = (double)t->calls.attempts / secs;
    v->goodput[i] = (double)t->succeeded / secs;
    v->failed[i] = (double)traffic_failed(t) / secs;
    v->shed[i] = (double)t->failed[FAIL_SHED] / secs;
    v->throttled[i] = (double)t->failed[FAIL_THROTTLED] / secs;
    v->retries[i] = (double)t->calls.retries / secs;
    v->suppressed[i] = (double)t->calls.policy[PC_SUPPRESSED] / secs;
    v->hedges[i] = (double)t->calls.policy[PC_HEDGES] / secs;
    v->refused[i] = (double)viz_refusals(&t->calls) / secs;
    v->outcome[VIZ_SUCCEEDED][i] = (double)t->succeeded / secs;
    v->outcome[VIZ_DEGRADED][i] = (double)t->degraded / secs;
    v->outcome[VIZ_FALLBACK][i] = (double)t->fallback / secs;
    for (int k = 0; k < FAIL_KIND_COUNT; k++)
        v->outcome[VIZ_TIMEOUT + k][i] = (double)t->failed[k] / secs;
    bool any = !histogram_is_empty(w->latency);
    v->p50[i] = any ? sim_time_to_ms(histogram_percentile(w->latency, 50)) : NAN;
    v->p90[i] = any ? sim_time_to_ms(histogram_percentile(w->latency, 90)) : NAN;
    v->p99[i] = any ? sim_time_to_ms(histogram_percentile(w->latency, 99)) : NAN;
    uint32_t services = w->service_count < VIZ_MAX_SERVICES ? w->service_count : VIZ_MAX_SERVICES;
    viz_series_use_services(v, services); /* the first window only: a run's services are fixed */
    v->services = services;
    for (uint32_t s = 0; s < v->services; s++) {
        const struct service_window *sw = &w->services[s];
        snprintf(v->service_name[s], sizeof v->service_name[s], "%s", sw->name);
        const struct service_stats *d = &sw->delta;
        double span_ns = (double)(w->end_ns - w->start_ns), cap = sw->capacity * span_ns;
        uint64_t lookups = d->cache_hits + d->cache_misses;
        v->service[VIZ_SVC_QUEUE][s][i] = sw->max_queue; /* the window's peak, as plots draw it */
        v->service[VIZ_SVC_UTIL][s][i] = cap > 0 ? d->busy_area_ns / cap : 0;
        v->service[VIZ_SVC_WASTED][s][i] = d->wasted_ns / span_ns;
        v->service[VIZ_SVC_AMPLIFICATION][s][i] =
            t->offered ? (double)d->arrivals / (double)t->offered : NAN;
        v->service[VIZ_SVC_CACHE_HIT][s][i] = lookups ? (double)d->cache_hits / (double)lookups : NAN;
        v->service[VIZ_SVC_DUPLICATES][s][i] = (double)d->duplicates / secs;
        v->service[VIZ_SVC_REPLAYED][s][i] = (double)d->replayed / secs;
        v->service[VIZ_SVC_CONFLICTS][s][i] = (double)d->conflicts / secs;
        v->service[VIZ_SVC_RETRIES_OUT][s][i] = (double)d->calls_out.retries / secs;
        v->service[VIZ_SVC_SUPPRESSED_OUT][s][i] = (double)d->calls_out.policy[PC_SUPPRESSED] / secs;
        v->service[VIZ_SVC_HEDGES_OUT][s][i] = (double)d->calls_out.policy[PC_HEDGES] / secs;
        v->service[VIZ_SVC_REFUSED_OUT][s][i] = (double)viz_refusals(&d->calls_out) / secs;
    }
    uint32_t instances = w->instance_count < VIZ_MAX_INSTANCES ? w->instance_count
                                                                : VIZ_MAX_INSTANCES;
    viz_series_use_instances(v, instances);
    v->instances = instances;
    for (uint32_t k = 0; k < instances; k++) {
        const struct instance_window *iw = &w->instances[k];
        snprintf(v->instance_name[k], sizeof v->instance_name[k], "%.40s#%u", iw->service,
                 iw->instance);
        snprintf(v->instance_service[k], sizeof v->instance_service[k], "%s", iw->service);
        v->instance_queue[k][i] = iw->max_queue;
    }
    v->policies = w->policy_count < VIZ_MAX_POLICIES ? w->policy_count : VIZ_MAX_POLICIES;
    for (uint32_t p = 0; p < v->policies; p++) {
        const struct policy_window *pw = &w->policies[p];
        snprintf(v->policy_edge[p], sizeof v->policy_edge[p], "%s", pw->edge);
        /* a breaker that was open for part of the window shows as open */
        v->breaker[p][i] = (int8_t)(pw->breaker_state < 0                      ? -1
                                    : pw->breaker_open_s > 0                   ? 1
                                    : pw->breaker_state == BREAKER_FORCED_OPEN ? 1
                                                                               : pw->breaker_state);
        v->budget[p][i] = pw->budget_level;
    }
    v->now_s = sim_time_to_s(w->end_ns);
}

void viz_series_set_recovery(struct viz_series *v, const struct run_report *r)
{
    v->recovery = !r->had_faults       ? VIZ_RECOVERY_NONE
                  : !r->recovery_known ? VIZ_RECOVERY_UNKNOWN
                  : r->recovered       ? VIZ_RECOVERY_BACK
                                       : VIZ_RECOVERY_NOT_BACK;
    v->recovery_s = r->recovery_s;
}

void viz_series_on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                         const char *detail)
{
    struct viz_series *v = ctx;
    double t = sim_time_to_s(at);
    bool fault = !strcmp(kind, "fault_start") || !strcmp(kind, "fault_end");
    if (fault && !(t <= v->last_fault_end_s)) /* events come in time order */
        v->last_fault_end_s = t;
    if (!strcmp(kind, "fault_start") && v->faults < VIZ_MAX_FAULTS) {
        struct viz_fault *f = &v->fault[v->faults++];
        f->start = t;
        f->end = NAN;
        snprintf(f->label, sizeof f->label, "%s", detail);
    } else if (!strcmp(kind, "fault_end")) {
        for (uint32_t i = v->faults; i-- > 0;)
            if (isnan(v->fault[i].end) && !strcmp(v->fault[i].label, detail)) {
                v->fault[i].end = t;
                break;
            }
    }
    /* narrate what a class should notice: faults, breakers, budgets, instances */
    char what[80];
    snprintf(what, sizeof what, "%s", kind);
    for (char *c = what; *c; c++)
        if (*c == '_')
            *c = ' ';
    snprintf(v->narration, sizeof v->narration, "%.1f s: %s %s%s%s", t, what, subject,
             detail && *detail ? " - " : "", detail ? detail : "");
}
