#include "metrics.h"

#define FAIL_NAME(e, s) s,
const char *const failure_kind_names[FAIL_KIND_COUNT] = {FAILURE_KINDS(FAIL_NAME)};
#undef FAIL_NAME

const char *const outcome_names[OUTCOME_COUNT] = {
    [OUTCOME_OK] = "ok",         [OUTCOME_DEGRADED] = "degraded",
    [OUTCOME_TIMEOUT] = "timeout", [OUTCOME_ERROR] = "error",
    [OUTCOME_REJECTED] = "rejected", [OUTCOME_BREAKER] = "breaker_open",
    [OUTCOME_SHED] = "shed",     [OUTCOME_THROTTLED] = "throttled",
    [OUTCOME_FALLBACK] = "fallback",
};

const enum outcome attempt_outcomes[ATTEMPT_OUTCOME_COUNT] = {
    OUTCOME_OK, OUTCOME_DEGRADED, OUTCOME_TIMEOUT, OUTCOME_ERROR, OUTCOME_REJECTED, OUTCOME_SHED};

void call_counts_add(struct call_counts *a, const struct call_counts *b)
{
    a->attempts += b->attempts;
    a->retries += b->retries;
    for (int i = 0; i < PC_COUNT; i++)
        a->policy[i] += b->policy[i];
}

static struct call_counts call_counts_diff(const struct call_counts *a, const struct call_counts *b)
{
    struct call_counts d = {.attempts = a->attempts - b->attempts,
                            .retries = a->retries - b->retries};
    for (int i = 0; i < PC_COUNT; i++)
        d.policy[i] = a->policy[i] - b->policy[i];
    return d;
}

struct edge_stats edge_stats_diff(const struct edge_stats *a, const struct edge_stats *b)
{
    struct edge_stats d = {.calls = a->calls - b->calls,
                           .counts = call_counts_diff(&a->counts, &b->counts)};
    for (int o = 0; o < OUTCOME_COUNT; o++) {
        d.outcome[o] = a->outcome[o] - b->outcome[o];
        d.attempt_outcome[o] = a->attempt_outcome[o] - b->attempt_outcome[o];
    }
    return d;
}

void edge_stats_add(struct edge_stats *a, const struct edge_stats *b)
{
    a->calls += b->calls;
    call_counts_add(&a->counts, &b->counts);
    for (int o = 0; o < OUTCOME_COUNT; o++) {
        a->outcome[o] += b->outcome[o];
        a->attempt_outcome[o] += b->attempt_outcome[o];
    }
}

struct traffic traffic_diff(const struct traffic *a, const struct traffic *b)
{
    struct traffic d = {
        .offered = a->offered - b->offered,
        .calls = call_counts_diff(&a->calls, &b->calls),
        .succeeded = a->succeeded - b->succeeded,
        .good = a->good - b->good,
        .degraded = a->degraded - b->degraded,
        .fallback = a->fallback - b->fallback,
    };
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        d.failed[i] = a->failed[i] - b->failed[i];
    return d;
}

void traffic_add(struct traffic *a, const struct traffic *b)
{
    a->offered += b->offered;
    call_counts_add(&a->calls, &b->calls);
    a->succeeded += b->succeeded;
    a->good += b->good;
    a->degraded += b->degraded;
    a->fallback += b->fallback;
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        a->failed[i] += b->failed[i];
}

struct service_stats service_stats_diff(const struct service_stats *a,
                                        const struct service_stats *b)
{
    struct service_stats d = {
        .arrivals = a->arrivals - b->arrivals,
        .served = a->served - b->served,
        .ok = a->ok - b->ok,
        .degraded = a->degraded - b->degraded,
        .errors = a->errors - b->errors,
        .rejected = a->rejected - b->rejected,
        .lost = a->lost - b->lost,
        .expired = a->expired - b->expired,
        .cache_hits = a->cache_hits - b->cache_hits,
        .cache_misses = a->cache_misses - b->cache_misses,
        .calls_out = call_counts_diff(&a->calls_out, &b->calls_out),
        .shed = a->shed - b->shed,
        .duplicates = a->duplicates - b->duplicates,
        .replayed = a->replayed - b->replayed,
        .conflicts = a->conflicts - b->conflicts,
        .busy_area_ns = a->busy_area_ns - b->busy_area_ns,
        .up_area_ns = a->up_area_ns - b->up_area_ns,
        .queue_area_ns = a->queue_area_ns - b->queue_area_ns,
        .system_area_ns = a->system_area_ns - b->system_area_ns,
        .wasted_ns = a->wasted_ns - b->wasted_ns,
        .late_ns = a->late_ns - b->late_ns,
        .response_ns = a->response_ns - b->response_ns,
    };
    return d;
}
