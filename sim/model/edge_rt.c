/* A caller edge: a client's calls to its target, or one call a service
 * makes to a dependency. It carries the edge's network (latency and loss
 * on each leg, from its own random stream) and its accounting at the
 * caller: calls begun, attempts and what the policy did (the call state
 * machine counts into `stats.counts`), how each call and each attempt
 * ended, and the latency of the calls. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

/* The most attempts one call can take under the policy: its retries, or
 * the first attempt and its hedges. */
static uint32_t most_attempts(const struct policy_cfg *p)
{
    if (!p)
        return 1;
    uint32_t n = p->retry.max_attempts;
    if (p->hedge.present && 1 + p->hedge.max_hedged > n)
        n = 1 + p->hedge.max_hedged;
    return n;
}

void edge_init(struct edge_rt *e, const char *caller, const char *callee, const char *label,
               const struct policy_cfg *policy, const struct network_cfg *net, uint64_t seed,
               const char *stream)
{
    *e = (struct edge_rt){.cfg = net->present ? net : NULL, .caller = caller, .callee = callee,
                          .policy = policy ? policy->name : NULL,
                          .most_attempts = most_attempts(policy)};
    e->attempts_taken = xcalloc(e->most_attempts + 1, sizeof *e->attempts_taken);
    snprintf(e->label, sizeof e->label, "%s", label);
    if (e->cfg)
        rng_init_stream(&e->rng, seed, stream);
    e->window_latency = xmalloc(sizeof *e->window_latency);
    e->total_latency = xmalloc(sizeof *e->total_latency);
    histogram_init(e->window_latency);
    histogram_init(e->total_latency);
}

void edge_release(struct edge_rt *e)
{
    free(e->window_latency);
    free(e->total_latency);
    for (uint32_t m = 0; e->seen && m < e->processes; m++)
        lb_view_free(e->seen[m]);
    free(e->seen);
    for (uint32_t m = 0; e->detectors && m < e->processes; m++)
        lb_detector_free(e->detectors[m]);
    free(e->detectors);
    e->detectors = NULL;
    free(e->attempts_taken);
    e->attempts_taken = NULL;
    e->window_latency = e->total_latency = NULL;
    e->seen = NULL;
}

void edge_watch_instances(struct edge_rt *e, const struct scenario *sc, uint32_t callee,
                          uint32_t processes)
{
    const struct service_cfg *cfg = &sc->services[callee];
    e->callee_index = callee;
    e->processes = processes;
    e->callee_instances = cfg->instances;
    if (lb_uses_caller_view(cfg))
        e->seen = xcalloc(processes, sizeof *e->seen);
    if (cfg->has_outlier && !cfg->outlier_shared)
        e->detectors = xcalloc(processes, sizeof *e->detectors);
    e->outlier_cfg = cfg->has_outlier ? &cfg->outlier : NULL;
}

struct caller_detector *edge_detector_of(struct edge_rt *e, uint32_t m, struct service_rt *svc)
{
    if (!e->detectors)
        return NULL;
    SIM_ASSERT(m < e->processes);
    if (!e->detectors[m]) {
        SIM_ASSERT(!(e->seen && e->seen[m])); /* a view is made with its detector */
        e->detectors[m] = lb_detector_new(svc, e->outlier_cfg);
    }
    return e->detectors[m];
}

struct lb_view *edge_view_of(struct edge_rt *e, uint32_t m, struct service_rt *svc)
{
    if (!e->seen)
        return NULL;
    SIM_ASSERT(m < e->processes);
    /* memory for the processes that call, not for every process there is
     * (20,000 users of whom a few hundred call a many-instance service) */
    if (!e->seen[m]) { /* with the process's own detector, whose ejections it skips */
        struct caller_detector *d = edge_detector_of(e, m, svc);
        e->seen[m] = lb_view_new(svc, d ? &d->det : NULL);
        if (d)
            d->view = e->seen[m];
    }
    return e->seen[m];
}

bool edge_cross(struct edge_rt *e, sim_time *delay)
{
    /* Both draws are always taken, so one leg's fate never shifts the
     * stream under the next. */
    *delay = e->cfg->has_latency ? dist_sample(&e->cfg->latency, &e->rng) : 0;
    bool lost = e->cfg->loss > 0 && rng_uniform(&e->rng) < e->cfg->loss;
    return !lost;
}

void edge_on_call_end(struct edge_rt *e, enum outcome o, sim_time latency, uint32_t attempts)
{
    SIM_ASSERT(attempts <= e->most_attempts);
    e->attempts_taken[attempts]++;
    e->stats.outcome[o]++;
    histogram_record(e->window_latency, latency);
}

static struct edge_window named(const struct edge_rt *e)
{
    return (struct edge_window){.name = e->label, .caller = e->caller, .callee = e->callee,
                                .policy = e->policy};
}

void edge_close_window(struct edge_rt *e, struct edge_window *w)
{
    *w = named(e);
    w->delta = edge_stats_diff(&e->stats, &e->at_window_start);
    w->latency = e->window_latency;
    e->at_window_start = e->stats;
}

void edge_next_window(struct edge_rt *e)
{
    histogram_merge(e->total_latency, e->window_latency);
    histogram_reset(e->window_latency);
}

void edge_fill_report(const struct edge_rt *e, struct edge_window *w)
{
    *w = named(e);
    w->delta = e->stats;
    w->latency = e->total_latency;
    w->attempts_taken = e->attempts_taken;
    w->most_attempts = e->most_attempts;
}
