#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/check.h"
#include "../base/xalloc.h"
#include "pool.h"
#include "recovery.h"
#include "sim_internal.h"

/* ---- shared pools: execution records and client requests ---- */

uint32_t rec_alloc(struct sim *s)
{
    uint32_t r;
    POOL_TAKE(s->recs, s->rec_cap, s->rec_free, r);
    struct exec_rec *rec = &s->recs[r];
    rec->refs = 1;
    rec->executed = rec->running = 0;
    rec->key = ++s->next_key;
    return r;
}

void rec_drop(struct sim *s, uint32_t r)
{
    SIM_ASSERT(s->recs[r].refs > 0);
    if (--s->recs[r].refs == 0)
        POOL_GIVE(s->recs, s->rec_free, r);
}

/* ---- policies, for the reports ---- */

/* One group per caller edge with a policy: a client's state, or the states
 * of every instance of a calling service (one if they share it). */
static void collect_policies(struct sim *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->sc->client_count; i++)
        n += s->clients[i].pols.states > 0;
    for (uint32_t i = 0; i < s->sc->service_count; i++)
        for (uint32_t k = 0; k < s->sc->services[i].call_count; k++)
            n += s->services[i].call_pols[k].states > 0;
    s->pols = xcalloc(n + 1, sizeof *s->pols);
    s->window_pols = xcalloc(n + 1, sizeof *s->window_pols);
    s->report_pols = xcalloc(n + 1, sizeof *s->report_pols);
    s->pol_open_at_window_start = xcalloc(n + 1, sizeof *s->pol_open_at_window_start);
    s->pol_opened_at_window_start = xcalloc(n + 1, sizeof *s->pol_opened_at_window_start);
    for (uint32_t i = 0; i < s->sc->client_count; i++)
        if (s->clients[i].pols.states > 0)
            s->pols[s->pol_count++] = (struct pol_group){s->clients[i].edge.label,
                                                         &s->clients[i].pols};
    for (uint32_t i = 0; i < s->sc->service_count; i++) {
        struct service_rt *svc = &s->services[i];
        for (uint32_t k = 0; k < svc->cfg->call_count; k++)
            if (svc->call_pols[k].states > 0)
                s->pols[s->pol_count++] = (struct pol_group){svc->call_edges[k].label,
                                                             &svc->call_pols[k]};
    }
}

static void collect_edges(struct sim *s)
{
    uint32_t n = s->sc->client_count;
    for (uint32_t i = 0; i < s->sc->service_count; i++)
        n += s->sc->services[i].call_count;
    s->edges = xcalloc(n + 1, sizeof *s->edges);
    s->window_edges = xcalloc(n + 1, sizeof *s->window_edges);
    s->report_edges = xcalloc(n + 1, sizeof *s->report_edges);
    for (uint32_t i = 0; i < s->sc->client_count; i++)
        s->edges[s->edge_count++] = &s->clients[i].edge;
    for (uint32_t i = 0; i < s->sc->service_count; i++)
        for (uint32_t k = 0; k < s->sc->services[i].call_count; k++)
            s->edges[s->edge_count++] = &s->services[i].call_edges[k];
    /* each callee's callers with detectors of their own, for its ticks */
    for (uint32_t e = 0; e < s->edge_count; e++)
        s->services[s->edges[e]->callee_index].outlier_caller_count += s->edges[e]->detectors != NULL;
    for (uint32_t i = 0; i < s->sc->service_count; i++) {
        struct service_rt *svc = &s->services[i];
        svc->outlier_callers = xcalloc(svc->outlier_caller_count + 1, sizeof *svc->outlier_callers);
        svc->outlier_caller_count = 0;
    }
    for (uint32_t e = 0; e < s->edge_count; e++)
        if (s->edges[e]->detectors) {
            struct service_rt *svc = &s->services[s->edges[e]->callee_index];
            svc->outlier_callers[svc->outlier_caller_count++] = s->edges[e];
        }
}

/* How bad a breaker state is, to report the worst of an edge's breakers. */
static int severity(int state)
{
    return state == BREAKER_OPEN || state == BREAKER_FORCED_OPEN ? 2
           : state == BREAKER_HALF_OPEN                          ? 1
                                                                 : 0;
}

