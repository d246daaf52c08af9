/* A logical call across its attempts: the resilience policy at work.
 *
 * The composition, outermost first, is the usual one:
 *   fallback -> circuit breaker -> retry (with its budget) -> adaptive
 *   throttle -> bulkhead -> rate limit -> timeout around each attempt,
 * with an overall deadline across attempts that is propagated to the calls
 * below (gRPC). A policy's `order` may put the breaker inside the retry, so
 * that every attempt asks it (resilience4j's Retry(CircuitBreaker(...))).
 *
 * An attempt passes the per-attempt stages in order; a stage that has to
 * wait (a backoff, a bulkhead slot, a rate limiter's permit, a fallback's
 * latency) arms one timer and records where to go on (call->stage). Its
 * result comes back to attempt_result, is reported to the breaker,
 * the budget and the throttle, and is retried after a backoff or handed to
 * the caller.
 *
 * A hedging policy (gRPC: a policy hedges or retries, never both) sends
 * another attempt each time the hedging delay passes without an answer, up
 * to max_hedged more; the first success wins and the others are cancelled
 * (their callers gone: a server that drops expired work drops them, others
 * finish them as waste); the call fails when every attempt has failed. */
#include <stddef.h>

#include "../base/check.h"
#include "sim_internal.h"

static void attempt_result(struct sim *s, uint32_t ci, enum outcome outcome);
static void attempt(struct sim *s, uint32_t ci);
static void release_slot(struct sim *s, struct call *c);
static void cancel_attempt(struct sim *s, uint32_t j, bool cancelled);
static void cancel_earlier(struct sim *s, struct call *c);

/* ---- counting, on the caller's traffic or on the calling service ---- */

static uint64_t *policy_counts(struct sim *s, const struct call *c)
{
    if (c->caller_is_job)
        return s->services[s->jobs[c->caller].service].stats.policy_out;
    return s->clients[s->requests[c->caller].client].stats.policy;
}

static void count(struct sim *s, const struct call *c, enum policy_count what)
{
    policy_counts(s, c)[what]++;
}

static void count_sent(struct sim *s, const struct call *c, bool retry)
{
    if (c->caller_is_job) {
        s->services[s->jobs[c->caller].service].stats.retries_out += retry;
        return;
    }
    struct traffic *t = &s->clients[s->requests[c->caller].client].stats;
    t->attempts++;
    t->retries += retry;
}

static void breaker_event(struct sim *s, struct policy_rt *p, enum breaker_transition t)
{
    static const char *const kinds[] = {NULL, "breaker_opened", "breaker_half_open",
                                         "breaker_closed"};
    if (t == BREAKER_NO_CHANGE)
        return;
    if (t == BREAKER_OPENED) {
        if (p->open_since == SIM_TIME_NEVER)
            p->open_since = s->now;
        p->opened++;
    } else if (p->open_since != SIM_TIME_NEVER) { /* half-open or closed: no longer open */
        p->open_total_ns += (double)(s->now - p->open_since);
        p->open_since = SIM_TIME_NEVER;
    }
    sim_emit(s, kinds[t], p->label, p->cfg->name);
}

/* Arms the call's one pending wait: `stage` is where it goes on. */
static void wait_then(struct sim *s, uint32_t ci, sim_time delay, enum call_stage stage)
{
    struct call *c = &s->calls[ci];
    c->stage = (uint8_t)stage;
    c->retry_timer = eventq_arm(s->q, s->now, delay, EV_CALL_RESUME, ci, c->gen);
}

/* ---- the end of a call ---- */

