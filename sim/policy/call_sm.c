/* The call state machine: see call_sm.h for the contract. Each function
 * below is one stage of the composition; they call each other in the
 * order an attempt passes the stages and append what the owner must do. */
#include "call_sm.h"

#include "../base/check.h"

static void attempt(struct call_sm *m, sim_time now, struct call_effects *fx);
static void attempt_result(struct call_sm *m, sim_time now, enum outcome o,
                           struct call_effects *fx);

/* ---- effects ---- */

/* A side effect; the owner reads only the fields of its kind, set by the
 * caller. */
static struct call_effect *push(struct call_effects *fx, enum call_effect_kind kind)
{
    SIM_ASSERT(fx->count < CALL_FX_MAX);
    SIM_ASSERT(fx->next.kind == CALL_FX_NONE); /* nothing happens after the next step */
    struct call_effect *e = &fx->fx[fx->count++];
    e->kind = kind;
    return e;
}

/* The step that ends this list: SEND or DELIVER. */
static struct call_effect *then(struct call_effects *fx, enum call_effect_kind kind)
{
    SIM_ASSERT(fx->next.kind == CALL_FX_NONE);
    fx->next.kind = kind;
    return &fx->next;
}

static void count(struct call_sm *m, enum policy_count what) { m->counts->policy[what]++; }

static void breaker_moved(struct call_sm *m, sim_time now, enum breaker_transition t,
                          struct call_effects *fx)
{
    if (t == BREAKER_NO_CHANGE)
        return;
    policy_note_breaker(m->pol, now, t);
    push(fx, CALL_FX_BREAKER)->transition = t;
}

/* Asks for the call's one timer: `stage` is where it goes on. */
static void wait_then(struct call_sm *m, sim_time delay, enum call_stage stage,
                      struct call_effects *fx)
{
    m->stage = (uint8_t)stage;
    push(fx, CALL_FX_WAIT)->delay = delay;
}

/* ---- the end of a call ---- */

/* The slot goes back; the oldest waiter, if any, takes it. */
static void release_slot(struct call_sm *m, struct call_effects *fx)
{
    m->holds_slot = false;
    uint64_t owner;
    if (policy_release_slot(m->pol, &owner))
        push(fx, CALL_FX_WAKE)->owner = owner;
}

static void deliver(struct call_sm *m, enum outcome o, struct call_effects *fx)
{
    if (m->holds_slot) /* a bulkhead outside the retry holds its slot until now */
        release_slot(m, fx);
    m->stage = CALL_STAGE_NONE;
    then(fx, CALL_FX_DELIVER)->outcome = o;
}

/* The status of a reply that ended with o: only a server's failed reply
 * has one (a timeout or the caller's own refusal has none). */
static unsigned reply_status(const struct call_sm *m, enum outcome o)
{
    return o == OUTCOME_ERROR || o == OUTCOME_REJECTED || o == OUTCOME_SHED ? m->status : 0;
}

/* The breaker hears an outcome that took `took`, unless its status is one
 * the breaker ignores (then a half-open permit it used comes back). */
static void tell_breaker(struct call_sm *m, sim_time now, enum outcome o, sim_time took,
                         struct call_effects *fx)
{
    struct policy *p = m->pol;
    if (status_set_has(&p->cfg->breaker.ignore, reply_status(m, o))) {
        breaker_ignore(&p->breaker, m->breaker_gen);
        return;
    }
    breaker_moved(m, now,
                  breaker_record(&p->breaker, now, m->breaker_gen, !outcome_is_success(o), took),
                  fx);
}

/* Whether the fallback answers for a call that failed with o: for every
 * failure, or those its `on` names (by kind or by status). */
static bool falls_back(const struct fallback_cfg *f, enum outcome o, unsigned status)
{
    if (!f->on && !f->on_status.n)
        return true;
    return ((f->on >> o) & 1u) || status_set_has(&f->on_status, status);
}

/* The call's final outcome, seen by the stages outside the retry: the
 * breaker (unless it sits inside) and the fallback. */
static void finish(struct call_sm *m, sim_time now, enum outcome o, struct call_effects *fx)
{
    struct policy *p = m->pol;
    if (p && p->cfg->breaker.present && !p->cfg->breaker.inside_retry && m->admitted)
        tell_breaker(m, now, o, now - m->started, fx);
    if (p && p->cfg->fallback.present && !outcome_is_success(o) &&
        falls_back(&p->cfg->fallback, o, reply_status(m, o))) {
        count(m, PC_FALLBACKS);
        if (p->cfg->fallback.latency_ns > 0) {
            wait_then(m, p->cfg->fallback.latency_ns, CALL_STAGE_FALLBACK, fx);
            return;
        }
        o = OUTCOME_FALLBACK;
    }
    deliver(m, o, fx);
}

