/* Services: instances with workers and a waiting room, doing work and
 * calling their dependencies.
 *
 * A job is one request at one service. It waits for a worker, holds it for
 * its own service time and then for each of its calls in turn (a thread-per-
 * request server: a slow dependency keeps the caller's workers busy, which is
 * how slowness climbs a call chain), and replies. A caller that times out
 * stops listening, but the job goes on: servers rarely know their caller has
 * gone, and the worker time it keeps spending is counted as wasted.
 * Faults change an instance's state (instance_state); this file applies
 * what each change means to the work on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/check.h"
#include "../base/xalloc.h"
#include "sim_internal.h"

/* ---- integrated levels ---- */

/* Up workers change only with faults, health and rotation. */
static void integrate_up(struct service_rt *svc, sim_time now)
{
    svc->up_area += (area_ns)(now - svc->up_since) * svc->up_workers;
    svc->up_since = now;
}

void service_settle_areas(struct service_rt *svc, sim_time now)
{
    service_integrate(svc, now);
    integrate_up(svc, now);
    service_integrate_late(svc, now);
    svc->stats.busy_area_ns = (double)svc->busy_area;
    svc->stats.up_area_ns = (double)svc->up_area;
    svc->stats.queue_area_ns = (double)svc->queue_area;
    svc->stats.system_area_ns = (double)(svc->busy_area + svc->queue_area);
    svc->stats.late_ns = (double)svc->late_area;
}

/* The work job j has left for after its calls (0 when its service has no
 * work_after_calls). */
static sim_time work_after(struct sim *s, uint32_t j)
{
    return s->services[s->jobs[j].service].cfg->work_after_calls > 0 ? job_rare_of(s, j)->work_after
                                                                      : 0;
}

/* ---- the waiting room: a ring buffer used as a deque ---- */

/* The instance's index in its service, for the balancer's trees. */
static inline uint32_t index_of(const struct service_rt *svc, const struct instance *in)
{
    return (uint32_t)(in - svc->inst);
}

/* Both ends of the queue tell the balancer: busy + queued is the load it
 * weighs. */
static void ring_push_back(struct service_rt *svc, struct instance *in, uint32_t job)
{
    if (in->queued == in->ring_cap) {
        uint32_t old = in->ring_cap;
        uint32_t *bigger = xmalloc((old ? old * 2 : 16) * sizeof *bigger);
        for (uint32_t i = 0; i < old; i++) /* unroll the ring into order */
            bigger[i] = in->ring[(in->ring_head + i) % old];
        free(in->ring);
        in->ring = bigger;
        in->ring_cap = old ? old * 2 : 16;
        in->ring_head = 0;
    }
    in->ring[(in->ring_head + in->queued) % in->ring_cap] = job;
    if (++in->queued > in->window_max_queue)
        in->window_max_queue = in->queued;
    lb_load_changed(svc, index_of(svc, in));
}

static uint32_t ring_pop(struct service_rt *svc, struct instance *in, enum queue_discipline d)
{
    SIM_ASSERT(in->queued > 0);
    in->queued--;
    lb_load_changed(svc, index_of(svc, in));
    if (d == QUEUE_LIFO) /* newest first: its caller is the likeliest still waiting */
        return in->ring[(in->ring_head + in->queued) % in->ring_cap];
    uint32_t job = in->ring[in->ring_head];
    in->ring_head = (in->ring_head + 1) % in->ring_cap;
    return job;
}

static struct instance_state healthy(const struct service_cfg *cfg)
{
    return (struct instance_state){.workers = cfg->workers, .latency_factor = 1, .survive = 1};
}