/* An edge's policy states now, added up over its callers' processes: the
 * worst breaker state and how many breakers are open, the mean time open
 * per breaker, all openings, slots in use and waiting, budget levels
 * summed, the mean throttle probability. */
static void fill_policy_window(struct sim *s, const struct pol_group *g, struct policy_window *w)
{
    const uint32_t n = g->pp->states;
    *w = (struct policy_window){.edge = g->edge, .policy = g->pp->of[0]->cfg->name,
                                .instances = n};
    for (uint32_t m = 0; m < n; m++) {
        struct policy_snapshot snap = policy_snapshot(g->pp->of[m], s->now);
        if (m == 0) {
            w->breaker_state = snap.breaker_state;
            w->bulkhead_in_use = snap.bulkhead_in_use;
            w->bulkhead_waiting = snap.bulkhead_waiting;
            w->budget_level = snap.budget_level;
            w->throttle_p = snap.throttle_p;
        } else {
            if (severity(snap.breaker_state) > severity(w->breaker_state))
                w->breaker_state = snap.breaker_state;
            if (snap.bulkhead_in_use >= 0)
                w->bulkhead_in_use += snap.bulkhead_in_use, w->bulkhead_waiting += snap.bulkhead_waiting;
            w->budget_level += snap.budget_level;
            w->throttle_p += snap.throttle_p;
        }
        w->breaker_open_s += snap.breaker_open_s / n;
        w->breaker_opened += snap.breaker_opened;
        w->breakers_open += snap.breaker_state >= 0 && severity(snap.breaker_state) == 2;
    }
    w->throttle_p /= n;
}

/* ---- events ---- */

void sim_emit(struct sim *s, const char *kind, const char *subject, const char *detail)
{
    if (s->obs.on_event)
        s->obs.on_event(s->obs.ctx, s->now, kind, subject, detail);
}

/* ---- lifecycle ---- */

struct sim *sim_new(const struct scenario *sc, uint64_t seed)
{
    struct sim *s = xcalloc(1, sizeof *s);
    s->sc = sc;
    s->seed = seed;
    s->end = sc->duration_ns;
    s->stuck_at = SIM_TIME_NEVER;
    s->q = eventq_new();
    s->job_free = s->call_free = s->rec_free = s->credit_free = NO_INDEX;
    histogram_init(&s->window_latency);
    histogram_init(&s->total_latency);
    histogram_init(&s->window_latency_failed);
    histogram_init(&s->total_latency_failed);
    histogram_init(&s->window_latency_fallback);
    histogram_init(&s->window_latency_all);
    histogram_init(&s->total_latency_all);

    uint32_t ns = sc->service_count;
    s->services = xcalloc(ns, sizeof *s->services);
    s->service_at_window_start = xcalloc(ns, sizeof *s->service_at_window_start);
    s->window_services = xcalloc(ns, sizeof *s->window_services);
    s->report_services = xcalloc(ns, sizeof *s->report_services);
    for (uint32_t i = 0; i < ns; i++)
        service_init(s, i), health_start(s, i);

    s->clients = xcalloc(sc->client_count, sizeof *s->clients);
    s->report_clients = xcalloc(sc->client_count, sizeof *s->report_clients);
    for (uint32_t i = 0; i < sc->client_count; i++)
        client_start(s, i);

    collect_policies(s);
    collect_edges(s);
    for (uint32_t i = 0; i < ns; i++)
        s->instance_count += sc->services[i].instances;
    s->window_instances = xcalloc(s->instance_count + 1, sizeof *s->window_instances);

    s->faults_on_service = xcalloc(ns + 1, sizeof *s->faults_on_service);
    s->faults_on_client = xcalloc(sc->client_count + 1, sizeof *s->faults_on_client);
    fault_schedule_all(s);
    s->recovery = recovery_new(sc);

    sim_time first_window_end = sc->window_ns < s->end ? sc->window_ns : s->end;
    if (first_window_end < s->end)
        eventq_push(s->q, first_window_end, EV_WINDOW_END, 0, 0);
    return s;
}