/* ---- an attempt, stage by stage ---- */

static void send(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    struct policy *p = m->pol;
    /* a timeout placed outside the retry is part of the deadline instead */
    sim_time timeout = p && !(p->cfg->outer & OUTER_TIMEOUT) ? p->cfg->timeout_ns : 0;
    if (m->deadline != SIM_TIME_NEVER) {
        sim_time left = m->deadline - now;
        if (left <= 0) { /* the waits used up the deadline: never sent */
            finish(m, now, OUTCOME_TIMEOUT, fx);
            return;
        }
        if (!timeout || left < timeout)
            timeout = left;
    }
    m->counts->attempts++;
    m->counts->retries += m->attempts > 1 && !(p && p->cfg->hedge.present);
    if (p && p->cfg->retry.budget.kind == BUDGET_CONCURRENCY)
        conc_budget_request_started(&p->conc);
    m->sent = m->just_sent = true;
    m->attempt_started = now;
    m->in_flight++;
    /* The attempt's own calls inherit the deadline (gRPC propagation); a
     * plain per-attempt timeout is the caller's business and is not. */
    struct call_effect *e = then(fx, CALL_FX_SEND);
    e->timeout = timeout;
    e->deadline = m->deadline;
}

/* A limiter refused: before the first attempt (a limiter placed outside
 * the retry) the call fails; after it, the attempt fails and the retry
 * decides. */
static void refused(struct call_sm *m, sim_time now, enum policy_count what,
                    struct call_effects *fx)
{
    count(m, what);
    if (m->attempts == 0)
        finish(m, now, OUTCOME_THROTTLED, fx);
    else
        attempt_result(m, now, OUTCOME_THROTTLED, fx);
}

enum limiter { LIM_THROTTLE, LIM_BULKHEAD, LIM_RATE, LIM_DONE };

/* The limiters on this side of the retry, from `from` on: once for the
 * call before its first attempt (those `order` puts outside the retry),
 * then for each attempt (the others); then the attempt starts, or goes
 * out. A limiter that has to wait asks for the timer and resumes here. */
static void pass_limiters(struct call_sm *m, sim_time now, enum limiter from,
                          struct call_effects *fx)
{
    struct policy *p = m->pol;
    const struct policy_cfg *cfg = p->cfg;
    bool outer = m->attempts == 0;
    for (enum limiter step = from; step < LIM_DONE; step++) {
        switch (step) {
        case LIM_THROTTLE:
            if (!cfg->throttle.present || outer != ((cfg->outer & OUTER_THROTTLE) != 0))
                break;
            if (!sre_throttle_admit(&p->throttle, now, rng_uniform(&p->rng))) {
                refused(m, now, PC_ADAPTIVE_THROTTLED, fx);
                return;
            }
            break;
        case LIM_BULKHEAD: {
            if (!cfg->bulkhead.present || outer != ((cfg->outer & OUTER_BULKHEAD) != 0))
                break;
            bool must_wait;
            if (bulkhead_try_acquire(&p->bulkhead, &must_wait)) {
                m->holds_slot = true;
            } else if (must_wait) {
                m->waiting_slot = true;
                m->ticket = policy_waiter_push(p, m->owner);
                wait_then(m, cfg->bulkhead.max_wait_ns, CALL_STAGE_REFUSE, fx);
                return;
            } else {
                refused(m, now, PC_BULKHEAD_REJECTED, fx);
                return;
            }
            break;
        }
        case LIM_RATE:
            if (outer != ((cfg->outer & OUTER_RATE_LIMIT) != 0))
                break;
            if (cfg->rate_limit.kind == RATE_LIMIT_TOKEN_BUCKET &&
                !token_bucket_take(&p->bucket, now)) {
                refused(m, now, PC_RATE_LIMITED, fx);
                return;
            }
            if (cfg->rate_limit.kind == RATE_LIMIT_FIXED_WINDOW) {
                sim_time wait = fixed_window_acquire(&p->window, now);
                if (wait < 0) { /* resilience4j makes the caller wait its timeout first */
                    wait_then(m, cfg->rate_limit.timeout_ns, CALL_STAGE_REFUSE, fx);
                    return;
                }
                if (wait > 0) {
                    wait_then(m, wait, CALL_STAGE_SEND, fx);
                    return;
                }
            }
            break;
        case LIM_DONE:
            break;
        }
    }
    if (outer)
        attempt(m, now, fx);
    else
        send(m, now, fx);
}

