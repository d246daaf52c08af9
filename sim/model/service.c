/* Services: instances with workers and a waiting room, doing work and
 * calling their dependencies.
 *
 * A job is one request at one service. It waits for a worker, holds it for
 * its own service time and then for each of its calls in turn (a thread-per-
 * request server: a slow dependency keeps the caller's workers busy, which is
 * how slowness climbs a call chain), and replies. A caller that times out
 * stops listening, but the job goes on: servers rarely know their caller has
 * gone, and the worker time it keeps spending is counted as wasted. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

/* ---- integrated levels ---- */

void service_integrate(struct service_rt *svc, sim_time now)
{
    double dt = (double)(now - svc->level_since);
    if (dt > 0) {
        svc->stats.busy_area_ns += dt * svc->busy;
        svc->stats.queue_area_ns += dt * svc->queued;
        svc->stats.system_area_ns += dt * (svc->busy + svc->queued);
        svc->stats.wasted_ns += dt * svc->orphan_busy;
        svc->level_since = now;
    }
}

/* ---- the waiting room: a ring buffer used as a deque ---- */

static void ring_push_back(struct instance *in, uint32_t job)
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
    in->queued++;
}

static uint32_t ring_pop(struct instance *in, enum queue_discipline d)
{
    in->queued--;
    if (d == QUEUE_LIFO) /* newest first: its caller is the likeliest still waiting */
        return in->ring[(in->ring_head + in->queued) % in->ring_cap];
    uint32_t job = in->ring[in->ring_head];
    in->ring_head = (in->ring_head + 1) % in->ring_cap;
    return job;
}

void service_init(struct sim *s, uint32_t i)
{
    struct service_rt *svc = &s->services[i];
    svc->cfg = &s->sc->services[i];
    svc->inst = xcalloc(svc->cfg->instances, sizeof *svc->inst);
    char stream[160];
    snprintf(stream, sizeof stream, "service:%s:work", svc->cfg->name);
    rng_init_stream(&svc->work_rng, s->seed, stream);
    snprintf(stream, sizeof stream, "service:%s:errors", svc->cfg->name);
    rng_init_stream(&svc->error_rng, s->seed, stream);
}

void service_release(struct service_rt *svc)
{
    for (uint32_t i = 0; svc->inst && i < svc->cfg->instances; i++)
        free(svc->inst[i].ring);
    free(svc->inst);
}

/* ---- a job's life ---- */

static void start_work(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    service_integrate(svc, s->now);
    svc->busy++;
    svc->inst[job->instance].busy++;
    job->working = true;
    if (job->orphaned)
        svc->orphan_busy++;
    sim_time work = dist_sample(&svc->cfg->service_time, &svc->work_rng);
    eventq_push(s->q, s->now + work, EV_WORK_DONE, j, job->gen);
}

/* Frees the job's worker and hands it to the next waiting job, if any. */
static void release_worker(struct sim *s, struct job *job)
{
    struct service_rt *svc = &s->services[job->service];
    struct instance *in = &svc->inst[job->instance];
    service_integrate(svc, s->now);
    svc->stats.served++;
    svc->stats.response_ns += (double)(s->now - job->arrived_at);
    if (job->orphaned)
        svc->orphan_busy--;
    job->working = false;
    svc->busy--;
    in->busy--;
    if (in->queued) {
        svc->queued--;
        start_work(s, ring_pop(in, svc->cfg->discipline));
    }
}

static void deliver(struct sim *s, uint32_t caller, bool caller_is_job, enum outcome outcome);

/* The job is over: free its worker, reply if anyone listens, recycle it. */
static void finish(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    if (outcome == OUTCOME_OK)
        svc->stats.ok++;
    else if (outcome == OUTCOME_REJECTED)
        svc->stats.rejected++;
    else
        svc->stats.errors++;
    if (job->working)
        release_worker(s, job); /* may start another job: no pool growth */
    job = &s->jobs[j];
    uint32_t caller = job->caller;
    bool caller_is_job = job->caller_is_job, listening = !job->caller_gone;
    if (listening)
        eventq_cancel(s->q, job->timer);
    job_free(s, j);
    if (listening)
        deliver(s, caller, caller_is_job, outcome);
}

