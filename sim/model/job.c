/* A job: one request at one service, from the moment its caller sends it
 * to the moment its reply reaches the caller or nobody is left to read it.
 *
 * service.c does a job's work (queue, worker, admission, faults); this file
 * keeps its life: allocation, its outcome and reply (over the network when
 * there is one), and what happens when its caller stops listening (a
 * timeout, an abandoned or cancelled call): the job goes on but is
 * orphaned, its work and everything below it counted as late from then
 * (and, its answer never read, all of it as waste: waste.c). */
#include "../base/check.h"
#include "pool.h"
#include "sim_internal.h"

static uint32_t job_alloc(struct sim *s)
{
    uint32_t j;
    POOL_TAKE(s->jobs, s->job_cap, s->job_free, j);
    POOL_SIDE_FIT(s->job_rare, s->job_rare_cap, s->job_cap); /* read only where valid */
    return j;
}

static void job_free(struct sim *s, uint32_t j)
{
    SIM_ASSERT(!s->jobs[j].seen_by); /* its caller stopped counting it first */
    waste_settle(s, &s->jobs[j].credits, true); /* its answer never got through */
    rec_unref(s, s->jobs[j].rec);
    s->jobs[j].rec = NO_INDEX;
    struct policy *pool = s->jobs[j].holds_pool ? job_rare_of(s, j)->pool : NULL;
    s->jobs[j].holds_pool = false;
    POOL_GIVE(s->jobs, s->job_free, j);
    if (pool) /* the attempt has really ended: its thread is free (after the pool
                 has the job back: the woken call may need a job) */
        call_thread_freed(s, pool);
}

uint32_t job_new(struct sim *s, const struct attempt_spec *a)
{
    uint32_t j = job_alloc(s); /* may move the pool */
    struct job *job = &s->jobs[j];
    job->service = a->service;
    job->instance = NO_INDEX; /* until it reaches one */
    job->call = a->call;
    job->operation = (uint16_t)a->operation;
    job->caller_gone = false;
    job->child = NO_INDEX;
    job->orphaned = a->orphaned;
    job->degraded = job->fell_back = job->spawning = job->after_calls = job->limited = job->running = false;
    job->rec = a->rec;
    if (job->rec != NO_INDEX)
        s->recs[job->rec].refs++;
    job->keyed = a->keyed;
    job->edge = a->edge;
    job->cache_key = NO_INDEX;
    job->holds_pool = false;
    job->seen_by = NULL;
    job->status = STATUS_NONE;
    job->sent_at = s->now;
    job->deadline = a->deadline;
    job->inherited = a->inherited;
    job->credits = CREDITS_NONE;
    return j;
}

/* Whether the job holds one of its instance's workers. */
static bool holds_worker(const struct job *job)
{
    return job->state == JOB_WORKING || job->state == JOB_CALLING || job->state == JOB_PARKED;
}

void job_release(struct sim *s, uint32_t j)
{
    s->jobs[j].state = JOB_FREE;
    job_free(s, j);
}

void job_orphan(struct sim *s, uint32_t j)
{
    /* The caller chain above `j` has given up: everything `j` does from now
     * on, and everything its calls in flight do, is late work. */
    struct job *job = &s->jobs[j];
    if (job->orphaned)
        return;
    job->orphaned = true;
    if (holds_worker(job)) {
        struct service_rt *svc = &s->services[job->service];
        service_integrate_late(svc, s->now);
        svc->orphan_busy++;
    }
    for (uint32_t c = job->child; c != NO_INDEX; c = s->calls[c].sibling)
        call_orphan(s, c);
}

/* A job that was lost on the way, or whose reply was, has nothing left to
 * wait for once its caller stops listening. */
static void release_if_lost(struct sim *s, uint32_t j)
{
    if (s->jobs[j].state == JOB_SWALLOWED || s->jobs[j].state == JOB_REPLY_LOST)
        job_release(s, j);
}

void job_caller_timed_out(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    SIM_ASSERT(!job->caller_gone);
    job_unsee(s, j); /* Envoy's active requests end at the timeout */
    job->caller_gone = true;
    /* to the caller's outlier detector, a timeout is a failure there */
    health_on_result(s, j, true);
    job_orphan(s, j);
    release_if_lost(s, j);
}

void job_caller_left(struct sim *s, uint32_t j, bool cancelled)
{
    struct job *job = &s->jobs[j];
    job_unsee(s, j);
    job->caller_gone = true;
    if (cancelled && job->deadline > s->now) /* a cancelled RPC's deadline is now */
        job->deadline = s->now;
    job_orphan(s, j);
    release_if_lost(s, j);
}

/* Hands the outcome to the job's call and recycles the job. */
static void reply_now(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    const struct service_rt *svc = &s->services[job->service];
    if (job->cache_key != NO_INDEX && outcome_is_success(outcome)) /* cache-aside fill */
        cache_fill(&s->services[job->service].cache, job->cache_key, s->now);
    uint32_t ci = job->call;
    if (outcome_is_success(outcome)) /* its work now rests on the call's fate */
        waste_pass(s, &job->credits, &s->calls[ci].credits);
    sim_time retry_after = outcome == OUTCOME_REJECTED || outcome == OUTCOME_SHED
                               ? svc->cfg->retry_after_ns /* a refusal's Retry-After, if any */
                               : 0;
    unsigned status = job->status ? job->status : outcome_default_status(outcome);
    job_unsee(s, j);
    job_release(s, j);
    call_on_reply(s, ci, j, outcome, status, retry_after);
}

/* The job is over: free its worker, send the reply if anyone listens (over
 * the network when there is one), recycle the job once nothing refers to it. */
void job_finish(struct sim *s, uint32_t j, enum outcome outcome)
{
    struct job *job = &s->jobs[j];
    if (outcome == OUTCOME_OK && job->fell_back) /* a fallback answer inside is not a real one */
        outcome = OUTCOME_FALLBACK;
    else if (outcome == OUTCOME_OK && job->degraded)
        outcome = OUTCOME_DEGRADED;
    if (job->child != NO_INDEX)
        steps_abandon(s, j); /* calls still out: nobody will read them */
    job = &s->jobs[j];
    bool held = holds_worker(job);
    job->state = JOB_FREE;
    service_job_done(s, j, outcome, held); /* may start other jobs and end more calls */
    job = &s->jobs[j];
    if (job->caller_gone) {
        job_free(s, j);
        return;
    }
    sim_time delay = 0;
    if (job->edge && !edge_cross(job->edge, &delay)) {
        job->state = JOB_REPLY_LOST; /* the caller's timeout will free it */
        s->services[job->service].stats.lost++;
        return;
    }
    if (delay > 0) {
        job->state = JOB_REPLYING;
        job->reply_outcome = (uint8_t)outcome;
        eventq_push(s->q, s->now + delay, EV_REPLY_IN, j, job->gen);
        return;
    }
    reply_now(s, j, outcome);
}

void job_on_reply_in(struct sim *s, uint32_t j, uint32_t gen)
{
    struct job *job = &s->jobs[j];
    if (job->gen != gen || job->state != JOB_REPLYING)
        return;
    if (job->caller_gone) { /* it timed out while the reply was on its way */
        job_release(s, j);
        return;
    }
    reply_now(s, j, (enum outcome)job->reply_outcome);
}
