/* A logical call across its attempts: the adapter that executes what the
 * call state machine (policy/call_sm.h) decides.
 *
 * The machine decides when to send, wait, retry, hedge, refuse and
 * deliver; this file does it in the simulation: it owns the call slot,
 * sends attempts as jobs through the service, arms and fires each attempt's
 * timeout and the call's one timer on the event queue, turns the machine's
 * breaker and budget changes into events, hands freed bulkhead slots to the
 * waiting call, and hands the outcome to the caller (a client's request or
 * a job's step). A timeout stops the caller waiting; the callee is not told
 * and goes on (its work is then waste). */
#include <stddef.h>

#include "../base/check.h"
#include "pool.h"
#include "sim_internal.h"

static uint32_t call_alloc(struct sim *s)
{
    uint32_t c;
    POOL_TAKE(s->calls, s->call_cap, s->call_free, c);
    POOL_SIDE_FIT(s->earlier, s->earlier_cap, s->call_cap); /* read only below earlier_count */
    return c;
}

static struct earlier_attempts *earlier_of(struct sim *s, uint32_t ci)
{
    SIM_ASSERT(ci < s->earlier_cap);
    return &s->earlier[ci];
}

static void call_free(struct sim *s, uint32_t c)
{
    waste_settle(s, &s->calls[c].credits, true); /* abandoned, or failed */
    rec_unref(s, s->calls[c].rec);
    s->calls[c].rec = NO_INDEX;
    POOL_GIVE(s->calls, s->call_free, c);
}

static uint64_t owner_of(const struct sim *s, uint32_t ci)
{
    return (uint64_t)s->calls[ci].gen << 32 | ci;
}

static void run(struct sim *s, uint32_t ci, const struct call_effects *fx);

/* ---- attempts out ---- */

/* The attempt's caller is gone: it goes on for nobody (or is dropped by a
 * server that drops expired work, as a cancelled RPC would be). */
static void let_go(struct sim *s, uint32_t j, struct timer_handle *timeout, bool cancelled)
{
    eventq_cancel(s->q, *timeout);
    *timeout = (struct timer_handle){0, 0};
    job_caller_left(s, j, cancelled);
}

static void let_go_all(struct sim *s, uint32_t ci, bool cancelled)
{
    struct call *c = &s->calls[ci];
    if (c->attempt != NO_INDEX)
        let_go(s, c->attempt, &c->attempt_timeout, cancelled), c->attempt = NO_INDEX;
    struct earlier_attempts *e = earlier_of(s, ci);
    for (uint32_t i = 0; i < c->earlier_count; i++)
        let_go(s, e->job[i], &e->timeout[i], cancelled);
    c->earlier_count = 0;
}

/* Takes an ended attempt out of the set the call has out, disarming its
 * timeout (a no-op when that is what fired). */
static void forget_attempt(struct sim *s, uint32_t ci, uint32_t j)
{
    struct call *c = &s->calls[ci];
    if (c->attempt == j) {
        eventq_cancel(s->q, c->attempt_timeout);
        c->attempt = NO_INDEX;
        return;
    }
    struct earlier_attempts *e = earlier_of(s, ci);
    for (uint32_t i = 0; i < c->earlier_count; i++)
        if (e->job[i] == j) {
            eventq_cancel(s->q, e->timeout[i]);
            c->earlier_count--;
            e->job[i] = e->job[c->earlier_count];
            e->timeout[i] = e->timeout[c->earlier_count];
            return;
        }
    SIM_BUG("an attempt answered a call that does not have it out");
}

void call_cannot_connect(struct sim *s, uint32_t j)
{
    const struct job *job = &s->jobs[j];
    struct call *c = &s->calls[job->call];
    const struct policy *p = c->sm.pol;
    if (!p || p->cfg->connect_timeout_ns <= 0)
        return;
    sim_time at = job->sent_at + p->cfg->connect_timeout_ns;
    at = at > s->now ? at : s->now;
    struct timer_handle *t = NULL; /* the timer of this attempt, the latest or a hedged one */
    if (c->attempt == j)
        t = &c->attempt_timeout;
    struct earlier_attempts *e = earlier_of(s, job->call);
    for (uint32_t i = 0; !t && i < c->earlier_count; i++)
        if (e->job[i] == j)
            t = &e->timeout[i];
    SIM_ASSERT(t); /* a job being sent is one of its call's attempts */
    if (job->deadline <= at) /* its own timeout comes first anyway */
        return;
    eventq_cancel(s->q, *t);
    *t = eventq_arm(s->q, s->now, at - s->now, EV_CALL_TIMEOUT, j, job->gen);
}

/* One attempt goes out as a job at the callee, with its timeout armed
 * before anything can answer it. */