void service_init(struct sim *s, uint32_t i)
{
    struct service_rt *svc = &s->services[i];
    svc->cfg = &s->sc->services[i];
    svc->inst = xcalloc(svc->cfg->instances, sizeof *svc->inst);
    const struct service_cfg *cfg = svc->cfg;
    bool admission = admission_configured(&cfg->admission);
    for (uint32_t k = 0; k < cfg->instances; k++) {
        svc->inst[k].st = healthy(cfg);
        svc->inst[k].up_workers = cfg->workers;
        svc->up_workers += cfg->workers;
        if (!admission)
            continue;
        svc->inst[k].adm = xcalloc(1, sizeof *svc->inst[k].adm);
        admission_init(svc->inst[k].adm, &cfg->admission);
    }
    lb_init(svc);
    char stream[160];
    snprintf(stream, sizeof stream, "service:%s:work", svc->cfg->name);
    rng_init_stream(&svc->work_rng, s->seed, stream);
    snprintf(stream, sizeof stream, "service:%s:errors", svc->cfg->name);
    rng_init_stream(&svc->error_rng, s->seed, stream);
    snprintf(stream, sizeof stream, "service:%s:lb", svc->cfg->name);
    rng_init_stream(&svc->lb_rng, s->seed, stream);
    snprintf(stream, sizeof stream, "service:%s:calls", svc->cfg->name);
    rng_init_stream(&svc->call_rng, s->seed, stream);
    snprintf(stream, sizeof stream, "cache:%s", svc->cfg->name);
    cache_init(&svc->cache, &svc->cfg->cache, s->seed, stream);
    if (svc->cfg->named_operations) { /* a new stream: services without leave theirs alone */
        snprintf(stream, sizeof stream, "service:%s:operations", svc->cfg->name);
        rng_init_stream(&svc->operation_rng, s->seed, stream);
        svc->op_stats = xcalloc(svc->cfg->operation_count, sizeof *svc->op_stats);
        for (uint32_t k = 0; k < svc->cfg->operation_count; k++) {
            svc->op_stats[k].latency = xmalloc(sizeof *svc->op_stats[k].latency);
            histogram_init(svc->op_stats[k].latency);
        }
    }
    uint32_t n_inst = svc->cfg->instances;
    svc->call_pols = xcalloc(svc->cfg->call_count + 1, sizeof *svc->call_pols);
    svc->call_edges = xcalloc(svc->cfg->call_count + 1, sizeof *svc->call_edges);
    for (uint32_t k = 0; k < svc->cfg->call_count; k++) {
        const struct call_cfg *call = &svc->cfg->calls[k];
        const char *callee = s->sc->services[call->service].name;
        /* calls to the same callee (and operation) get their own state and
         * name: api->db, api->db#2; a named operation is part of it: api->db/write */
        char label[EDGE_LABEL_MAX], to[136];
        if (call->operation != NO_INDEX)
            snprintf(to, sizeof to, "%s/%s", callee,
                     s->sc->services[call->service].operations[call->operation].name);
        else
            snprintf(to, sizeof to, "%s", callee);
        uint32_t same = 0;
        for (uint32_t e = 0; e < k; e++)
            same += svc->cfg->calls[e].service == call->service &&
                    svc->cfg->calls[e].operation == call->operation;
        if (same)
            snprintf(label, sizeof label, "%s->%s#%u", svc->cfg->name, to, same + 1);
        else
            snprintf(label, sizeof label, "%s->%s", svc->cfg->name, to);
        const struct policy_cfg *pol = call->policy == NO_INDEX ? NULL
                                                                 : &s->sc->policies[call->policy];
        proc_policies_init(&svc->call_pols[k], pol, s->seed, svc->cfg->name, label, n_inst);
        snprintf(stream, sizeof stream, "net:%s#%u", svc->cfg->name, k);
        edge_init(&svc->call_edges[k], svc->cfg->name, callee, label, pol,
                  &call->net, s->seed, stream);
        edge_watch_instances(&svc->call_edges[k], s->sc, call->service, n_inst);
    }
}

void service_release(struct service_rt *svc)
{
    for (uint32_t i = 0; svc->inst && i < svc->cfg->instances; i++) {
        free(svc->inst[i].ring);
        free(svc->inst[i].held);
        free(svc->inst[i].adm);
    }
    free(svc->inst);
    lb_release(svc);
    for (uint32_t k = 0; svc->call_edges && k < svc->cfg->call_count; k++)
        edge_release(&svc->call_edges[k]);
    free(svc->call_edges);
    for (uint32_t k = 0; svc->call_pols && k < svc->cfg->call_count; k++)
        proc_policies_release(&svc->call_pols[k]);
    free(svc->call_pols);
    for (uint32_t k = 0; svc->op_stats && k < svc->cfg->operation_count; k++)
        free(svc->op_stats[k].latency);
    free(svc->op_stats);
    cache_release(&svc->cache);
    if (svc->has_idem)
        idem_store_release(&svc->idem);
}

/* ---- a job's life ---- */

