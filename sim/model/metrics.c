#include "metrics.h"

#define FAIL_NAME(e, s) s,
const char *const failure_kind_names[FAIL_KIND_COUNT] = {FAILURE_KINDS(FAIL_NAME)};
#undef FAIL_NAME

static struct call_counts call_counts_diff(const struct call_counts *a, const struct call_counts *b)
{
    struct call_counts d = {.attempts = a->attempts - b->attempts,
                            .retries = a->retries - b->retries};
    for (int i = 0; i < PC_COUNT; i++)
        d.policy[i] = a->policy[i] - b->policy[i];
    return d;
}

struct traffic traffic_diff(const struct traffic *a, const struct traffic *b)
{
    struct traffic d = {
        .offered = a->offered - b->offered,
        .calls = call_counts_diff(&a->calls, &b->calls),
        .succeeded = a->succeeded - b->succeeded,
        .degraded = a->degraded - b->degraded,
    };
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        d.failed[i] = a->failed[i] - b->failed[i];
    return d;
}

void traffic_add(struct traffic *a, const struct traffic *b)
{
    a->offered += b->offered;
    a->calls.attempts += b->calls.attempts;
    a->calls.retries += b->calls.retries;
    a->succeeded += b->succeeded;
    a->degraded += b->degraded;
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        a->failed[i] += b->failed[i];
    for (int i = 0; i < PC_COUNT; i++)
        a->calls.policy[i] += b->calls.policy[i];
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
        .queue_area_ns = a->queue_area_ns - b->queue_area_ns,
        .system_area_ns = a->system_area_ns - b->system_area_ns,
        .wasted_ns = a->wasted_ns - b->wasted_ns,
        .response_ns = a->response_ns - b->response_ns,
    };
    return d;
}