static void send_attempt(struct sim *s, uint32_t ci, sim_time timeout, sim_time deadline)
{
    struct call *c = &s->calls[ci];
    uint32_t gen = c->gen;
    const struct policy *p = c->sm.pol;
    bool from_client = !c->caller_is_job;
    uint32_t from = NO_INDEX; /* who is calling matters only to an active partition */
    if (s->partitions_active)
        from = c->caller_is_job ? s->jobs[c->caller].service : c->caller;
    struct attempt_spec a = {
        .service = c->service,
        .call = ci,
        .operation = c->operation,
        .rec = c->rec,
        .orphaned = c->orphaned,
        .keyed = c->rec != NO_INDEX && p->cfg->idempotency.present,
        .edge = c->edge->cfg ? c->edge : NULL, /* the job crosses only a network */
        .deadline = timeout > 0 ? s->now + timeout : SIM_TIME_NEVER,
        .inherited = deadline,
    };
    uint32_t j = job_new(s, &a); /* may move the job pool */
    c = &s->calls[ci];
    SIM_ASSERT(c->attempt == NO_INDEX);
    c->attempt = j;
    c->attempt_timeout = (struct timer_handle){0, 0};
    if (timeout > 0)
        c->attempt_timeout = eventq_arm(s->q, s->now, timeout, EV_CALL_TIMEOUT, j, s->jobs[j].gen);
    service_take_request(s, j, from_client, from); /* may end the attempt, or the call, at once */
    c = &s->calls[ci];
    if (c->gen == gen && c->attempt == j) {
        struct call_effects fx;
        call_effects_clear(&fx);
        call_sm_sent(&c->sm, s->now, &fx);
        run(s, ci, &fx);
    }
}

/* ---- the end of a call ---- */

/* Hands the outcome to the caller and frees the call. */
static void deliver(struct sim *s, uint32_t ci, enum outcome outcome)
{
    struct call *c = &s->calls[ci];
    if (c->caller_is_job)
        steps_unlink(s, ci);
    if (c->attempt != NO_INDEX || c->earlier_count) /* hedges still out: nobody will read them */
        let_go_all(s, ci, true);
    c = &s->calls[ci];
    uint32_t caller = c->caller;
    bool caller_is_job = c->caller_is_job, optional = c->optional;
    edge_on_call_end(c->edge, outcome, s->now - c->sm.started, c->sm.attempts);
    eventq_cancel(s->q, c->timer);
    if (!caller_is_job) { /* a client's request: its credits are settled there */
        client_request_done(s, ci, outcome);
        call_free(s, ci);
        return;
    }
    if (outcome_is_success(outcome)) /* the work behind the answer now rests on the caller */
        waste_pass(s, &c->credits, &s->jobs[caller].credits);
    call_free(s, ci);
    steps_on_result(s, caller, outcome, optional);
}

static void wake(struct sim *s, uint64_t owner);

void call_thread_freed(struct sim *s, struct policy *p)
{
    uint64_t owner;
    if (policy_release_slot(p, &owner))
        wake(s, owner);
}

/* A freed bulkhead slot goes to the waiting call `owner`. */
static void wake(struct sim *s, uint64_t owner)
{
    uint32_t w = (uint32_t)owner;
    SIM_ASSERT(w < s->call_cap && s->calls[w].gen == (uint32_t)(owner >> 32));
    struct call_effects fx;
    call_effects_clear(&fx);
    call_sm_on_slot(&s->calls[w].sm, s->now, &fx);
    run(s, w, &fx);
}

/* Executes the machine's side effects, in order. */
static void run_side_effects(struct sim *s, uint32_t ci, const struct call_effects *fx)
{
    for (uint32_t i = 0; i < fx->count; i++) {
        const struct call_effect *e = &fx->fx[i];
        struct call *c = &s->calls[ci];
        const struct policy *p = c->sm.pol;
        switch (e->kind) {
        case CALL_FX_BREAKER:
            sim_emit(s, policy_breaker_event(e->transition), p->label, p->cfg->name);
            break;
        case CALL_FX_BUDGET:
            sim_emit(s, e->dry ? "budget_exhausted" : "budget_available", p->label, p->cfg->name);
            break;
        case CALL_FX_WAKE:
            wake(s, e->owner);
            break;
        case CALL_FX_CANCEL_TIMER:
            eventq_cancel(s->q, c->timer);
            c->timer = (struct timer_handle){0, 0};
            break;
        case CALL_FX_WAIT:
            eventq_cancel(s->q, c->timer);
            c->timer = eventq_arm(s->q, s->now, e->delay, EV_CALL_RESUME, ci, c->gen);
            break;
        case CALL_FX_HEDGE: /* the latest attempt joins the earlier ones still out */
            if (c->attempt != NO_INDEX) {
                struct earlier_attempts *earlier = earlier_of(s, ci);
                SIM_ASSERT(c->earlier_count < MAX_HEDGED);
                earlier->job[c->earlier_count] = c->attempt;
                earlier->timeout[c->earlier_count++] = c->attempt_timeout;
                c->attempt = NO_INDEX;
            }
            break;
        case CALL_FX_CANCEL_ATTEMPTS:
            let_go_all(s, ci, true);
            break;
        case CALL_FX_NONE:
        case CALL_FX_SEND:
        case CALL_FX_DELIVER:
            SIM_BUG("a call's next step among its side effects");
        }
    }
}

