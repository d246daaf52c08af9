/* A policy's state for one caller: its primitives, set up from the
 * configuration, the breaker's open-time books, and the queue of calls
 * waiting for a bulkhead slot (the primitive counts the waiters; their
 * order is kept here). */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"
#include "call_counts.h"

#define PC_NAME(e, s) s,
const char *const policy_count_names[PC_COUNT] = {POLICY_COUNTS(PC_NAME)};
#undef PC_NAME

static void init_budget(struct policy *p, const struct budget_cfg *b)
{
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
}

struct policy *policy_new(const struct policy_cfg *cfg, uint64_t seed, const char *label)
{
    struct policy *p = xcalloc(1, sizeof *p);
    p->cfg = cfg;
    p->open_since = SIM_TIME_NEVER;
    snprintf(p->label, sizeof p->label, "%s", label);
    char stream[160];
    snprintf(stream, sizeof stream, "policy:%s", label);
    rng_init_stream(&p->rng, seed, stream);
    if (cfg->breaker.present)
        breaker_init(&p->breaker, &cfg->breaker.breaker);
    init_budget(p, &cfg->retry.budget);
    if (cfg->throttle.present)
        sre_throttle_init(&p->throttle, cfg->throttle.k, cfg->throttle.window_ns);
    if (cfg->bulkhead.present)
        bulkhead_init(&p->bulkhead, cfg->bulkhead.max_concurrent, cfg->bulkhead.max_wait_ns,
                      cfg->bulkhead.thread_pool ? cfg->bulkhead.queue : UINT32_MAX);
    if (cfg->hedge.present && cfg->hedge.percentile > 0) {
        p->latency = xmalloc(sizeof *p->latency);
        ranked_histogram_init(p->latency);
    }
    const struct rate_limit_cfg *rl = &cfg->rate_limit;
    if (rl->kind == RATE_LIMIT_TOKEN_BUCKET)
        token_bucket_init(&p->bucket, rl->rate_rps, rl->burst);
    else if (rl->kind == RATE_LIMIT_FIXED_WINDOW)
        fixed_window_init(&p->window, rl->limit_for_period, rl->refresh_ns, rl->timeout_ns);
    /* which sides of the retry have limiters to pass (most policies have none) */
    unsigned limiters = (cfg->throttle.present ? OUTER_THROTTLE : 0) |
                        (cfg->bulkhead.present ? OUTER_BULKHEAD : 0) |
                        (rl->kind != RATE_LIMIT_NONE ? OUTER_RATE_LIMIT : 0);
    p->limits_call = (limiters & cfg->outer) != 0;
    p->limits_attempt = (limiters & ~cfg->outer) != 0;
    p->timeout_only = !(cfg->outer & OUTER_TIMEOUT) && !cfg->deadline_ns &&
                      cfg->retry.max_attempts <= 1 && cfg->retry.budget.kind == BUDGET_NONE &&
                      !cfg->breaker.present && !limiters && !cfg->hedge.present &&
                      !cfg->fallback.present;
    return p;
}

void policy_free(struct policy *p)
{
    if (!p)
        return;
    if (p->cfg->breaker.present)
        breaker_release(&p->breaker);
    if (p->cfg->retry.budget.kind == BUDGET_COUNT)
        count_budget_release(&p->count);
    free(p->waiters.owner);
    free(p->waiters.live);
    free(p->latency);
    free(p);
}

void policy_note_breaker(struct policy *p, sim_time now, enum breaker_transition t)
{
    if (t == BREAKER_NO_CHANGE)
        return;
    if (t == BREAKER_OPENED || t == BREAKER_FORCED) {
        if (p->open_since == SIM_TIME_NEVER)
            p->open_since = now;
        p->opened += t == BREAKER_OPENED;
    } else if (p->open_since != SIM_TIME_NEVER) { /* half-open or closed: no longer open */
        p->open_total_ns += (double)(now - p->open_since);
        p->open_since = SIM_TIME_NEVER;
    }
}

bool policy_release_slot(struct policy *p, uint64_t *owner)
{
    if (!bulkhead_release(&p->bulkhead))
        return false;
    bool found = policy_waiter_pop(p, owner);
    SIM_ASSERT(found); /* the bulkhead counted a waiter the queue does not have */
    return true;
}

