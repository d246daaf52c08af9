/* policy_cfg: what one resilience policy is made of, stage by stage.
 *
 * A policy composes, outermost first,
 *   fallback -> circuit breaker -> retry (with its budget) -> adaptive
 *   throttle -> bulkhead -> rate limit -> timeout around each attempt,
 * with an optional deadline across all attempts that is propagated to the
 * calls the callee makes in turn (gRPC). `order` may put the breaker inside
 * the retry (each attempt asks it: resilience4j's Retry(CircuitBreaker(..)))
 * and the throttle, bulkhead, rate limit and timeout outside it (once per
 * call instead of once per attempt). Each stage is its own struct; a stage
 * a policy does not have is `present = false` (the retry: max_attempts 1).
 * Plain data with validated values (the scenario loader, or a program
 * linking the policy library, fills it); times are sim_time nanoseconds. */
#ifndef STAMPEDE_POLICY_CFG_H
#define STAMPEDE_POLICY_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"
#include "../prim/backoff.h"
#include "../prim/breaker.h"
#include "outcome.h"

/* At most this many extra attempts a hedging policy sends. */
#define MAX_HEDGED 4

/* Which failed outcomes a retry retries (bits). */
enum retry_on {
    RETRY_ON_TIMEOUT = 1,
    RETRY_ON_ERROR = 2,
    RETRY_ON_REJECTED = 4,   /* overloaded: queue full, shed, limited */
    RETRY_ON_BREAKER = 8,    /* the caller's own open breaker (resilience4j's default does) */
};

/* Stages that `order` may place outside the retry: once per call instead of
 * once per attempt (a timeout outside is a timeout around all attempts). */
enum outer_block { OUTER_THROTTLE = 1, OUTER_BULKHEAD = 2, OUTER_RATE_LIMIT = 4, OUTER_TIMEOUT = 8 };

enum budget_kind { BUDGET_NONE, BUDGET_RATIO, BUDGET_CONCURRENCY, BUDGET_GRPC, BUDGET_AWS,
                   BUDGET_COUNT };

/* What limits retries across all calls of one caller. */
struct budget_cfg {
    enum budget_kind kind;
    double ratio, min_retries_per_s; /* ratio (Finagle, tower) */
    sim_time ttl_ns;
    double percent;                  /* concurrency (Envoy retry budget) */
    uint32_t min_concurrency;
    double max_tokens, token_ratio;  /* gRPC retry throttling */
    uint32_t capacity, retry_cost, timeout_cost; /* AWS SDK retry quota */
    uint32_t max_retries;            /* count: so many per window */
    sim_time window_ns, min_interval_ns;
};

struct retry_cfg {
    uint32_t max_attempts;  /* the first attempt included; 1 = no retry */
    struct backoff_cfg backoff;
    uint32_t on;            /* enum retry_on bits */
    struct status_set on_status; /* statuses retried whatever their kind; client errors
                                    (4xx but 429) are retried only when listed here */
    bool honor_retry_after; /* a server's Retry-After hint replaces the backoff (gRPC pushback) */
    struct budget_cfg budget;
};

struct policy_breaker_cfg {
    bool present;
    bool inside_retry;      /* asked by every attempt instead of once per call */
    struct status_set ignore; /* outcomes with these statuses count as neither success nor
                                 failure (resilience4j ignoreExceptions) */
    struct breaker_cfg breaker;
};

/* Google SRE client-side adaptive throttling. */
struct throttle_cfg {
    bool present;
    double k;
    sim_time window_ns;
};

/* A semaphore bulkhead (resilience4j): at most max_concurrent attempts (or
 * calls) at once, waiting up to max_wait for a slot; its slot comes back
 * when the caller stops waiting. Or a thread pool (Hystrix): max_concurrent
 * threads, `queue` attempts waiting for one (for at most their timeout),
 * and a thread held until the attempt really ends: its reply, or the
 * callee finishing the work its caller abandoned. */
struct bulkhead_cfg {
    bool present;
    bool thread_pool;
    uint32_t max_concurrent;
    sim_time max_wait_ns;
    uint32_t queue;           /* thread pool: waiting room */
};

/* A rate limit: a token bucket (x/time/rate: rate and burst, refuse when
 * empty) or resilience4j's fixed window (limit_for_period per refresh
 * period; a caller may wait up to timeout for a later period). Services use
 * the token bucket for admission too. */
enum rate_limit_kind { RATE_LIMIT_NONE, RATE_LIMIT_TOKEN_BUCKET, RATE_LIMIT_FIXED_WINDOW };

struct rate_limit_cfg {
    enum rate_limit_kind kind;
    double rate_rps;
    uint32_t burst;
    uint32_t limit_for_period;
    sim_time refresh_ns, timeout_ns;
};

/* gRPC-style hedging: another attempt each delay (fixed, or the observed
 * latency percentile once 100 calls are in) up to max_hedged extra. */
struct hedge_cfg {
    bool present;
    sim_time delay_ns;
    double percentile;      /* 0: the fixed delay */
    uint32_t max_hedged;    /* 1..MAX_HEDGED */
};

/* Attempts carry a key the callee deduplicates on, for this long after it
 * executed one. */
struct idempotency_cfg {
    bool present;
    sim_time retention_ns;
};

/* A failed call is answered by a fallback after this long. */
struct fallback_cfg {
    bool present;
    sim_time latency_ns;
    uint32_t on;                 /* failed outcomes it answers for (1 << enum outcome); 0: all */
    struct status_set on_status; /* and failures with these statuses */
};

struct policy_cfg {
    char *name;             /* owned by whoever built it (the scenario) */
    unsigned outer;         /* enum outer_block bits: placed outside the retry by `order` */
    sim_time timeout_ns;    /* per attempt (or per call, outside the retry); 0 = none */
    sim_time deadline_ns;   /* across all attempts, propagated below; 0 = none */
    bool shared;            /* scope "service": one state for all the caller's processes
                               (a token bucket behind Redis, a mesh-wide budget); else each
                               process keeps its own, as the libraries do */
    sim_time connect_timeout_ns; /* an attempt that cannot connect (a black-holed instance,
                                    a partition) fails this long after it was sent; 0 = none */
    struct retry_cfg retry;
    struct policy_breaker_cfg breaker;
    struct throttle_cfg throttle;
    struct bulkhead_cfg bulkhead;
    struct rate_limit_cfg rate_limit;
    struct hedge_cfg hedge;
    struct idempotency_cfg idempotency;
    struct fallback_cfg fallback;
};

#endif