/* Makes the job's next call, or replies once all calls are done. */
static void continue_calls(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    const struct service_cfg *cfg = s->services[job->service].cfg;
    if (job->next_call == cfg->call_count) {
        finish(s, j, OUTCOME_OK);
        return;
    }
    const struct call_cfg *call = &cfg->calls[job->next_call];
    service_call(s, call->service, j, true, scenario_timeout(s->sc, call->policy), job->orphaned);
}

static void on_call_result(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    job->child = NO_INDEX;
    if (outcome != OUTCOME_OK) {
        finish(s, j, OUTCOME_ERROR); /* a failed dependency fails the request */
        return;
    }
    job->next_call++;
    continue_calls(s, j);
}

static void deliver(struct sim *s, uint32_t caller, bool caller_is_job, enum outcome outcome)
{
    if (caller_is_job)
        on_call_result(s, caller, outcome);
    else
        request_on_reply(s, caller, outcome);
}

static uint32_t pick_instance(struct service_rt *svc)
{
    uint32_t i = svc->rr_next;
    svc->rr_next = i + 1 == svc->cfg->instances ? 0 : i + 1;
    return i;
}

void service_call(struct sim *s, uint32_t service, uint32_t caller, bool caller_is_job,
                  sim_time timeout_ns, bool orphaned)
{
    uint32_t j = job_alloc(s); /* may move the pool: fetch pointers after */
    struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[service];
    job->service = service;
    job->caller = caller;
    job->caller_is_job = caller_is_job;
    job->caller_gone = false;
    job->working = false;
    job->child = NO_INDEX;
    job->next_call = 0;
    job->arrived_at = s->now;
    job->orphaned = orphaned;
    job->timer = (struct timer_handle){0, 0};
    if (caller_is_job)
        s->jobs[caller].child = j;
    if (timeout_ns > 0)
        job->timer = eventq_arm(s->q, s->now, timeout_ns, EV_CALL_TIMEOUT, j, job->gen);
    svc->stats.arrivals++;

    job->instance = pick_instance(svc);
    struct instance *in = &svc->inst[job->instance];
    if (in->busy < svc->cfg->workers) {
        start_work(s, j);
    } else if (in->queued >= svc->cfg->queue_capacity) {
        finish(s, j, OUTCOME_REJECTED);
    } else {
        service_integrate(svc, s->now);
        ring_push_back(in, j);
        svc->queued++;
        if (svc->queued > svc->window_max_queue)
            svc->window_max_queue = svc->queued;
        if (svc->queued > svc->max_queue)
            svc->max_queue = svc->queued;
    }
}

void service_on_work_done(struct sim *s, uint32_t j, uint32_t gen)
{
    struct job *job = &s->jobs[j];
    if (job->gen != gen)
        return;
    struct service_rt *svc = &s->services[job->service];
    if (svc->cfg->error_rate > 0 && rng_uniform(&svc->error_rng) < svc->cfg->error_rate) {
        finish(s, j, OUTCOME_ERROR);
        return;
    }
    continue_calls(s, j);
}

/* The caller chain above `j` has given up: everything `j` does from now on,
 * and everything its calls in flight do, is wasted. */
static void orphan(struct sim *s, uint32_t j)
{
    while (j != NO_INDEX && !s->jobs[j].orphaned) {
        struct job *job = &s->jobs[j];
        job->orphaned = true;
        if (job->working) { /* its worker's time is waste from now on */
            struct service_rt *svc = &s->services[job->service];
            service_integrate(svc, s->now);
            svc->orphan_busy++;
        }
        j = job->child;
    }
}

void service_on_call_timeout(struct sim *s, uint32_t j, uint32_t gen)
{
    struct job *job = &s->jobs[j];
    if (job->gen != gen || job->caller_gone)
        return;
    job->caller_gone = true;
    orphan(s, j);
    if (job->caller_is_job)
        s->jobs[job->caller].child = NO_INDEX;
    deliver(s, job->caller, job->caller_is_job, OUTCOME_TIMEOUT);
}
