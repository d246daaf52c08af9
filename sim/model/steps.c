/* A job's calls: steps made one after another, each step one call or a
 * parallel group that waits for all of its calls, the first success, or a
 * quorum of successes. Each call is a logical call (call.c) with its own
 * retries. Calls still in flight when a step is decided (the losers of a
 * race, the rest after a failure) are abandoned: their callers are gone
 * and what they still do is wasted. An optional call's failure
 * leaves the reply degraded instead of failed (graceful degradation). */
#include <stddef.h>

#include "../base/check.h"
#include "sim_internal.h"

static void step_begin(struct sim *s, uint32_t j);

void steps_start(struct sim *s, uint32_t j)
{
    s->jobs[j].step = 0;
    step_begin(s, j);
}

void steps_unlink(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    SIM_ASSERT(c->caller_is_job);
    uint32_t *job_child = &s->jobs[c->caller].child;
    if (c->sibling_prev != NO_INDEX)
        s->calls[c->sibling_prev].sibling = c->sibling;
    else if (*job_child == ci)
        *job_child = c->sibling;
    else
        return; /* not in the list (its step was abandoned) */
    if (c->sibling != NO_INDEX)
        s->calls[c->sibling].sibling_prev = c->sibling_prev;
    c->sibling = c->sibling_prev = NO_INDEX;
}

void steps_abandon(struct sim *s, uint32_t j)
{
    uint32_t ci = s->jobs[j].child;
    s->jobs[j].child = NO_INDEX;
    while (ci != NO_INDEX) {
        struct call *c = &s->calls[ci];
        uint32_t next = c->sibling;
        /* out of the list before it goes: what abandoning it frees must
         * not reach back into calls already abandoned */
        c->sibling = c->sibling_prev = NO_INDEX;
        call_abandon(s, ci);
        ci = next;
    }
}

/* Decides the current step once its results allow: on to the next step, or
 * the job fails. */
static void step_evaluate(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    const struct service_cfg *cfg = s->services[job->service].cfg;
    const struct call_step *st = &cfg->steps[cfg->operations[job->operation].step_first + job->step];
    bool ok = false, fail = false;
    switch (st->wait) {
    case WAIT_ALL:
        fail = job->failed > 0; /* like Promise.all: the first failure decides */
        ok = !fail && job->pending == 0;
        break;
    case WAIT_FIRST:
        ok = job->ok >= 1;
        fail = !ok && job->pending == 0;
        break;
    case WAIT_QUORUM:
        ok = job->ok >= st->quorum;
        fail = !ok && job->ok + job->pending < st->quorum;
        break;
    }
    if (!ok && !fail)
        return;
    if (job->child != NO_INDEX)
        steps_abandon(s, j);
    if (fail) {
        job_finish(s, j, OUTCOME_ERROR); /* a failed dependency fails the request */
        return;
    }
    s->jobs[j].step++;
    step_begin(s, j);
}

static void step_begin(struct sim *s, uint32_t j)
{
    const struct service_cfg *cfg = s->services[s->jobs[j].service].cfg;
    const struct operation_cfg *op = &cfg->operations[s->jobs[j].operation];
    if (s->jobs[j].step == op->step_count) {
        service_after_calls(s, j);
        return;
    }
    const struct call_step *st = &cfg->steps[op->step_first + s->jobs[j].step];
    struct job *job = &s->jobs[j];
    job->state = JOB_CALLING;
    job->pending = job->ok = job->failed = 0;
    job->spawning = true; /* a call may fail at once: count it, decide after */
    for (uint32_t k = st->first; k < st->first + st->count; k++) {
        const struct call_cfg *call = &cfg->calls[k];
        struct service_rt *svc = &s->services[s->jobs[j].service];
        if (call->probability < 1 && rng_uniform(&svc->call_rng) >= call->probability) {
            s->jobs[j].ok++; /* not made this time: nothing to wait for */
            continue;
        }
        s->jobs[j].pending++;
        struct edge_rt *edge = &svc->call_edges[k];
        /* call_begin may grow the pools: no job pointer survives it */
        uint32_t process = s->jobs[j].instance;
        call_begin(s, &(struct call_from){.caller = j, .is_job = true, .process = process,
                                          .user = NO_INDEX},
                   call->service, call->operation, proc_policy(&svc->call_pols[k], process), edge,
                   call->optional, s->jobs[j].inherited);
    }
    s->jobs[j].spawning = false;
    step_evaluate(s, j);
}

void steps_on_result(struct sim *s, uint32_t j, enum outcome outcome, bool optional)
{
    struct job *job = &s->jobs[j];
    job->pending--;
    if (outcome_is_success(outcome) || optional) {
        job->ok++;
        if (outcome == OUTCOME_FALLBACK)
            job->fell_back = true;
        else if (outcome != OUTCOME_OK)
            job->degraded = true;
    } else {
        job->failed++;
    }
    if (job->spawning)
        return;
    if (s->services[job->service].inst[job->instance].st.paused) {
        job->state = JOB_PARKED; /* the process is frozen: it reads this later */
        return;
    }
    step_evaluate(s, j);
}

void steps_resume(struct sim *s, uint32_t j)
{
    s->jobs[j].state = JOB_CALLING;
    step_evaluate(s, j);
}
