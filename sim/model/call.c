/* A logical call across its attempts: the resilience policy at work.
 *
 * The composition, outermost first, is the usual one: circuit breaker ->
 * retry (with its budget) -> timeout around each attempt, with an overall
 * deadline across attempts that is propagated to the calls below (gRPC).
 * Each attempt is a job at the callee; its result comes back here, is
 * reported to the breaker and the budget, and is either retried after a
 * backoff or handed to the caller. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

struct policy_rt *policy_rt_new(const struct policy_cfg *cfg, uint64_t seed, const char *label)
{
    struct policy_rt *p = xcalloc(1, sizeof *p);
    p->cfg = cfg;
    snprintf(p->label, sizeof p->label, "%s", label);
    char stream[160];
    snprintf(stream, sizeof stream, "policy:%s", label);
    rng_init_stream(&p->rng, seed, stream);
    if (cfg->has_breaker)
        breaker_init(&p->breaker, &cfg->breaker);
    const struct budget_cfg *b = &cfg->budget;
    switch (b->kind) {
    case BUDGET_RATIO:
        ratio_budget_init(&p->ratio, b->ratio, b->min_retries_per_s, b->ttl_ns);
        break;
    case BUDGET_CONCURRENCY:
        conc_budget_init(&p->conc, b->percent, b->min_concurrency);
        break;
    case BUDGET_GRPC:
        grpc_throttle_init(&p->grpc, b->max_tokens, b->token_ratio);
        break;
    case BUDGET_AWS:
        aws_quota_init(&p->aws, b->capacity, b->retry_cost, b->timeout_cost);
        break;
    case BUDGET_COUNT:
        count_budget_init(&p->count, b->max_retries, b->window_ns, b->min_interval_ns);
        break;
    case BUDGET_NONE:
        break;
    }
    return p;
}

void policy_rt_free(struct policy_rt *p)
{
    if (!p)
        return;
    if (p->cfg->has_breaker)
        breaker_release(&p->breaker);
    if (p->cfg->budget.kind == BUDGET_COUNT)
        count_budget_release(&p->count);
    free(p);
}

/* Where a call's counts go: the client's traffic, or the calling service. */
static void count_attempt(struct sim *s, const struct call *c, bool retry)
{
    if (c->caller_is_job) {
        if (retry)
            s->services[s->jobs[c->caller].service].stats.retries_out++;
        return;
    }
    struct traffic *t = &s->clients[s->requests[c->caller].client].stats;
    t->attempts++;
    t->retries += retry;
}

static void count_refusal(struct sim *s, const struct call *c, bool breaker)
{
    if (c->caller_is_job) {
        struct service_stats *st = &s->services[s->jobs[c->caller].service].stats;
        if (breaker)
            st->breaker_rejected_out++;
        else
            st->suppressed_out++;
        return;
    }
    struct traffic *t = &s->clients[s->requests[c->caller].client].stats;
    if (breaker)
        t->breaker_rejected++;
    else
        t->suppressed++;
}

static void breaker_event(struct sim *s, const struct policy_rt *p, enum breaker_transition t)
{
    static const char *const kinds[] = {NULL, "breaker_opened", "breaker_half_open",
                                         "breaker_closed"};
    if (t != BREAKER_NO_CHANGE)
        sim_emit(s, kinds[t], p->label, p->cfg->name);
}

static void call_end(struct sim *s, uint32_t ci, enum outcome outcome)
{
    calls_unlink(s, ci);
    struct call *c = &s->calls[ci];
    uint32_t caller = c->caller;
    bool caller_is_job = c->caller_is_job, optional = c->optional;
    eventq_cancel(s->q, c->retry_timer);
    call_free(s, ci);
    if (caller_is_job)
        calls_on_result(s, caller, outcome, optional);
    else
        request_on_reply(s, caller, outcome);
}

static void attempt(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    struct policy_rt *p = c->pol;
    bool retry = c->attempts > 0;
    c->admitted = false;
    if (p && p->cfg->has_breaker) {
        enum breaker_transition t;
        bool ok = breaker_allow(&p->breaker, s->now, &c->breaker_gen, &t);
        breaker_event(s, p, t);
        if (!ok) { /* fails at once, without touching the dependency */
            c->attempts++;
            count_refusal(s, c, true);
            call_on_attempt_result(s, ci, OUTCOME_BREAKER);
            return;
        }
        c->admitted = true;
    }
    sim_time timeout = p ? p->cfg->timeout_ns : 0;
    if (c->deadline != SIM_TIME_NEVER) {
        sim_time left = c->deadline - s->now;
        if (left <= 0) { /* nothing left to try with: deadline exceeded */
            call_end(s, ci, OUTCOME_TIMEOUT);
            return;
        }
        if (!timeout || left < timeout)
            timeout = left;
    }
    c->attempts++;
    count_attempt(s, c, retry);
    if (p && p->cfg->budget.kind == BUDGET_CONCURRENCY)
        conc_budget_request_started(&p->conc);
    c->attempt_started = s->now;
    /* The attempt's own calls inherit the deadline (gRPC propagation); a
     * plain per-attempt timeout is the caller's business and is not. */
    c->attempt = service_send(s, ci, timeout, c->deadline);
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
    c->retrying = false;
    c->aws_taken = 0;
    c->retry_timer = (struct timer_handle){0, 0};
    c->orphaned = caller_is_job && s->jobs[caller].orphaned;
    c->deadline = inherited;
    if (pol && pol->cfg->deadline_ns && s->now + pol->cfg->deadline_ns < c->deadline)
        c->deadline = s->now + pol->cfg->deadline_ns;
    c->sibling = NO_INDEX;
    if (caller_is_job) { /* into the parent's list of calls in flight */
        c->sibling = s->jobs[caller].child;
        s->jobs[caller].child = ci;
    }
    if (pol) {
        backoff_begin(&c->backoff, &pol->cfg->backoff);
        if (pol->cfg->budget.kind == BUDGET_RATIO) /* each original request deposits */
            ratio_budget_deposit(&pol->ratio, s->now);
    }
    attempt(s, ci);
}

