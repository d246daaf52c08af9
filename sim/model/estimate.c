#include "estimate.h"

#include <math.h>
#include <stdlib.h>

#include "../base/xalloc.h"

/* Engine events per visit of a request to a service (arrival, the end of
 * its work, a timer or reply); measured 2 to 9 per client request over the
 * bundled scenarios, most of it visits. */
static const double EVENTS_PER_VISIT = 3.0;
/* Bytes per CSV row, by file (measured on the bundled scenarios' output). */
static const double TIMESERIES_ROW_B = 140, SERVICE_ROW_B = 120, EDGE_ROW_B = 115,
                    POLICY_ROW_B = 60, INSTANCE_ROW_B = 35;

/* Attempts a call may make: every retry taken, every hedge sent. */
static double attempts_of(const struct scenario *sc, uint32_t policy)
{
    if (policy == NO_INDEX)
        return 1;
    const struct policy_cfg *p = &sc->policies[policy];
    double n = p->retry.max_attempts > 0 ? p->retry.max_attempts : 1;
    if (p->hedge.present)
        n += p->hedge.max_hedged;
    return n;
}

/* Visits per request arriving at service s, itself included:
 * 1 + sum over its calls of probability x attempts x the callee's visits.
 * The loader has refused cycles and chains deeper than 100, so the recursion
 * is shallow; `memo` (< 0: not yet known) keeps it linear in calls. */
static double visits_of(const struct scenario *sc, uint32_t s, double *memo)
{
    if (memo[s] >= 0)
        return memo[s];
    const struct service_cfg *svc = &sc->services[s];
    double most = 0; /* a request runs one operation: the one that calls most, to be safe */
    for (uint32_t k = 0; k < svc->operation_count; k++) {
        const struct operation_cfg *op = &svc->operations[k];
        if (!op->step_count)
            continue;
        const struct call_step *last = &svc->steps[op->step_first + op->step_count - 1];
        double v = 0;
        for (uint32_t i = svc->steps[op->step_first].first; i < last->first + last->count; i++) {
            const struct call_cfg *c = &svc->calls[i];
            v += c->probability * attempts_of(sc, c->policy) * visits_of(sc, c->service, memo);
        }
        most = fmax(most, v);
    }
    double v = 1 + most;
    memo[s] = isfinite(v) ? v : HUGE_VAL;
    return memo[s];
}

static double requests_of(const struct scenario *sc, const struct client_cfg *c)
{
    double secs = sim_time_to_s(sc->duration_ns);
    if (!c->closed_loop) {
        double rps = c->shape.present ? fmax(c->shape.max_rps, c->rate_rps) : c->rate_rps;
        return rps * secs;
    }
    /* a user sends again after thinking and the answer: at least the
     * target's own mean service time, and never faster than 1 µs */
    double cycle_ms = dist_mean_ms(&c->think_time) + service_mean_ms(&sc->services[c->target]);
    if (!(cycle_ms > 1e-3))
        cycle_ms = 1e-3;
    return (double)c->users * secs * 1e3 / cycle_ms;
}

/* Surges multiply a client's rate; counted as if for the whole run. */
static double surge_factor(const struct scenario *sc, uint32_t client)
{
    double f = 1;
    for (uint32_t i = 0; i < sc->fault_count; i++) {
        const struct fault_cfg *fl = &sc->faults[i];
        if (fl->kind == FAULT_SURGE && fl->target == client && fl->factor > f)
            f = fl->factor;
    }
    return f;
}

void scenario_estimate(const struct scenario *sc, struct estimate *out)
{
    *out = (struct estimate){0};
    double *memo = xcalloc(sc->service_count ? sc->service_count : 1, sizeof *memo);
    for (uint32_t i = 0; i < sc->service_count; i++)
        memo[i] = -1;
    for (uint32_t i = 0; i < sc->client_count; i++) {
        const struct client_cfg *c = &sc->clients[i];
        double requests = requests_of(sc, c) * surge_factor(sc, i);
        double visits = attempts_of(sc, c->policy) * visits_of(sc, c->target, memo);
        double events = requests * visits * EVENTS_PER_VISIT;
        out->requests += requests;
        out->events += events;
        if (events > out->top_client_events || i == 0) {
            out->top_client = i;
            out->top_client_events = events;
            out->top_client_requests = requests;
            out->top_client_visits = visits;
        }
    }
    free(memo);
    uint64_t edges = sc->client_count, instances = 0;
    for (uint32_t i = 0; i < sc->service_count; i++) {
        edges += sc->services[i].call_count;
        instances += sc->services[i].instances;
    }
    out->windows = ceil((double)sc->duration_ns / (double)sc->window_ns);
    out->rows_per_window = 1.0 + sc->service_count + (double)edges + sc->policy_count + (double)instances;
    out->output_bytes = out->windows * (TIMESERIES_ROW_B + SERVICE_ROW_B * sc->service_count +
                                        EDGE_ROW_B * (double)edges + POLICY_ROW_B * sc->policy_count +
                                        INSTANCE_ROW_B * (double)instances);
}