static bool can_start(const struct instance *in)
{
    return !in->st.down && !in->st.paused && in->busy < in->st.workers;
}

static void schedule_work_done(struct sim *s, uint32_t j, sim_time at)
{
    struct job *job = &s->jobs[j];
    job->done_at = at;
    job->work_seq++;
    eventq_push(s->q, at, EV_WORK_DONE, j, (uint64_t)job->gen << 32 | job->work_seq);
}

/* Job j takes one of its instance's workers, or gives it back: the busy
 * count, the instance's list of the jobs holding its workers (in and out in
 * O(1): the last takes the leaver's place) and the balancer's load. */
static void hold_worker(struct service_rt *svc, struct job *job, uint32_t j)
{
    struct instance *in = &svc->inst[job->instance];
    if (in->busy == in->held_cap) {
        in->held_cap = in->held_cap ? 2 * in->held_cap : 8;
        in->held = xreallocarray(in->held, in->held_cap, sizeof *in->held);
    }
    job->held_at = in->busy;
    in->held[in->busy++] = j;
    lb_load_changed(svc, job->instance);
}

static void unhold_worker(struct sim *s, struct service_rt *svc, const struct job *job, uint32_t j)
{
    struct instance *in = &svc->inst[job->instance];
    SIM_ASSERT(in->busy > 0 && in->held[job->held_at] == j);
    uint32_t last = in->held[--in->busy];
    in->held[job->held_at] = last;
    s->jobs[last].held_at = job->held_at;
    lb_load_changed(svc, job->instance);
}

static void start_work(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    const struct instance_state *st = &svc->inst[job->instance].st;
    service_integrate(svc, s->now);
    svc->busy++;
    hold_worker(svc, job, j);
    job->state = JOB_WORKING;
    job->work_start = s->now;
    if (job->orphaned) {
        service_integrate_late(svc, s->now);
        svc->orphan_busy++;
    }
    const struct operation_cfg *op = &svc->cfg->operations[job->operation];
    sim_time work = dist_sample(operation_service_time(svc->cfg, op), &svc->work_rng);
    if (st->latency_factor != 1 || st->latency_add) /* a latency fault */
        work = (sim_time)((double)work * st->latency_factor) + st->latency_add;
    const struct instance *in = &svc->inst[job->instance];
    if (s->now < in->warm_until) { /* cold after a restart */
        double left = (double)(in->warm_until - s->now) / (double)(in->warm_until - in->warm_from);
        work = (sim_time)((double)work * (1 + (in->cold_factor - 1) * left));
    }
    if (svc->cfg->work_after_calls > 0) {
        sim_time after = (sim_time)((double)work * svc->cfg->work_after_calls);
        job_rare_of(s, j)->work_after = after;
        work -= after;
    }
    schedule_work_done(s, j, s->now + work);
}


/* The job leaves the instance: no longer running for its idempotency key,
 * and out of its instance's concurrency limit with a sample: its time
 * in the service, dropped if it ended in a timeout or an overload refusal
 * (the limiter's signal to back off); an application error says nothing
 * about capacity and is ignored. */
static void job_leaves_slow(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    if (job->running) {
        job->running = false;
        s->recs[job->rec].running--;
    }
    if (!job->limited)
        return;
    job->limited = false;
    admission_leave(s->services[job->service].inst[job->instance].adm,
                    s->now - job->arrived_at, job_rare_of(s, j)->limit_in_flight, outcome);
}

static inline void job_leaves(struct sim *s, uint32_t j, enum outcome outcome)
{
    if (s->jobs[j].running || s->jobs[j].limited)
        job_leaves_slow(s, j, outcome);
}

/* With drop_expired, a job whose caller's deadline has passed is not
 * served: it is dropped (its caller, if somehow still listening, hears a
 * deadline-exceeded error, as from gRPC). True if it was dropped. */
static bool drop_if_expired(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    if (s->now < job->deadline)
        return false;
    svc->stats.expired++;
    if (job->caller_gone) {
        job_leaves(s, j, OUTCOME_TIMEOUT);
        job_release(s, j);
    } else {
        job->status = STATUS_DEADLINE;
        job_finish(s, j, OUTCOME_ERROR);
    }
    return true;
}

/* Sheds a job refused by admission control (its caller, if listening, hears
 * an overload refusal it may retry elsewhere or later). */