void sim_free(struct sim *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->sc->service_count; i++)
        health_release(&s->services[i]), service_release(&s->services[i]);
    for (uint32_t i = 0; i < s->sc->client_count; i++) {
        free(s->clients[i].user_rng);
        free(s->clients[i].user_gen);
        free(s->clients[i].user_thinking);
        proc_policies_release(&s->clients[i].pols);
        edge_release(&s->clients[i].edge);
    }
    for (uint32_t i = 0; i < s->sc->service_count; i++)
        free(s->faults_on_service[i].f);
    for (uint32_t i = 0; i < s->sc->client_count; i++)
        free(s->faults_on_client[i].f);
    free(s->faults_on_service);
    free(s->faults_on_client);
    free(s->fault_seq);
    recovery_free(s->recovery);
    free(s->services);
    free(s->clients);
    free(s->service_at_window_start);
    free(s->window_services);
    free(s->report_services);
    free(s->report_clients);
    free(s->window_instances);
    free(s->edges);
    free(s->window_edges);
    free(s->report_edges);
    free(s->pols);
    free(s->window_pols);
    free(s->report_pols);
    free(s->pol_open_at_window_start);
    free(s->pol_opened_at_window_start);
    free(s->jobs);
    free(s->calls);
    free(s->earlier);
    free(s->job_rare);
    free(s->recs);
    free(s->credits);
    eventq_free(s->q);
    free(s);
}

void sim_set_observer(struct sim *s, const struct sim_observer *obs) { s->obs = *obs; }

sim_time sim_now(const struct sim *s) { return s->now; }

/* ---- windows ---- */

/* A client's requests are the calls of its edge: the attempts and what the
 * policy did are counted there. */
static struct traffic client_traffic(const struct client_rt *c)
{
    struct traffic t = c->stats;
    t.calls = c->edge.stats.counts;
    return t;
}

static struct traffic traffic_total(const struct sim *s)
{
    struct traffic t = {0};
    for (uint32_t i = 0; i < s->sc->client_count; i++) {
        struct traffic c = client_traffic(&s->clients[i]);
        traffic_add(&t, &c);
    }
    return t;
}

/* A service's calls out are the sum of its call edges. */
static void sum_calls_out(struct service_rt *svc)
{
    svc->stats.calls_out = (struct call_counts){0};
    for (uint32_t k = 0; k < svc->cfg->call_count; k++)
        call_counts_add(&svc->stats.calls_out, &svc->call_edges[k].stats.counts);
}

static void fill_service_window(const struct service_rt *svc, struct service_window *w)
{
    w->name = svc->cfg->name;
    w->capacity = svc->cfg->instances * svc->cfg->workers;
    w->queue_len = svc->queued;
    w->busy = svc->busy;
}

static const char *instance_state_name(const struct instance *in)
{
    if (in->st.down)
        return "down";
    if (in->st.paused)
        return "paused";
    if (in->st.blackhole)
        return "blackhole";
    return in->draining ? "draining" : "up";
}

/* Every instance's window, and the next one's starting counts. */
static void close_instance_windows(struct sim *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->sc->service_count; i++) {
        struct service_rt *svc = &s->services[i];
        for (uint32_t k = 0; k < svc->cfg->instances; k++) {
            struct instance *in = &svc->inst[k];
            s->window_instances[n++] = (struct instance_window){
                .service = svc->cfg->name,
                .instance = k,
                .state = instance_state_name(in),
                .in_rotation = !in->out,
                .workers_up = in->up_workers,
                .queue_len = in->queued,
                .max_queue = in->window_max_queue,
                .busy = in->busy,
                .arrivals = in->arrivals - in->arrivals_at_window_start,
                .served = in->served - in->served_at_window_start,
            };
            in->arrivals_at_window_start = in->arrivals;
            in->served_at_window_start = in->served;
            in->window_max_queue = in->queued;
        }
    }
}

