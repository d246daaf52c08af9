/* The state of one caller's policy: its primitives, set up from the
 * policy's configuration, and the queue of calls waiting for a bulkhead
 * slot (the primitive counts the waiters; their order is kept here). */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

static void init_budget(struct policy_rt *p, const struct budget_cfg *b)
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

struct policy_rt *policy_rt_new(const struct policy_cfg *cfg, uint64_t seed, const char *label)
{
    struct policy_rt *p = xcalloc(1, sizeof *p);
    p->cfg = cfg;
    p->open_since = SIM_TIME_NEVER;
    snprintf(p->label, sizeof p->label, "%s", label);
    char stream[160];
    snprintf(stream, sizeof stream, "policy:%s", label);
    rng_init_stream(&p->rng, seed, stream);
    if (cfg->has_breaker)
        breaker_init(&p->breaker, &cfg->breaker);
    init_budget(p, &cfg->budget);
    if (cfg->has_throttle)
        sre_throttle_init(&p->throttle, cfg->throttle_k, cfg->throttle_window_ns);
    if (cfg->has_bulkhead)
        bulkhead_init(&p->bulkhead, cfg->bulkhead_max, cfg->bulkhead_wait_ns);
    if (cfg->has_hedge && cfg->hedge_percentile > 0) {
        p->latency = xmalloc(sizeof *p->latency);
        histogram_init(p->latency);
    }
    const struct rate_limit_cfg *rl = &cfg->rate_limit;
    if (rl->kind == RATE_LIMIT_TOKEN_BUCKET)
        token_bucket_init(&p->bucket, rl->rate_rps, rl->burst);
    else if (rl->kind == RATE_LIMIT_FIXED_WINDOW)
        fixed_window_init(&p->window, rl->limit_for_period, rl->refresh_ns, rl->timeout_ns);
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
    free(p->waiters);
    free(p->latency);
    free(p);
}

/* A waiter is (call, generation, attempt): the attempt tells this wait from
 * an earlier one of the same call that timed out. */
#define WAITER_WORDS 3u

void policy_waiter_push(struct policy_rt *p, const struct sim *s, uint32_t call)
{
    if (p->waiters_len == p->waiters_cap) { /* grow, unrolling the ring */
        uint32_t old = p->waiters_cap, cap = old ? old * 2 : 8;
        uint32_t *bigger = xmalloc((size_t)cap * WAITER_WORDS * sizeof *bigger);
        for (uint32_t i = 0; i < p->waiters_len; i++) {
            uint32_t from = (p->waiters_head + i) % old;
            for (uint32_t w = 0; w < WAITER_WORDS; w++)
                bigger[WAITER_WORDS * i + w] = p->waiters[WAITER_WORDS * from + w];
        }
        free(p->waiters);
        p->waiters = bigger;
        p->waiters_cap = cap;
        p->waiters_head = 0;
    }
    uint32_t *at = &p->waiters[WAITER_WORDS * ((p->waiters_head + p->waiters_len) %
                                               p->waiters_cap)];
    at[0] = call;
    at[1] = s->calls[call].gen;
    at[2] = s->calls[call].attempts;
    p->waiters_len++;
}

uint32_t policy_waiter_pop(struct policy_rt *p, const struct sim *s)
{
    while (p->waiters_len) {
        const uint32_t *w = &p->waiters[WAITER_WORDS * p->waiters_head];
        uint32_t call = w[0];
        bool live = s->calls[call].gen == w[1] && s->calls[call].attempts == w[2] &&
                    s->calls[call].waiting_slot;
        p->waiters_head = (p->waiters_head + 1) % p->waiters_cap;
        p->waiters_len--;
        if (live)
            return call;
    }
    return NO_INDEX;
}