static void shed(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    if (job->caller_gone) {
        s->services[job->service].stats.shed++;
        job_leaves(s, j, OUTCOME_SHED);
        job_release(s, j);
    } else {
        job_finish(s, j, OUTCOME_SHED);
    }
}

/* The next job to serve. With CoDel or adaptive LIFO, the age of the oldest
 * waiting job is CoDel's sample: the queue is overloaded when it has not
 * been empty for a whole interval. While overloaded, adaptive LIFO takes the
 * newest job (its caller is still waiting) and CoDel sheds one that waited
 * too long. Returns NO_INDEX when the job taken was shed. */
static uint32_t take_next(struct sim *s, struct service_rt *svc, struct instance *in)
{
    const struct service_cfg *cfg = svc->cfg;
    struct admission *adm = in->adm;
    if (!adm || !(cfg->admission.codel || cfg->admission.adaptive_lifo))
        return ring_pop(svc, in, cfg->discipline);
    sim_time oldest = s->now - s->jobs[in->ring[in->ring_head]].arrived_at;
    bool newest = admission_serve_newest(adm, s->now, oldest);
    uint32_t j = ring_pop(svc, in, newest ? QUEUE_LIFO : cfg->discipline);
    if (admission_sheds(adm, s->now - s->jobs[j].arrived_at)) {
        shed(s, j);
        return NO_INDEX;
    }
    return j;
}

/* Starts waiting jobs while the instance has free workers. */
static void start_waiting(struct sim *s, struct service_rt *svc, uint32_t instance)
{
    struct instance *in = &svc->inst[instance];
    while (in->queued && can_start(in)) {
        service_integrate(svc, s->now);
        svc->queued--;
        uint32_t j = take_next(s, svc, in);
        if (j != NO_INDEX && (!svc->cfg->drop_expired || !drop_if_expired(s, j)))
            start_work(s, j);
    }
}

static void release_worker(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    service_integrate(svc, s->now);
    waste_credit(s, &job->credits, job->service, s->now - job->work_start);
    svc->stats.served++;
    svc->stats.response_ns += (double)(s->now - job->arrived_at);
    if (job->orphaned) {
        service_integrate_late(svc, s->now);
        svc->orphan_busy--;
    }
    svc->busy--;
    unhold_worker(s, svc, job, j);
    struct instance *in = &svc->inst[job->instance];
    in->served++;
    if (in->queued)
        start_waiting(s, svc, job->instance);
    else if (in->draining && in->busy == 0)
        fault_instance_drained(s, job->service, job->instance);
}

static void count_outcome(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    struct service_stats *st = &s->services[job->service].stats;
    if (!job->caller_gone) /* a late reply after a timeout was counted as the timeout */
        health_on_result(s, j, !outcome_is_success(outcome));
    /* a reply nobody waits for any more was, to the limiter, a timeout */
    job_leaves(s, j, job->caller_gone && outcome_is_success(outcome) ? OUTCOME_TIMEOUT
                                                                        : outcome);
    if (outcome_is_success(outcome))
        st->ok++;
    else if (outcome == OUTCOME_REJECTED)
        st->rejected++;
    else if (outcome == OUTCOME_SHED)
        st->shed++;
    else
        st->errors++;
    if (outcome == OUTCOME_DEGRADED || outcome == OUTCOME_FALLBACK)
        st->degraded++; /* answered without a dependency's real part */
    struct operation_stats *os = s->services[job->service].op_stats;
    if (os) { /* the same, per declared operation */
        os += job->operation;
        os->ok += outcome_is_success(outcome);
        os->rejected += outcome == OUTCOME_REJECTED;
        os->shed += outcome == OUTCOME_SHED;
        os->errors += !outcome_is_success(outcome) && outcome != OUTCOME_REJECTED &&
                      outcome != OUTCOME_SHED;
        histogram_record(os->latency, s->now - job->arrived_at);
    }
}