/* pass_limiters, straight on where this side of the retry has none (the
 * common case, and every attempt passes here twice). */
static inline void run_limiters(struct call_sm *m, sim_time now, enum limiter from,
                                struct call_effects *fx)
{
    bool outer = m->attempts == 0;
    if (outer ? m->pol->limits_call : m->pol->limits_attempt)
        pass_limiters(m, now, from, fx);
    else if (outer)
        attempt(m, now, fx);
    else
        send(m, now, fx);
}

static void attempt(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    struct policy *p = m->pol;
    m->sent = false;
    m->attempts++;
    if (!p) {
        send(m, now, fx);
        return;
    }
    if (p->cfg->breaker.present && p->cfg->breaker.inside_retry) {
        enum breaker_transition t;
        m->admitted = breaker_allow(&p->breaker, now, &m->breaker_gen, &t);
        breaker_moved(m, now, t, fx);
        if (!m->admitted) { /* fails at once, without touching the dependency */
            count(m, PC_BREAKER_REJECTED);
            attempt_result(m, now, OUTCOME_BREAKER, fx);
            return;
        }
    }
    if (m->deadline != SIM_TIME_NEVER && m->deadline <= now) {
        finish(m, now, OUTCOME_TIMEOUT, fx); /* nothing left to try with */
        return;
    }
    run_limiters(m, now, LIM_THROTTLE, fx);
}

void call_sm_begin_any(struct call_sm *m, struct policy *pol, struct call_counts *counts,
                   uint64_t owner, sim_time now, sim_time inherited, struct call_effects *fx)
{
    *m = (struct call_sm){.pol = pol, .counts = counts, .owner = owner, .started = now,
                          .deadline = inherited};
    if (!pol) {
        attempt(m, now, fx);
        return;
    }
    const struct policy_cfg *cfg = pol->cfg;
    if (cfg->deadline_ns && now + cfg->deadline_ns < m->deadline)
        m->deadline = now + cfg->deadline_ns;
    if ((cfg->outer & OUTER_TIMEOUT) && cfg->timeout_ns &&
        now + cfg->timeout_ns < m->deadline) /* a timeout around all the attempts */
        m->deadline = now + cfg->timeout_ns;
    if (cfg->retry.max_attempts > 1)
        backoff_begin(&m->backoff, &cfg->retry.backoff);
    if (cfg->retry.budget.kind == BUDGET_RATIO) /* each original request deposits */
        ratio_budget_deposit(&pol->ratio, now);
    if (cfg->breaker.present && !cfg->breaker.inside_retry) {
        enum breaker_transition t;
        m->admitted = breaker_allow(&pol->breaker, now, &m->breaker_gen, &t);
        breaker_moved(m, now, t, fx);
        if (!m->admitted) {
            count(m, PC_BREAKER_REJECTED);
            finish(m, now, OUTCOME_BREAKER, fx);
            return;
        }
    }
    run_limiters(m, now, LIM_THROTTLE, fx); /* those outside the retry, then the first attempt */
}

/* ---- an attempt's result ---- */

/* Whether the retry repeats an attempt that ended with o and `status`: a
 * status it names always, a client error (4xx but 429) never otherwise,
 * else by the kind of outcome. */
static bool retryable(const struct retry_cfg *r, enum outcome o, unsigned status)
{
    if (status_set_has(&r->on_status, status))
        return true;
    if (status_is_client_error(status))
        return false; /* the same request would fail again */
    switch (o) {
    case OUTCOME_TIMEOUT:
        return r->on & RETRY_ON_TIMEOUT;
    case OUTCOME_ERROR:
        return r->on & RETRY_ON_ERROR;
    case OUTCOME_REJECTED:
    case OUTCOME_SHED:
    case OUTCOME_THROTTLED:
        return r->on & RETRY_ON_REJECTED;
    case OUTCOME_BREAKER:
        return r->on & RETRY_ON_BREAKER;
    case OUTCOME_OK:
    case OUTCOME_DEGRADED:
    case OUTCOME_FALLBACK:
        break;
    }
    return false;
}