/* Executes what the machine asked for: its side effects, then its next
 * step. Inline, so that a plain call's steps (no side effects, a known
 * next step) compile to the step alone. */
static inline void run(struct sim *s, uint32_t ci, const struct call_effects *fx)
{
    if (fx->count)
        run_side_effects(s, ci, fx);
    switch (fx->next.kind) {
    case CALL_FX_SEND:
        send_attempt(s, ci, fx->next.timeout, fx->next.deadline);
        break;
    case CALL_FX_DELIVER:
        deliver(s, ci, fx->next.outcome);
        break;
    default:
        break;
    }
}

/* ---- the entry points ---- */

void call_begin(struct sim *s, const struct call_from *from, uint32_t service, uint32_t operation,
                struct policy *pol, struct edge_rt *edge, bool optional, sim_time inherited)
{
    uint32_t caller = from->caller;
    bool caller_is_job = from->is_job;
    operation = service_pick_operation(s, service, operation); /* before the pool moves */
    uint32_t ci = call_alloc(s); /* may move the pool: fetch pointers after */
    struct call *c = &s->calls[ci];
    c->caller = caller;
    c->caller_is_job = caller_is_job;
    c->service = service;
    c->operation = operation;
    c->optional = optional;
    c->edge = edge;
    c->attempt = NO_INDEX;
    c->earlier_count = 0;
    c->timer = c->attempt_timeout = (struct timer_handle){0, 0};
    c->orphaned = caller_is_job && s->jobs[caller].orphaned;
    c->process = from->process;
    c->user = from->user;
    c->credits = CREDITS_NONE;
    c->rec = NO_INDEX;
    if (pol && pol->cfg->retry.max_attempts > 1) /* it may execute twice: keep count */
        c->rec = rec_alloc(s);
    c = &s->calls[ci];
    c->sibling = c->sibling_prev = NO_INDEX;
    if (caller_is_job) { /* into the parent's list of calls in flight, at its head */
        uint32_t head = s->jobs[caller].child;
        c->sibling = head;
        if (head != NO_INDEX)
            s->calls[head].sibling_prev = ci;
        s->jobs[caller].child = ci;
    }
    edge->stats.calls++;
    struct call_effects fx;
    call_effects_clear(&fx);
    call_sm_begin(&c->sm, pol, &edge->stats.counts, owner_of(s, ci), s->now, inherited, &fx);
    run(s, ci, &fx);
}

void call_on_reply(struct sim *s, uint32_t ci, uint32_t j, enum outcome outcome,
                   unsigned status, sim_time retry_after)
{
    struct call *c = &s->calls[ci];
    forget_attempt(s, ci, j);
    edge_on_attempt_end(c->edge, outcome);
    struct call_effects fx;
    call_effects_clear(&fx);
    call_sm_on_result(&c->sm, s->now, outcome, status, retry_after, &fx);
    run(s, ci, &fx);
}

void call_on_attempt_timeout(struct sim *s, uint32_t j, uint32_t gen)
{
    struct job *job = &s->jobs[j];
    if (job->gen != gen || job->caller_gone)
        return;
    uint32_t ci = job->call;
    if (call_sm_hand_over_slot(&s->calls[ci].sm)) /* the thread waits for the callee */
        job_hold_pool(s, j, s->calls[ci].sm.pol);
    job_caller_timed_out(s, j);
    call_on_reply(s, ci, j, OUTCOME_TIMEOUT, STATUS_NONE, 0);
}

void call_on_resume(struct sim *s, uint32_t ci, uint32_t gen)
{
    struct call *c = &s->calls[ci];
    if (c->gen != gen)
        return;
    c->timer = (struct timer_handle){0, 0};
    struct call_effects fx;
    call_effects_clear(&fx);
    call_sm_on_timer(&c->sm, s->now, &fx);
    run(s, ci, &fx);
}

void call_orphan(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    if (c->orphaned)
        return;
    c->orphaned = true;
    if (c->attempt != NO_INDEX)
        job_orphan(s, c->attempt);
    for (uint32_t i = 0; i < c->earlier_count; i++)
        job_orphan(s, earlier_of(s, ci)->job[i]);
}

void call_abandon(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    eventq_cancel(s->q, c->timer);
    if (c->attempt != NO_INDEX && call_sm_hand_over_slot(&c->sm))
        job_hold_pool(s, c->attempt, c->sm.pol);
    let_go_all(s, ci, false); /* the attempts go on, for nobody */
    struct call_effects fx;
    call_effects_clear(&fx);
    call_sm_abandon(&s->calls[ci].sm, s->now, &fx);
    for (uint32_t i = 0; i < fx.count; i++)
        SIM_ASSERT(fx.fx[i].kind == CALL_FX_WAKE); /* nothing else is left to do */
    SIM_ASSERT(fx.next.kind == CALL_FX_NONE);
    run(s, ci, &fx);
    call_free(s, ci);
}

sim_time call_idempotency_retention(const struct sim *s, uint32_t ci)
{
    return s->calls[ci].sm.pol->cfg->idempotency.retention_ns;
}