const char *policy_breaker_event(enum breaker_transition t)
{
    switch (t) {
    case BREAKER_OPENED: return "breaker_opened";
    case BREAKER_HALF_OPENED: return "breaker_half_open";
    case BREAKER_CLOSED_AGAIN: return "breaker_closed";
    case BREAKER_FORCED: return "breaker_forced_open";
    case BREAKER_RESET: return "breaker_reset";
    case BREAKER_NO_CHANGE: break;
    }
    return NULL;
}

enum breaker_transition policy_breaker_force(struct policy *p, sim_time now, bool start)
{
    SIM_ASSERT(p->cfg->breaker.present && (start || p->forcing > 0));
    enum breaker_transition t = BREAKER_NO_CHANGE;
    if (start && p->forcing++ == 0)
        t = breaker_force_open(&p->breaker, now);
    else if (!start && --p->forcing == 0 && p->breaker.state == BREAKER_FORCED_OPEN)
        t = breaker_reset(&p->breaker, now);
    policy_note_breaker(p, now, t);
    return t;
}

enum breaker_transition policy_breaker_reset(struct policy *p, sim_time now)
{
    SIM_ASSERT(p->cfg->breaker.present);
    enum breaker_transition t = breaker_reset(&p->breaker, now);
    policy_note_breaker(p, now, t);
    return t;
}

/* ---- the bulkhead's waiters ---- */

uint64_t policy_waiter_push(struct policy *p, uint64_t owner)
{
    struct waiter_queue *q = &p->waiters;
    if (q->len == q->cap) { /* grow, unrolling the ring */
        uint32_t cap = q->cap ? q->cap * 2 : 8;
        uint64_t *owners = xmalloc(cap * sizeof *owners);
        bool *live = xmalloc(cap * sizeof *live);
        for (uint32_t i = 0; i < q->len; i++) {
            owners[i] = q->owner[(q->head + i) % q->cap];
            live[i] = q->live[(q->head + i) % q->cap];
        }
        free(q->owner);
        free(q->live);
        q->owner = owners;
        q->live = live;
        q->cap = cap;
        q->head = 0;
    }
    uint32_t at = (q->head + q->len) % q->cap;
    q->owner[at] = owner;
    q->live[at] = true;
    return q->head_ticket + q->len++;
}

void policy_waiter_cancel(struct policy *p, uint64_t ticket)
{
    struct waiter_queue *q = &p->waiters;
    SIM_ASSERT(ticket >= q->head_ticket && ticket - q->head_ticket < q->len);
    uint32_t at = (uint32_t)((q->head + (ticket - q->head_ticket)) % q->cap);
    SIM_ASSERT(q->live[at]);
    q->live[at] = false;
}

bool policy_waiter_pop(struct policy *p, uint64_t *owner)
{
    struct waiter_queue *q = &p->waiters;
    while (q->len) {
        uint32_t at = q->head;
        q->head = (q->head + 1) % q->cap;
        q->head_ticket++;
        q->len--;
        if (q->live[at]) {
            *owner = q->owner[at];
            return true;
        }
    }
    return false;
}

/* ---- reports ---- */

struct policy_snapshot policy_snapshot(struct policy *p, sim_time now)
{
    const struct policy_cfg *cfg = p->cfg;
    if (p->open_since != SIM_TIME_NEVER) { /* bring the open time up to now */
        p->open_total_ns += (double)(now - p->open_since);
        p->open_since = now;
    }
    struct policy_snapshot w = {
        .breaker_state = cfg->breaker.present ? (int)p->breaker.state : -1,
        .breaker_open_s = p->open_total_ns / 1e9,
        .breaker_opened = p->opened,
        .bulkhead_in_use = cfg->bulkhead.present ? (int64_t)p->bulkhead.in_use : -1,
        .bulkhead_waiting = cfg->bulkhead.present ? (int64_t)p->bulkhead.waiting : -1,
        .budget_level = NAN,
        .throttle_p = cfg->throttle.present ? sre_throttle_reject_probability(&p->throttle, now)
                                            : NAN,
    };
    switch (cfg->retry.budget.kind) {
    case BUDGET_RATIO:
        w.budget_level = ratio_budget_balance(&p->ratio, now);
        break;
    case BUDGET_GRPC:
        w.budget_level = grpc_throttle_tokens(&p->grpc);
        break;
    case BUDGET_AWS:
        w.budget_level = (double)p->aws.available;
        break;
    default:
        break;
    }
    return w;
}