uint32_t service_pick_operation(struct sim *s, uint32_t service, uint32_t named)
{
    struct service_rt *svc = &s->services[service];
    if (named != NO_INDEX)
        return named;
    const struct service_cfg *cfg = svc->cfg;
    if (cfg->operation_count == 1)
        return 0;
    /* by weight, from the service's own stream: a request's kind is the
     * traffic's mix, whoever sends it */
    double u = rng_uniform(&svc->operation_rng) * cfg->operation_weight;
    uint32_t last = 0; /* the last with a weight, should rounding leave u past all */
    for (uint32_t k = 0; k < cfg->operation_count; k++) {
        if (cfg->operations[k].weight <= 0)
            continue;
        if (u < cfg->operations[k].weight)
            return k;
        u -= cfg->operations[k].weight;
        last = k;
    }
    return last;
}

void service_job_done(struct sim *s, uint32_t j, enum outcome outcome, bool held)
{
    count_outcome(s, j, outcome);
    if (held)
        release_worker(s, j); /* may start other jobs and end more calls */
}

/* An idempotent server looks up the request's key first: a key it executed
 * within the retention time gets the stored answer, a key executing right
 * now gets a conflict (which the caller may retry), any other goes on and is
 * marked running. True if the request was answered here. */
static bool answered_by_key(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    struct exec_rec *rec = &s->recs[job->rec];
    if (!svc->has_idem) {
        idem_store_init(&svc->idem, call_idempotency_retention(s, job->call));
        svc->has_idem = true;
    }
    if (idem_store_seen(&svc->idem, rec->key, s->now)) {
        svc->stats.replayed++;
        job_finish(s, j, OUTCOME_OK);
        return true;
    }
    if (rec->running) {
        svc->stats.conflicts++;
        job_finish(s, j, OUTCOME_REJECTED);
        return true;
    }
    rec->running++;
    job->running = true;
    return false;
}

static void count_operation_arrival(struct service_rt *svc, const struct job *job)
{
    if (svc->op_stats)
        svc->op_stats[job->operation].arrivals++;
}

/* The request reaches the service: an instance is picked and it is refused,
 * started, rejected or queued. */
static void arrive(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    job->arrived_at = s->now;
    /* only a balancer that weighs the caller's own view reads the caller (a
     * cold load per request otherwise); one that already let the job go
     * (its call may be gone) counts nothing */
    struct lb_view *view = NULL;
    const struct caller_detector *ej = NULL;
    if (!job->caller_gone &&
        (lb_uses_caller_view(svc->cfg) || (svc->cfg->has_outlier && !svc->cfg->outlier_shared))) {
        const struct call *c = &s->calls[job->call];
        view = edge_view_of(c->edge, c->process, svc);
        ej = edge_detector_of(c->edge, c->process, svc);
    }
    job->instance = lb_pick(svc, view, ej);
    if (view && job->instance != NO_INDEX) { /* the calling process counts it out there */
        lb_view_add(svc, view, job->instance, 1);
        job->seen_by = view;
    }
    if (job->instance == NO_INDEX) { /* no instance in rotation: fail fast */
        job->state = JOB_QUEUED;
        svc->stats.arrivals++;
        count_operation_arrival(svc, job);
        job_finish(s, j, OUTCOME_ERROR);
        return;
    }
    struct instance *in = &svc->inst[job->instance];
    in->arrivals++;
    if (in->st.blackhole) { /* lost on the way: only a timeout notices */
        job->state = JOB_SWALLOWED;
        svc->stats.lost++;
        call_cannot_connect(s, j); /* ...a connect timeout first, if there is one */
        return;
    }
    svc->stats.arrivals++;
    count_operation_arrival(svc, job);
    job->state = JOB_QUEUED;
    if (svc->cfg->drop_expired && drop_if_expired(s, j)) /* late off the network */
        return;
    if (in->st.down) {
        job_finish(s, j, OUTCOME_ERROR); /* connection refused */
    } else if (s->jobs[j].keyed && answered_by_key(s, j)) {
        /* a repeat, answered from the key store or refused as a conflict */
    } else if (in->adm && !admission_rate_ok(in->adm, s->now)) {
        s->jobs[j].status = STATUS_TOO_MANY;
        job_finish(s, j, OUTCOME_SHED); /* over the instance's rate limit */
    } else if (svc->cfg->admission.has_conc_limit &&
               !(s->jobs[j].limited = admission_enter(in->adm, &job_rare_of(s, j)->limit_in_flight))) {
        job_finish(s, j, OUTCOME_SHED); /* over the instance's concurrency limit */
    } else if (can_start(in) && in->queued == 0) {
        start_work(s, j);
    } else if (in->queued >= svc->cfg->queue_capacity) {
        job_finish(s, j, OUTCOME_REJECTED);
    } else {
        service_integrate(svc, s->now);
        ring_push_back(svc, in, j);
        svc->queued++;
        if (svc->queued > svc->window_max_queue)
            svc->window_max_queue = svc->queued;
        if (svc->queued > svc->max_queue)
            svc->max_queue = svc->queued;
    }
}