/* Asks the budget for one more retry (and takes it if given); a change
 * between giving and refusing is worth an event. */
static bool budget_allows(struct call_sm *m, sim_time now, enum outcome o,
                          struct call_effects *fx)
{
    struct policy *p = m->pol;
    bool ok = true;
    switch (p->cfg->retry.budget.kind) {
    case BUDGET_RATIO:
        ok = ratio_budget_try_withdraw(&p->ratio, now);
        break;
    case BUDGET_CONCURRENCY:
        ok = m->retrying = conc_budget_try_retry(&p->conc);
        break;
    case BUDGET_GRPC:
        ok = grpc_throttle_retry_allowed(&p->grpc);
        break;
    case BUDGET_AWS:
        m->aws_taken = aws_quota_acquire(&p->aws, o == OUTCOME_TIMEOUT);
        ok = m->aws_taken > 0;
        break;
    case BUDGET_COUNT:
        ok = count_budget_try(&p->count, now);
        break;
    case BUDGET_NONE:
        return true;
    }
    if (ok == p->budget_dry) {
        p->budget_dry = !ok;
        push(fx, CALL_FX_BUDGET)->dry = !ok;
    }
    return ok;
}

/* Reports the attempt's end to the primitives that count outcomes. Only an
 * attempt that went out says anything about the dependency. */
static void record(struct call_sm *m, sim_time now, enum outcome o, struct call_effects *fx)
{
    struct policy *p = m->pol;
    const struct policy_cfg *cfg = p->cfg;
    bool ok = outcome_is_success(o);
    if (cfg->breaker.present && cfg->breaker.inside_retry && m->admitted && o != OUTCOME_BREAKER)
        tell_breaker(m, now, o, now - m->attempt_started, fx);
    if (m->sent && cfg->throttle.present && outcome_is_accept(o))
        sre_throttle_on_accept(&p->throttle, now);
    switch (cfg->retry.budget.kind) {
    case BUDGET_GRPC:
        if (m->sent) {
            if (ok)
                grpc_throttle_on_success(&p->grpc);
            else
                grpc_throttle_on_failure(&p->grpc);
        }
        break;
    case BUDGET_AWS:
        if (ok)
            aws_quota_on_success(&p->aws, m->aws_taken);
        break;
    case BUDGET_CONCURRENCY:
        if (m->sent)
            conc_budget_request_done(&p->conc);
        if (m->retrying)
            conc_budget_retry_done(&p->conc), m->retrying = false;
        break;
    default:
        break;
    }
}

static void attempt_result(struct call_sm *m, sim_time now, enum outcome o,
                           struct call_effects *fx)
{
    struct policy *p = m->pol;
    if (!p) {
        m->sent = false;
        finish(m, now, o, fx);
        return;
    }
    const struct policy_cfg *cfg = p->cfg;
    if (m->holds_slot && !(cfg->outer & OUTER_BULKHEAD))
        release_slot(m, fx);
    record(m, now, o, fx);
    m->sent = false;
    if (outcome_is_success(o) || !retryable(&cfg->retry, o, m->status) ||
        m->attempts >= cfg->retry.max_attempts) {
        finish(m, now, o, fx);
        return;
    }
    double u = rng_uniform(&p->rng);
    sim_time wait = backoff_delay(&cfg->retry.backoff, &m->backoff, m->attempts, u);
    if (m->retry_after > 0 && cfg->retry.honor_retry_after)
        wait = m->retry_after; /* the server said when (gRPC pushback, HTTP Retry-After) */
    m->retry_after = 0;
    if (m->deadline != SIM_TIME_NEVER && now + wait >= m->deadline) {
        finish(m, now, o, fx); /* the retry could not finish in time anyway */
        return;
    }
    if (!budget_allows(m, now, o, fx)) {
        count(m, PC_SUPPRESSED);
        finish(m, now, o, fx);
        return;
    }
    wait_then(m, wait, CALL_STAGE_ATTEMPT, fx);
}

/* ---- hedging ---- */

static void hedge_now(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    push(fx, CALL_FX_HEDGE);
    m->hedges_sent++;
    count(m, PC_HEDGES);
    attempt(m, now, fx);
}