/* Hands the outcome to the caller and frees the call. */
static void deliver(struct sim *s, uint32_t ci, enum outcome outcome)
{
    calls_unlink(s, ci);
    struct call *c = &s->calls[ci];
    if (c->attempt != NO_INDEX) /* hedged attempts still out: nobody will read them */
        cancel_attempt(s, c->attempt, true), c->attempt = NO_INDEX;
    cancel_earlier(s, c);
    if (c->holds_slot) /* a bulkhead outside the retry holds its slot until now */
        release_slot(s, c);
    uint32_t caller = c->caller;
    bool caller_is_job = c->caller_is_job, optional = c->optional;
    eventq_cancel(s->q, c->retry_timer);
    call_free(s, ci);
    if (caller_is_job)
        calls_on_result(s, caller, outcome, optional);
    else
        request_on_reply(s, caller, outcome);
}

/* The call's final outcome, seen by the layers outside the retry: the
 * breaker (unless it sits inside) and the fallback. */
static void finish(struct sim *s, uint32_t ci, enum outcome outcome)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    if (p && p->cfg->has_breaker && !p->cfg->breaker_inside_retry && c->admitted)
        breaker_event(s, p, breaker_record(&c->pol->breaker, s->now, c->breaker_gen,
                                           !outcome_is_success(outcome), s->now - c->started));
    if (p && p->cfg->has_fallback && !outcome_is_success(outcome)) {
        count(s, c, PC_FALLBACKS);
        c->failure = (uint8_t)outcome;
        if (p->cfg->fallback_ns > 0) {
            wait_then(s, ci, p->cfg->fallback_ns, STAGE_FALLBACK);
            return;
        }
        outcome = OUTCOME_FALLBACK;
    }
    deliver(s, ci, outcome);
}

/* ---- the bulkhead ---- */

/* The attempt gives its slot back; the oldest waiter, if any, takes it. */
static void release_slot(struct sim *s, struct call *c)
{
    struct policy_rt *p = c->pol;
    c->holds_slot = false;
    if (!bulkhead_release(&p->bulkhead))
        return;
    uint32_t w = policy_waiter_pop(p, s);
    SIM_ASSERT(w != NO_INDEX); /* the bulkhead counted a waiter the queue does not have */
    struct call *waiter = &s->calls[w];
    waiter->waiting_slot = false;
    waiter->holds_slot = true;
    eventq_cancel(s->q, waiter->retry_timer); /* its max_wait timer */
    wait_then(s, w, 0, STAGE_BULKHEAD);
}

/* ---- an attempt, stage by stage ---- */

static void send(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    /* a timeout placed outside the retry is part of the deadline instead */
    sim_time timeout = p && !(p->cfg->outer & OUTER_TIMEOUT) ? p->cfg->timeout_ns : 0;
    if (c->deadline != SIM_TIME_NEVER) {
        sim_time left = c->deadline - s->now;
        if (left <= 0) { /* the waits used up the deadline: never sent */
            finish(s, ci, OUTCOME_TIMEOUT);
            return;
        }
        if (!timeout || left < timeout)
            timeout = left;
    }
    count_sent(s, c, c->attempts > 1 && !(p && p->cfg->has_hedge));
    if (p && p->cfg->budget.kind == BUDGET_CONCURRENCY)
        conc_budget_request_started(&p->conc);
    c->sent = true;
    c->attempt_started = s->now;
    uint32_t gen = c->gen; /* the attempt may end the call at once */
    /* The attempt's own calls inherit the deadline (gRPC propagation); a
     * plain per-attempt timeout is the caller's business and is not. */
    service_send(s, ci, timeout, c->deadline); /* sets c->attempt, which may end at once */
    c = &s->calls[ci];
    if (p && p->cfg->has_hedge && c->gen == gen && c->attempt != NO_INDEX &&
        c->hedges_sent < p->cfg->max_hedged) {
        sim_time delay = p->cfg->hedge_delay_ns;
        if (p->latency && p->latency->count >= 100) /* enough seen to trust the percentile */
            delay = histogram_percentile(p->latency, p->cfg->hedge_percentile);
        wait_then(s, ci, delay, STAGE_HEDGE);
    }
}

/* A limiter refused: before the first attempt (a limiter placed outside
 * the retry) the call fails; after it, the attempt fails and the retry
 * decides. */