static bool retryable(const struct policy_cfg *p, enum outcome o)
{
    switch (o) {
    case OUTCOME_TIMEOUT:
        return p->retry_on & RETRY_ON_TIMEOUT;
    case OUTCOME_ERROR:
        return p->retry_on & RETRY_ON_ERROR;
    case OUTCOME_REJECTED:
        return p->retry_on & RETRY_ON_REJECTED;
    case OUTCOME_BREAKER:
        return p->retry_on & RETRY_ON_BREAKER;
    case OUTCOME_OK:
    case OUTCOME_DEGRADED:
        break;
    }
    return false;
}

/* Asks the budget for one more retry (and takes it if given). */
static bool budget_allows(struct sim *s, struct call *c, enum outcome o)
{
    struct policy_rt *p = c->pol;
    switch (p->cfg->budget.kind) {
    case BUDGET_RATIO:
        return ratio_budget_try_withdraw(&p->ratio, s->now);
    case BUDGET_CONCURRENCY:
        return c->retrying = conc_budget_try_retry(&p->conc);
    case BUDGET_GRPC:
        return grpc_throttle_retry_allowed(&p->grpc);
    case BUDGET_AWS:
        c->aws_taken = aws_quota_acquire(&p->aws, o == OUTCOME_TIMEOUT);
        return c->aws_taken > 0;
    case BUDGET_COUNT:
        return count_budget_try(&p->count, s->now);
    case BUDGET_NONE:
        break;
    }
    return true;
}

/* Reports the attempt's end to the primitives that count outcomes. */
static void record(struct sim *s, struct call *c, enum outcome o)
{
    struct policy_rt *p = c->pol;
    bool ok = outcome_is_success(o);
    if (p->cfg->has_breaker && c->admitted)
        breaker_event(s, p, breaker_record(&p->breaker, s->now, c->breaker_gen, !ok,
                                           s->now - c->attempt_started));
    switch (p->cfg->budget.kind) {
    case BUDGET_GRPC:
        if (o != OUTCOME_BREAKER) {
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
        if (o != OUTCOME_BREAKER)
            conc_budget_request_done(&p->conc);
        if (c->retrying)
            conc_budget_retry_done(&p->conc), c->retrying = false;
        break;
    default:
        break;
    }
}

void call_on_attempt_result(struct sim *s, uint32_t ci, enum outcome outcome)
{
    struct call *c = &s->calls[ci];
    c->attempt = NO_INDEX;
    struct policy_rt *p = c->pol;
    if (!p) {
        call_end(s, ci, outcome);
        return;
    }
    record(s, c, outcome);
    if (outcome_is_success(outcome) || !retryable(p->cfg, outcome) ||
        c->attempts >= p->cfg->max_attempts) {
        call_end(s, ci, outcome);
        return;
    }
    double u = rng_uniform(&p->rng);
    sim_time wait = backoff_delay(&p->cfg->backoff, &c->backoff, c->attempts, u);
    if (c->deadline != SIM_TIME_NEVER && s->now + wait >= c->deadline) {
        call_end(s, ci, outcome); /* the retry could not finish in time anyway */
        return;
    }
    if (!budget_allows(s, c, outcome)) {
        count_refusal(s, c, false);
        call_end(s, ci, outcome);
        return;
    }
    c->retry_timer = eventq_arm(s->q, s->now, wait, EV_CALL_RETRY, ci, c->gen);
}

void call_on_retry(struct sim *s, uint32_t ci, uint32_t gen)
{
    if (s->calls[ci].gen != gen)
        return;
    s->calls[ci].retry_timer = (struct timer_handle){0, 0};
    attempt(s, ci);
}

void call_orphan(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    if (c->orphaned)
        return;
    c->orphaned = true;
    if (c->attempt != NO_INDEX)
        job_orphan(s, c->attempt);
}

void call_abandon(struct sim *s, uint32_t ci)
{
    struct call *c = &s->calls[ci];
    eventq_cancel(s->q, c->retry_timer);
    uint32_t j = c->attempt;
    if (j != NO_INDEX) { /* the attempt goes on, for nobody */
        struct job *job = &s->jobs[j];
        eventq_cancel(s->q, job->timer);
        job->caller_gone = true;
        job_orphan(s, j);
        if (job->state == JOB_SWALLOWED || job->state == JOB_REPLY_LOST)
            job_release(s, j);
    }
    if (c->pol && c->pol->cfg->budget.kind == BUDGET_CONCURRENCY && c->attempt != NO_INDEX) {
        conc_budget_request_done(&c->pol->conc);
        if (c->retrying)
            conc_budget_retry_done(&c->pol->conc);
    }
    call_free(s, ci);
}