void service_take_request(struct sim *s, uint32_t j, bool from_client, uint32_t from)
{
    uint32_t service = s->jobs[j].service;
    struct service_rt *svc = &s->services[service];
    if (svc->cfg->cache.present) {
        if (cache_lookup(&svc->cache, s->now, &s->jobs[j].cache_key)) {
            svc->stats.cache_hits++; /* answered by the cache, after hit_ms */
            s->jobs[j].state = JOB_REPLYING;
            s->jobs[j].reply_outcome = OUTCOME_OK;
            eventq_push(s->q, s->now + svc->cfg->cache.hit_ns, EV_REPLY_IN, j, s->jobs[j].gen);
            return;
        }
        svc->stats.cache_misses++;
    }
    sim_time delay = 0;
    struct edge_rt *edge = s->jobs[j].edge;
    bool lost = edge && !edge_cross(edge, &delay);
    bool cut = !lost && s->partitions_active && fault_partitioned(s, service, from_client, from);
    if (lost || cut) {
        s->jobs[j].state = JOB_SWALLOWED; /* only the caller's timeout will notice */
        svc->stats.lost++;
        if (cut) /* no connection across a partition: a connect timeout notices first */
            call_cannot_connect(s, j);
        return;
    }
    if (delay > 0) {
        s->jobs[j].state = JOB_IN_TRANSIT;
        eventq_push(s->q, s->now + delay, EV_REQUEST_IN, j, s->jobs[j].gen);
        return;
    }
    arrive(s, j);
}

void service_on_request_in(struct sim *s, uint32_t j, uint32_t gen)
{
    if (s->jobs[j].gen == gen && s->jobs[j].state == JOB_IN_TRANSIT)
        arrive(s, j);
}

void service_on_work_done(struct sim *s, uint32_t j, uint64_t arg)
{
    struct job *job = &s->jobs[j];
    if (job->gen != (uint32_t)(arg >> 32) || job->work_seq != (uint32_t)arg ||
        job->state != JOB_WORKING)
        return; /* voided by a pause or a failure */
    if (job->after_calls) {
        job_finish(s, j, OUTCOME_OK);
        return;
    }
    struct service_rt *svc = &s->services[job->service];
    const struct instance_state *st = &svc->inst[job->instance].st;
    const struct operation_cfg *op = &svc->cfg->operations[job->operation];
    double fail = 1 - (1 - op->error_rate) * st->survive;
    double u = fail > 0 ? rng_uniform(&svc->error_rng) : 1;
    if (u < fail) {
        /* the one draw says whose error it is: u < error_rate is the
         * service's own, the rest of [0, fail) the injected one's */
        job->status = u < op->error_rate ? op->error_status : st->error_status;
        job_finish(s, j, OUTCOME_ERROR);
        return;
    }
    if (job->rec != NO_INDEX) { /* its work, a write, is done: count it, remember the key */
        struct exec_rec *rec = &s->recs[job->rec];
        if (rec->executed++)
            svc->stats.duplicates++;
        if (job->keyed)
            idem_store_put(&svc->idem, rec->key, s->now);
    }
    if (op->step_count == 0 && work_after(s, j) <= 0) /* a leaf: done */
        job_finish(s, j, OUTCOME_OK);
    else
        steps_start(s, j);
}

void service_after_calls(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    sim_time after = work_after(s, j);
    if (after <= 0) {
        job_finish(s, j, OUTCOME_OK);
        return;
    }
    job->state = JOB_WORKING; /* it still holds its worker */
    job->after_calls = true;
    schedule_work_done(s, j, s->now + after);
}

/* ---- faults: applying an instance's change of state to its work ---- */

struct job_ref {
    uint32_t id, gen;
};

static int by_id(const void *a, const void *b)
{
    uint32_t x = ((const struct job_ref *)a)->id, y = ((const struct job_ref *)b)->id;
    return (x > y) - (x < y);
}