static void hedged_result(struct call_sm *m, sim_time now, enum outcome o,
                          struct call_effects *fx)
{
    struct policy *p = m->pol;
    if (outcome_is_success(o)) { /* the first answer wins */
        if (p->latency)
            ranked_histogram_record(p->latency, now - m->started);
        push(fx, CALL_FX_CANCEL_ATTEMPTS);
        m->in_flight = 0;
        finish(m, now, o, fx);
        return;
    }
    if (m->in_flight)
        return; /* another attempt may still answer */
    if (m->hedges_sent < p->cfg->hedge.max_hedged) { /* gRPC: a failure sends the next at once */
        push(fx, CALL_FX_CANCEL_TIMER);
        hedge_now(m, now, fx);
        return;
    }
    finish(m, now, o, fx);
}

/* ---- the entry points ---- */

void call_sm_sent_any(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    (void)now;
    if (!m->just_sent)
        return; /* it ended while being sent, and the machine went on from there */
    m->just_sent = false;
    struct policy *p = m->pol;
    if (!p || !p->cfg->hedge.present || m->hedges_sent >= p->cfg->hedge.max_hedged)
        return;
    sim_time delay = p->cfg->hedge.delay_ns;
    if (p->latency && p->latency->h.count >= 100) /* enough seen to trust the percentile */
        delay = ranked_histogram_percentile(p->latency, p->cfg->hedge.percentile);
    wait_then(m, delay, CALL_STAGE_HEDGE, fx);
}

void call_sm_on_result_any(struct call_sm *m, sim_time now, enum outcome o, unsigned status,
                           sim_time retry_after, struct call_effects *fx)
{
    SIM_ASSERT(m->in_flight > 0);
    m->in_flight--;
    m->just_sent = false;
    m->status = (uint16_t)status;
    if (o == OUTCOME_REJECTED || o == OUTCOME_SHED) /* Retry-After, if it says one */
        m->retry_after = retry_after;
    if (m->pol && m->pol->cfg->hedge.present)
        hedged_result(m, now, o, fx);
    else
        attempt_result(m, now, o, fx);
}

void call_sm_on_timer(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    enum call_stage stage = (enum call_stage)m->stage;
    m->stage = CALL_STAGE_NONE;
    switch (stage) {
    case CALL_STAGE_ATTEMPT:
        attempt(m, now, fx);
        break;
    case CALL_STAGE_BULKHEAD:
        run_limiters(m, now, LIM_RATE, fx);
        break;
    case CALL_STAGE_SEND:
        run_limiters(m, now, LIM_DONE, fx);
        break;
    case CALL_STAGE_REFUSE:
        if (m->waiting_slot) { /* max_wait is over: no slot came free */
            m->waiting_slot = false;
            bulkhead_abandon_wait(&m->pol->bulkhead);
            policy_waiter_cancel(m->pol, m->ticket);
            refused(m, now, PC_BULKHEAD_REJECTED, fx);
        } else {
            refused(m, now, PC_RATE_LIMITED, fx);
        }
        break;
    case CALL_STAGE_FALLBACK:
        deliver(m, OUTCOME_FALLBACK, fx);
        break;
    case CALL_STAGE_HEDGE:
        hedge_now(m, now, fx);
        break;
    case CALL_STAGE_NONE:
        SIM_BUG("a call's timer fired with nothing to go on with");
    }
}

void call_sm_on_slot(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    (void)now;
    SIM_ASSERT(m->waiting_slot);
    m->waiting_slot = false;
    m->holds_slot = true;
    wait_then(m, 0, CALL_STAGE_BULKHEAD, fx); /* goes on after what is running now */
}

void call_sm_abandon(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    (void)now;
    struct policy *p = m->pol;
    m->stage = CALL_STAGE_NONE;
    if (!p)
        return;
    if (p->cfg->retry.budget.kind == BUDGET_CONCURRENCY && m->sent) {
        conc_budget_request_done(&p->conc);
        if (m->retrying)
            conc_budget_retry_done(&p->conc);
    }
    if (m->waiting_slot) {
        m->waiting_slot = false;
        bulkhead_abandon_wait(&p->bulkhead);
        policy_waiter_cancel(p, m->ticket);
    }
    if (m->holds_slot)
        release_slot(m, fx); /* the attempt goes on, but its caller's slot is free */
}

bool call_sm_hand_over_slot(struct call_sm *m)
{
    const struct policy *p = m->pol;
    if (!m->holds_slot || !p || !p->cfg->bulkhead.thread_pool || (p->cfg->outer & OUTER_BULKHEAD))
        return false;
    m->holds_slot = false;
    return true;
}