static void refused(struct sim *s, uint32_t ci, enum policy_count what)
{
    count(s, &s->calls[ci], what);
    if (s->calls[ci].attempts == 0)
        finish(s, ci, OUTCOME_THROTTLED);
    else
        attempt_result(s, ci, OUTCOME_THROTTLED);
}

enum limiter { LIM_THROTTLE, LIM_BULKHEAD, LIM_RATE, LIM_DONE };

/* The limiters on this side of the retry, from `from` on: once for the
 * call before its first attempt (those `order` puts outside the retry),
 * then for each attempt (the others); then the attempt starts, or goes out.
 * A limiter that has to wait arms the call's timer and resumes here. */
static void run_limiters(struct sim *s, uint32_t ci, enum limiter from)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    const struct policy_cfg *cfg = p->cfg;
    bool outer = c->attempts == 0;
    for (enum limiter step = from; step < LIM_DONE; step++) {
        switch (step) {
        case LIM_THROTTLE:
            if (!cfg->has_throttle || outer != ((cfg->outer & OUTER_THROTTLE) != 0))
                break;
            if (!sre_throttle_admit(&p->throttle, s->now, rng_uniform(&p->rng))) {
                refused(s, ci, PC_ADAPTIVE_THROTTLED);
                return;
            }
            break;
        case LIM_BULKHEAD: {
            if (!cfg->has_bulkhead || outer != ((cfg->outer & OUTER_BULKHEAD) != 0))
                break;
            bool must_wait;
            if (bulkhead_try_acquire(&p->bulkhead, &must_wait)) {
                c->holds_slot = true;
            } else if (must_wait) {
                c->waiting_slot = true;
                policy_waiter_push(p, s, ci);
                wait_then(s, ci, cfg->bulkhead_wait_ns, STAGE_REFUSE);
                return;
            } else {
                refused(s, ci, PC_BULKHEAD_REJECTED);
                return;
            }
            break;
        }
        case LIM_RATE:
            if (outer != ((cfg->outer & OUTER_RATE_LIMIT) != 0))
                break;
            if (cfg->rate_limit.kind == RATE_LIMIT_TOKEN_BUCKET &&
                !token_bucket_take(&p->bucket, s->now)) {
                refused(s, ci, PC_RATE_LIMITED);
                return;
            }
            if (cfg->rate_limit.kind == RATE_LIMIT_FIXED_WINDOW) {
                sim_time wait = fixed_window_acquire(&p->window, s->now);
                if (wait < 0) { /* resilience4j makes the caller wait its timeout first */
                    wait_then(s, ci, cfg->rate_limit.timeout_ns, STAGE_REFUSE);
                    return;
                }
                if (wait > 0) {
                    wait_then(s, ci, wait, STAGE_SEND);
                    return;
                }
            }
            break;
        case LIM_DONE:
            break;
        }
    }
    if (outer)
        attempt(s, ci);
    else
        send(s, ci);
}

static void attempt(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    c->sent = false;
    c->attempts++;
    if (!p) {
        send(s, ci);
        return;
    }
    if (p->cfg->has_breaker && p->cfg->breaker_inside_retry) {
        enum breaker_transition t;
        c->admitted = breaker_allow(&p->breaker, s->now, &c->breaker_gen, &t);
        breaker_event(s, p, t);
        if (!c->admitted) { /* fails at once, without touching the dependency */
            count(s, c, PC_BREAKER_REJECTED);
            attempt_result(s, ci, OUTCOME_BREAKER);
            return;
        }
    }
    if (c->deadline != SIM_TIME_NEVER && c->deadline <= s->now) {
        finish(s, ci, OUTCOME_TIMEOUT); /* nothing left to try with */
        return;
    }
    run_limiters(s, ci, LIM_THROTTLE);
}