/* Reports the window [window_start, now) and opens the next one. */
static void close_window(struct sim *s)
{
    uint32_t ns = s->sc->service_count;
    for (uint32_t i = 0; i < ns; i++) {
        struct service_rt *svc = &s->services[i];
        service_settle_areas(svc, s->now);
        sum_calls_out(svc);
        struct service_window *w = &s->window_services[i];
        fill_service_window(svc, w);
        w->max_queue = svc->window_max_queue;
        w->delta = service_stats_diff(&svc->stats, &s->service_at_window_start[i]);
        s->service_at_window_start[i] = svc->stats;
        svc->window_max_queue = svc->queued;
    }
    for (uint32_t i = 0; i < s->pol_count; i++) {
        struct policy_window *pw = &s->window_pols[i];
        fill_policy_window(s, &s->pols[i], pw);
        double open_s = pw->breaker_open_s;
        uint64_t opened = pw->breaker_opened;
        pw->breaker_open_s -= s->pol_open_at_window_start[i];
        pw->breaker_opened -= s->pol_opened_at_window_start[i];
        s->pol_open_at_window_start[i] = open_s;
        s->pol_opened_at_window_start[i] = opened;
    }
    for (uint32_t i = 0; i < s->edge_count; i++)
        edge_close_window(s->edges[i], &s->window_edges[i]);
    close_instance_windows(s);
    histogram_reset(&s->window_latency_all);
    histogram_merge(&s->window_latency_all, &s->window_latency);
    histogram_merge(&s->window_latency_all, &s->window_latency_failed);
    histogram_merge(&s->window_latency_all, &s->window_latency_fallback);
    struct traffic total = traffic_total(s);
    struct window_report w = {
        .index = s->window_index,
        .start_ns = s->window_start,
        .end_ns = s->now,
        .delta = traffic_diff(&total, &s->traffic_at_window_start),
        .latency = &s->window_latency,
        .latency_failed = &s->window_latency_failed,
        .latency_all = &s->window_latency_all,
        .in_flight = s->in_flight,
        .max_in_flight = s->window_max_in_flight,
        .service_count = ns,
        .services = s->window_services,
        .policy_count = s->pol_count,
        .policies = s->window_pols,
        .edge_count = s->edge_count,
        .edges = s->window_edges,
        .instance_count = s->instance_count,
        .instances = s->window_instances,
    };
    double secs = sim_time_to_s(w.end_ns - w.start_ns);
    bool full = w.end_ns - w.start_ns >= s->sc->window_ns || w.start_ns == 0;
    if (secs > 0 && full) {
        double attempts = (double)w.delta.calls.attempts / secs, failed = (double)traffic_failed(&w.delta) / secs;
        if (attempts > s->peak.attempts_rps)
            s->peak.attempts_rps = attempts;
        double retries = (double)w.delta.calls.retries / secs;
        if (retries > s->peak.retries_rps)
            s->peak.retries_rps = retries;
        if (failed > s->peak.failed_rps)
            s->peak.failed_rps = failed;
    }
    if (w.max_in_flight > s->peak.in_flight)
        s->peak.in_flight = w.max_in_flight;
    if (s->obs.on_window)
        s->obs.on_window(s->obs.ctx, &w);
    histogram_merge(&s->total_latency, &s->window_latency);
    histogram_reset(&s->window_latency);
    histogram_merge(&s->total_latency_failed, &s->window_latency_failed);
    histogram_reset(&s->window_latency_failed);
    histogram_merge(&s->total_latency_all, &s->window_latency_all);
    histogram_reset(&s->window_latency_fallback);
    for (uint32_t i = 0; i < s->edge_count; i++)
        edge_next_window(s->edges[i]);
    s->traffic_at_window_start = total;
    s->window_max_in_flight = s->in_flight;
    s->window_start = s->now;
    s->window_index++;
}

/* ---- the loop ---- */

/* Below this many job slots (about 1 MiB of them) the pool stays in cache. */
#define PREFETCH_MIN_JOBS 8192

/* With many requests in flight the job an event names is a cache miss:
 * start loading the likely next event's job while this one is handled
 * (a hint only: nothing depends on it). */
static inline void prefetch_next(struct sim *s)
{
    if (s->job_cap < PREFETCH_MIN_JOBS) /* the jobs are in cache anyway */
        return;
    const struct event *next = eventq_likely_next(s->q);
    if (!next)
        return;
    switch ((enum event_kind)next->kind) {
    case EV_WORK_DONE:
    case EV_REQUEST_IN:
    case EV_REPLY_IN:
        __builtin_prefetch(&s->jobs[next->id]); /* a job is three lines: the first two */
        __builtin_prefetch((const char *)&s->jobs[next->id] + 64);
        break;
    default:
        break;
    }
}