/* The jobs holding a worker on the instance, in pool order (deterministic:
 * sorted, from the instance's own list, so the cost is the jobs touched, not
 * the pool), plus its queued jobs when `drain_queue` (which empties the
 * queue). */
static struct job_ref *collect_jobs(struct sim *s, uint32_t service, uint32_t instance,
                                    bool drain_queue, uint32_t *count)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    uint32_t n = 0, cap = in->busy + (drain_queue ? in->queued : 0) + 1;
    struct job_ref *refs = xmalloc(cap * sizeof *refs);
    for (uint32_t k = 0; k < in->busy; k++) {
        uint32_t j = in->held[k];
        const struct job *job = &s->jobs[j];
        SIM_ASSERT(job->service == service && job->instance == instance &&
                   (job->state == JOB_WORKING || job->state == JOB_CALLING ||
                    job->state == JOB_PARKED));
        refs[n++] = (struct job_ref){j, job->gen};
    }
    qsort(refs, n, sizeof *refs, by_id);
    if (drain_queue) {
        service_integrate(svc, s->now);
        while (in->queued) {
            uint32_t j = ring_pop(svc, in, QUEUE_FIFO);
            svc->queued--;
            refs[n++] = (struct job_ref){j, s->jobs[j].gen};
        }
    }
    *count = n;
    return refs;
}

static bool still(const struct sim *s, struct job_ref r)
{
    return s->jobs[r.id].gen == r.gen && s->jobs[r.id].state != JOB_FREE;
}

/* The instance died or left: what it held and queued fails at once. */
static void fail_everything(struct sim *s, uint32_t service, uint32_t instance)
{
    uint32_t n;
    struct job_ref *refs = collect_jobs(s, service, instance, true, &n);
    for (uint32_t i = 0; i < n; i++)
        if (still(s, refs[i])) /* failing one may have finished another */
            job_finish(s, refs[i].id, OUTCOME_ERROR);
    free(refs);
}

/* Stop the world: work in progress keeps what it has left for later. */
static void freeze(struct sim *s, uint32_t service, uint32_t instance)
{
    uint32_t n;
    struct job_ref *refs = collect_jobs(s, service, instance, false, &n);
    for (uint32_t i = 0; i < n; i++) {
        struct job *job = &s->jobs[refs[i].id];
        if (job->state == JOB_WORKING) {
            job_rare_of(s, refs[i].id)->remaining = job->done_at - s->now;
            job->work_seq++; /* voids the pending EV_WORK_DONE */
        }
    }
    free(refs);
}

/* The pause is over: work resumes where it stopped, and replies that came
 * in meanwhile are read, in the order of the pool. */
static void thaw(struct sim *s, uint32_t service, uint32_t instance)
{
    uint32_t n;
    struct job_ref *refs = collect_jobs(s, service, instance, false, &n);
    for (uint32_t i = 0; i < n; i++)
        if (s->jobs[refs[i].id].state == JOB_WORKING)
            schedule_work_done(s, refs[i].id, s->now + job_rare_of(s, refs[i].id)->remaining);
    for (uint32_t i = 0; i < n; i++)
        if (still(s, refs[i]) && s->jobs[refs[i].id].state == JOB_PARKED)
            steps_resume(s, refs[i].id);
    free(refs);
}

void service_recount_up(struct sim *s, uint32_t service, uint32_t instance)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    uint32_t up = in->st.down || in->st.paused || in->out ? 0 : in->st.workers;
    if (up == in->up_workers)
        return;
    integrate_up(svc, s->now); /* the old level up to now */
    svc->up_workers = svc->up_workers - in->up_workers + up;
    in->up_workers = up;
}

void service_refresh_instance(struct sim *s, uint32_t service, uint32_t instance)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    struct instance_state old = in->st;
    in->st = fault_instance_state(s, service, instance);
    bool was_out = old.down || old.removed, is_out = in->st.down || in->st.removed;
    if (in->st.removed != old.removed)
        health_update_rotation(s, service, instance);
    if (is_out && !was_out)
        fail_everything(s, service, instance);
    if (in->st.paused && !old.paused)
        freeze(s, service, instance);
    if (!in->st.paused && old.paused)
        thaw(s, service, instance);
    service_recount_up(s, service, instance);
    start_waiting(s, svc, instance);
}