void call_begin(struct sim *s, uint32_t caller, bool caller_is_job, uint32_t service,
                struct policy_rt *pol, struct edge_rt *edge, bool optional, sim_time inherited)
{
    uint32_t ci = call_alloc(s); /* may move the pool: fetch pointers after */
    struct call *c = &s->calls[ci];
    c->caller = caller;
    c->caller_is_job = caller_is_job;
    c->service = service;
    c->optional = optional;
    c->pol = pol;
    c->edge = edge;
    c->attempt = NO_INDEX;
    c->attempts = 0;
    c->earlier_count = c->hedges_sent = 0;
    c->retry_after = 0;
    c->retrying = c->admitted = c->sent = c->holds_slot = c->waiting_slot = false;
    c->aws_taken = 0;
    c->retry_timer = (struct timer_handle){0, 0};
    c->orphaned = caller_is_job && s->jobs[caller].orphaned;
    c->started = s->now;
    c->rec = NO_INDEX;
    if (pol && pol->cfg->max_attempts > 1) /* it may execute twice: keep count */
        c->rec = rec_alloc(s);
    c = &s->calls[ci];
    c->deadline = inherited;
    if (pol && pol->cfg->deadline_ns && s->now + pol->cfg->deadline_ns < c->deadline)
        c->deadline = s->now + pol->cfg->deadline_ns;
    if (pol && (pol->cfg->outer & OUTER_TIMEOUT) && pol->cfg->timeout_ns &&
        s->now + pol->cfg->timeout_ns < c->deadline) /* a timeout around all the attempts */
        c->deadline = s->now + pol->cfg->timeout_ns;
    c->sibling = NO_INDEX;
    if (caller_is_job) { /* into the parent's list of calls in flight */
        c->sibling = s->jobs[caller].child;
        s->jobs[caller].child = ci;
    }
    if (pol) {
        backoff_begin(&c->backoff, &pol->cfg->backoff);
        if (pol->cfg->budget.kind == BUDGET_RATIO) /* each original request deposits */
            ratio_budget_deposit(&pol->ratio, s->now);
        if (pol->cfg->has_breaker && !pol->cfg->breaker_inside_retry) {
            enum breaker_transition t;
            c->admitted = breaker_allow(&pol->breaker, s->now, &c->breaker_gen, &t);
            breaker_event(s, pol, t);
            if (!c->admitted) {
                count(s, c, PC_BREAKER_REJECTED);
                finish(s, ci, OUTCOME_BREAKER);
                return;
            }
        }
        run_limiters(s, ci, LIM_THROTTLE); /* those outside the retry, then the first attempt */
        return;
    }
    attempt(s, ci);
}

/* ---- an attempt's result ---- */

static bool retryable(const struct policy_cfg *p, enum outcome o)
{
    switch (o) {
    case OUTCOME_TIMEOUT:
        return p->retry_on & RETRY_ON_TIMEOUT;
    case OUTCOME_ERROR:
        return p->retry_on & RETRY_ON_ERROR;
    case OUTCOME_REJECTED:
    case OUTCOME_SHED:
    case OUTCOME_THROTTLED:
        return p->retry_on & RETRY_ON_REJECTED;
    case OUTCOME_BREAKER:
        return p->retry_on & RETRY_ON_BREAKER;
    case OUTCOME_OK:
    case OUTCOME_DEGRADED:
    case OUTCOME_FALLBACK:
        break;
    }
    return false;
}

/* Asks the budget for one more retry (and takes it if given); a change
 * between giving and refusing is an event. */
static bool budget_allows(struct sim *s, struct call *c, enum outcome o)
{
    struct policy_rt *p = c->pol;
    bool ok = true;
    switch (p->cfg->budget.kind) {
    case BUDGET_RATIO:
        ok = ratio_budget_try_withdraw(&p->ratio, s->now);
        break;
    case BUDGET_CONCURRENCY:
        ok = c->retrying = conc_budget_try_retry(&p->conc);
        break;
    case BUDGET_GRPC:
        ok = grpc_throttle_retry_allowed(&p->grpc);
        break;
    case BUDGET_AWS:
        c->aws_taken = aws_quota_acquire(&p->aws, o == OUTCOME_TIMEOUT);
        ok = c->aws_taken > 0;
        break;
    case BUDGET_COUNT:
        ok = count_budget_try(&p->count, s->now);
        break;
    case BUDGET_NONE:
        return true;
    }
    if (ok == p->budget_dry) {
        p->budget_dry = !ok;
        sim_emit(s, ok ? "budget_available" : "budget_exhausted", p->label, p->cfg->name);
    }
    return ok;
}

