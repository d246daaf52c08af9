#include "metrics.h"

#define FAIL_NAME(e, s) s,
const char *const failure_kind_names[FAIL_KIND_COUNT] = {FAILURE_KINDS(FAIL_NAME)};
#undef FAIL_NAME
#define PC_NAME(e, s) s,
const char *const policy_count_names[PC_COUNT] = {POLICY_COUNTS(PC_NAME)};
#undef PC_NAME

struct traffic traffic_diff(const struct traffic *a, const struct traffic *b)
{
    struct traffic d = {
        .offered = a->offered - b->offered,
        .attempts = a->attempts - b->attempts,
        .retries = a->retries - b->retries,
        .succeeded = a->succeeded - b->succeeded,
        .degraded = a->degraded - b->degraded,
    };
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        d.failed[i] = a->failed[i] - b->failed[i];
    for (int i = 0; i < PC_COUNT; i++)
        d.policy[i] = a->policy[i] - b->policy[i];
    return d;
}

void traffic_add(struct traffic *a, const struct traffic *b)
{
    a->offered += b->offered;
    a->attempts += b->attempts;
    a->retries += b->retries;
    a->succeeded += b->succeeded;
    a->degraded += b->degraded;
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        a->failed[i] += b->failed[i];
    for (int i = 0; i < PC_COUNT; i++)
        a->policy[i] += b->policy[i];
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
        .retries_out = a->retries_out - b->retries_out,
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
    for (int i = 0; i < PC_COUNT; i++)
        d.policy_out[i] = a->policy_out[i] - b->policy_out[i];
    return d;
}