static void dispatch(struct sim *s, const struct event *ev)
{
    switch ((enum event_kind)ev->kind) {
    case EV_ARRIVAL:
        client_on_arrival(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_USER_WAKE:
        client_on_user_wake(s, ev->id, (uint32_t)ev->arg, (uint32_t)(ev->arg >> 32));
        break;
    case EV_WORK_DONE:
        service_on_work_done(s, ev->id, ev->arg);
        break;
    case EV_CALL_RESUME:
        call_on_resume(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_REQUEST_IN:
        service_on_request_in(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_REPLY_IN:
        job_on_reply_in(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_PROBE:
        health_on_probe(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_PROBE_FAILED:
        health_on_probe_failed(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_DRAIN_TIMEOUT:
        fault_on_event(s, ev);
        break;
    case EV_LIVENESS_UP:
        health_on_liveness_up(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_OUTLIER_TICK:
        health_on_outlier_tick(s, ev->id);
        break;
    case EV_FAULT_START:
    case EV_FAULT_END:
    case EV_RESTART_DOWN:
    case EV_RESTART_UP:
        fault_on_event(s, ev);
        break;
    case EV_CALL_TIMEOUT:
        call_on_attempt_timeout(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_WINDOW_END: {
        close_window(s);
        sim_time next = s->now + s->sc->window_ns;
        if (next < s->end)
            eventq_push(s->q, next, EV_WINDOW_END, 0, 0);
        break;
    }
    }
}

bool sim_advance(struct sim *s, sim_time until)
{
    if (s->finished)
        return false;
    if (until > s->end)
        until = s->end;
    struct event ev;
    /* Events at exactly `end` belong to no window: the run is [0, end). */
    while (eventq_pop_before(s->q, until, &ev)) {
        if (ev.at != s->now) {
            s->events_at_now = 0;
        } else if (++s->events_at_now > SIM_STUCK_EVENTS) { /* time no longer advances */
            s->stuck_at = s->now;
            s->finished = true;
            return false;
        }
        s->now = ev.at;
        s->events++;
        prefetch_next(s);
        dispatch(s, &ev);
    }
    s->now = until;
    if (until == s->end) {
        close_window(s);
        recovery_finish(s->recovery);
        s->finished = true;
    }
    return !s->finished;
}

bool sim_stuck(const struct sim *s, sim_time *at)
{
    *at = s->stuck_at;
    return s->stuck_at != SIM_TIME_NEVER;
}

void sim_run(struct sim *s)
{
    while (sim_advance(s, s->end))
        ;
}

uint64_t sim_events(const struct sim *s)
{
    return s->events;
}

const struct run_report *sim_report(struct sim *s)
{
    for (uint32_t i = 0; i < s->sc->service_count; i++) {
        struct service_rt *svc = &s->services[i];
        service_settle_areas(svc, s->now);
        sum_calls_out(svc);
        struct service_window *w = &s->report_services[i];
        fill_service_window(svc, w);
        w->max_queue = svc->max_queue;
        w->delta = svc->stats;
        if (svc->op_stats) {
            w->operation_count = svc->cfg->operation_count;
            w->operations = svc->cfg->operations;
            w->operation_stats = svc->op_stats;
        }
    }
    for (uint32_t i = 0; i < s->sc->client_count; i++)
        s->report_clients[i] = client_traffic(&s->clients[i]);
    for (uint32_t i = 0; i < s->edge_count; i++)
        edge_fill_report(s->edges[i], &s->report_edges[i]);
    for (uint32_t i = 0; i < s->pol_count; i++)
        fill_policy_window(s, &s->pols[i], &s->report_pols[i]);
    s->report = (struct run_report){
        .duration_ns = s->now,
        .peak = s->peak,
        .total = traffic_total(s),
        .latency = &s->total_latency,
        .latency_failed = &s->total_latency_failed,
        .latency_all = &s->total_latency_all,
        .in_flight = s->in_flight,
        .events = s->events,
        .service_count = s->sc->service_count,
        .services = s->report_services,
        .client_count = s->sc->client_count,
        .clients = s->report_clients,
        .policy_count = s->pol_count,
        .policies = s->report_pols,
        .edge_count = s->edge_count,
        .edges = s->report_edges,
        .had_faults = recovery_has_faults(s->recovery),
        .recovery_known = recovery_known(s->recovery),
        .recovered = recovery_recovered(s->recovery),
        .recovery_s = recovery_seconds(s->recovery),
        .recovery_unknown = recovery_unknown_reason(s->recovery),
    };
    return &s->report;
}