/* Reports the attempt's end to the primitives that count outcomes. Only an
 * attempt that went out says anything about the dependency. */
static void record(struct sim *s, struct call *c, enum outcome o)
{
    struct policy_rt *p = c->pol;
    bool ok = outcome_is_success(o);
    if (p->cfg->has_breaker && p->cfg->breaker_inside_retry && c->admitted &&
        o != OUTCOME_BREAKER)
        breaker_event(s, p, breaker_record(&p->breaker, s->now, c->breaker_gen, !ok,
                                           s->now - c->attempt_started));
    if (c->sent && p->cfg->has_throttle && outcome_is_accept(o))
        sre_throttle_on_accept(&p->throttle, s->now);
    switch (p->cfg->budget.kind) {
    case BUDGET_GRPC:
        if (c->sent) {
            if (ok)
                grpc_throttle_on_success(&p->grpc);
            else
                grpc_throttle_on_failure(&p->grpc);
        }
        break;
    case BUDGET_AWS:
        if (ok)
            aws_quota_on_success(&p->aws, c->aws_taken);
        break;
    case BUDGET_CONCURRENCY:
        if (c->sent)
            conc_budget_request_done(&p->conc);
        if (c->retrying)
            conc_budget_retry_done(&p->conc), c->retrying = false;
        break;
    default:
        break;
    }
}

static void attempt_result(struct sim *s, uint32_t ci, enum outcome outcome)
{
    struct call *c = &s->calls[ci];
    c->attempt = NO_INDEX;
    struct policy_rt *p = c->pol;
    if (!p) {
        finish(s, ci, outcome);
        return;
    }
    if (c->holds_slot && !(p->cfg->outer & OUTER_BULKHEAD))
        release_slot(s, c);
    record(s, c, outcome);
    c->sent = false;
    if (outcome_is_success(outcome) || !retryable(p->cfg, outcome) ||
        c->attempts >= p->cfg->max_attempts) {
        finish(s, ci, outcome);
        return;
    }
    double u = rng_uniform(&p->rng);
    sim_time wait = backoff_delay(&p->cfg->backoff, &c->backoff, c->attempts, u);
    if (c->retry_after > 0 && p->cfg->honor_retry_after)
        wait = c->retry_after; /* the server said when (gRPC pushback, HTTP Retry-After) */
    c->retry_after = 0;
    if (c->deadline != SIM_TIME_NEVER && s->now + wait >= c->deadline) {
        finish(s, ci, outcome); /* the retry could not finish in time anyway */
        return;
    }
    if (!budget_allows(s, c, outcome)) {
        count(s, c, PC_SUPPRESSED);
        finish(s, ci, outcome);
        return;
    }
    wait_then(s, ci, wait, STAGE_ATTEMPT);
}

/* ---- hedging ---- */

/* The attempt's caller is gone: it goes on for nobody (or is dropped by a
 * server that drops expired work, as a cancelled RPC would be). */
static void cancel_attempt(struct sim *s, uint32_t j, bool cancelled)
{
    struct job *job = &s->jobs[j];
    eventq_cancel(s->q, job->timer);
    job->caller_gone = true;
    if (cancelled && job->deadline > s->now)
        job->deadline = s->now;
    job_orphan(s, j);
    if (job->state == JOB_SWALLOWED || job->state == JOB_REPLY_LOST)
        job_release(s, j);
}

static void cancel_earlier(struct sim *s, struct call *c)
{
    for (uint32_t i = 0; i < c->earlier_count; i++)
        cancel_attempt(s, c->earlier[i], true);
    c->earlier_count = 0;
}

