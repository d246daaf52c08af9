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

void edge_init(struct edge_rt *e, const char *caller, const char *callee, const char *label,
               const char *policy, const struct network_cfg *net, uint64_t seed,
               const char *stream)
{
    *e = (struct edge_rt){.cfg = net->present ? net : NULL, .caller = caller, .callee = callee,
                          .policy = policy};
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
    free(e->seen);
    e->window_latency = e->total_latency = NULL;
    e->seen = NULL;
}

void edge_watch_instances(struct edge_rt *e, const struct service_cfg *callee)
{
    if (lb_uses_caller_view(callee))
        e->seen = xcalloc(callee->instances, sizeof *e->seen);
}

bool edge_cross(struct edge_rt *e, sim_time *delay)
{
    /* Both draws are always taken, so one leg's fate never shifts the
     * stream under the next. */
    *delay = e->cfg->has_latency ? dist_sample(&e->cfg->latency, &e->rng) : 0;
    bool lost = e->cfg->loss > 0 && rng_uniform(&e->rng) < e->cfg->loss;
    return !lost;
}

void edge_on_call_end(struct edge_rt *e, enum outcome o, sim_time latency)
{
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
}