/* Takes a finished attempt out of the hedged call's set in flight. */
static void forget_attempt(struct call *c, uint32_t j)
{
    if (c->attempt == j) {
        c->attempt = NO_INDEX;
        return;
    }
    for (uint32_t i = 0; i < c->earlier_count; i++)
        if (c->earlier[i] == j) {
            c->earlier[i] = c->earlier[--c->earlier_count];
            return;
        }
}

static void hedge_now(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    if (c->attempt != NO_INDEX)
        c->earlier[c->earlier_count++] = c->attempt;
    c->attempt = NO_INDEX;
    c->hedges_sent++;
    count(s, c, PC_HEDGES);
    attempt(s, ci);
}

static void hedged_reply(struct sim *s, uint32_t ci, uint32_t j, enum outcome outcome)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    forget_attempt(c, j);
    if (outcome_is_success(outcome)) { /* the first answer wins */
        if (p->latency)
            histogram_record(p->latency, s->now - c->started);
        if (c->attempt != NO_INDEX)
            cancel_attempt(s, c->attempt, true), c->attempt = NO_INDEX;
        cancel_earlier(s, c);
        finish(s, ci, outcome);
        return;
    }
    if (c->attempt != NO_INDEX || c->earlier_count)
        return; /* another attempt may still answer */
    if (c->hedges_sent < p->cfg->max_hedged) { /* gRPC: a failure sends the next at once */
        eventq_cancel(s->q, c->retry_timer);
        hedge_now(s, ci);
        return;
    }
    finish(s, ci, outcome);
}

void call_on_reply(struct sim *s, uint32_t ci, uint32_t j, enum outcome outcome)
{
    const struct call *c = &s->calls[ci];
    if (c->pol && c->pol->cfg->has_hedge)
        hedged_reply(s, ci, j, outcome);
    else
        attempt_result(s, ci, outcome);
}

void call_on_resume(struct sim *s, uint32_t ci, uint32_t gen)
{
    struct call *c = &s->calls[ci];
    if (c->gen != gen)
        return;
    c->retry_timer = (struct timer_handle){0, 0};
    switch ((enum call_stage)c->stage) {
    case STAGE_ATTEMPT:
        attempt(s, ci);
        break;
    case STAGE_BULKHEAD:
        run_limiters(s, ci, LIM_RATE);
        break;
    case STAGE_SEND:
        run_limiters(s, ci, LIM_DONE);
        break;
    case STAGE_REFUSE:
        if (c->waiting_slot) { /* max_wait is over: no slot came free */
            c->waiting_slot = false;
            bulkhead_abandon_wait(&c->pol->bulkhead);
            refused(s, ci, PC_BULKHEAD_REJECTED);
        } else {
            refused(s, ci, PC_RATE_LIMITED);
        }
        break;
    case STAGE_FALLBACK:
        deliver(s, ci, OUTCOME_FALLBACK);
        break;
    case STAGE_HEDGE:
        hedge_now(s, ci);
        break;
    }
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
        job_orphan(s, c->earlier[i]);
}

void call_abandon(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    eventq_cancel(s->q, c->retry_timer);
    if (c->attempt != NO_INDEX) /* the attempt goes on, for nobody */
        cancel_attempt(s, c->attempt, false);
    for (uint32_t i = 0; i < c->earlier_count; i++)
        cancel_attempt(s, c->earlier[i], false);
    struct policy_rt *p = c->pol;
    if (p && p->cfg->budget.kind == BUDGET_CONCURRENCY && c->sent) {
        conc_budget_request_done(&p->conc);
        if (c->retrying)
            conc_budget_retry_done(&p->conc);
    }
    if (c->waiting_slot) {
        c->waiting_slot = false;
        bulkhead_abandon_wait(&p->bulkhead);
    }
    if (c->holds_slot)
        release_slot(s, c); /* the attempt goes on, but its caller's slot is free */
    call_free(s, ci);
}
