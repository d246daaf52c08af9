/* metrics: what a run measures, per window and in total.
 *
 * Counters are cumulative from the start of the run; a window's values are
 * differences between the counters at its two ends, so nothing is counted
 * twice and totals always equal the sum of the windows. Areas (busy workers
 * x time, queue length x time) are integrated exactly in integer
 * nanoseconds and held as doubles (exact below 2^53, deterministic beyond).
 * These structs are the simulator's public read-only view: result writers
 * and the viewer read them and nothing else. */
#ifndef STAMPEDE_METRICS_H
#define STAMPEDE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/histogram.h"
#include "../base/sim_time.h"
#include "../policy/call_counts.h"
#include "../policy/outcome.h"

#define FAILURE_KINDS(X)                                                                           \
    X(FAIL_TIMEOUT, "timeout")                                                                     \
    X(FAIL_ERROR, "error")                                                                         \
    X(FAIL_REJECTED, "rejected")                                                                   \
    X(FAIL_BREAKER, "breaker_open")                                                                \
    X(FAIL_SHED, "shed")                                                                           \
    X(FAIL_THROTTLED, "throttled")

#define FAIL_ENUM(e, s) e,
enum failure_kind { FAILURE_KINDS(FAIL_ENUM) FAIL_KIND_COUNT };
#undef FAIL_ENUM

extern const char *const failure_kind_names[FAIL_KIND_COUNT];

/* Names of the outcomes in reports: ok, degraded, timeout, error, rejected,
 * breaker_open, shed, throttled, fallback. */
extern const char *const outcome_names[OUTCOME_COUNT];

/* The outcomes an attempt that went out can have, as reports list them: a
 * refusal on the caller's side never goes out, and a fallback answers a
 * call, not an attempt. */
#define ATTEMPT_OUTCOME_COUNT 6
extern const enum outcome attempt_outcomes[ATTEMPT_OUTCOME_COUNT];

/* One caller edge (a client's calls to its target, or one call a service
 * makes to a dependency), counted at the caller: the logical calls it
 * began, the attempts they took and what the policy did, how each call
 * ended, and how each attempt that went out ended (its answer, or its
 * timeout: an edge's timeouts are attempts its caller stopped waiting
 * for). Attempts refused on the caller's side (breaker, bulkhead, rate
 * limit) never went out: they are in `counts.policy`. */
struct edge_stats {
    uint64_t calls;
    struct call_counts counts;
    uint64_t outcome[OUTCOME_COUNT];
    uint64_t attempt_outcome[OUTCOME_COUNT];
};

struct edge_window {
    const char *name;     /* "api->db" (a second call to the same callee: "api->db#2") */
    const char *caller;   /* a client or a service */
    const char *callee;
    const char *policy;   /* its name in the scenario, or NULL */
    struct edge_stats delta;
    const struct histogram *latency; /* of the calls that ended, whatever their outcome */
    /* the whole run's report only (NULL in a window): calls that ended
     * after k attempts, k = 0 .. most_attempts */
    const uint64_t *attempts_taken;
    uint32_t most_attempts;
};

/* Client-side traffic: what callers offered and what they got back. */
struct traffic {
    uint64_t offered;   /* new requests */
    struct call_counts calls; /* the attempts sent for them and what their policies did */
    uint64_t succeeded; /* full answers: nothing missing, no fallback anywhere */
    uint64_t good;      /* full answers within the client's latency objective (all
                           of them when it has none) */
    uint64_t degraded;  /* answers missing what an optional call failed to add */
    uint64_t fallback;  /* answers made by a fallback: the client's own, or one
                           deeper in the chain */
    uint64_t failed[FAIL_KIND_COUNT];
};

/* One service, all instances together. */
struct service_stats {
    uint64_t arrivals;  /* requests that reached the service */
    uint64_t served;    /* finished by a worker, whatever the outcome */
    uint64_t ok;        /* replied with success */
    uint64_t degraded;  /* of those, degraded: an optional call failed */
    uint64_t errors;    /* replied with an error (own or a dependency's) */
    uint64_t rejected;  /* turned away: queue full */
    uint64_t lost;      /* swallowed on the way (blackhole, partition, network loss) */
    uint64_t expired;   /* dropped unserved: the caller's deadline had passed */
    uint64_t cache_hits, cache_misses; /* lookups in the cache in front of it */
    struct call_counts calls_out; /* its own calls to its dependencies, under their policies */
    uint64_t shed;      /* refused by its admission control: CoDel, rate limit */
    uint64_t duplicates;/* executions of a logical call that had already executed */
    uint64_t replayed;  /* repeats answered from the idempotency-key store */
    uint64_t conflicts; /* repeats refused while the first was still executing */
    double busy_area_ns;   /* sum over workers of busy time */
    double up_area_ns;     /* sum over workers of time up: instance up, serving (not
                              paused) and in rotation, the worker not lost */
    double queue_area_ns;  /* integral of queued requests over time */
    double system_area_ns; /* integral of queued + in-service requests */
    double wasted_ns;      /* worker time whose answer did not reach a client as an
                              answer: errors, timeouts, lost or cancelled work, branches
                              of failed requests (counted when that is known) */
    double late_ns;        /* worker time spent after the caller chain gave up */
    double response_ns;    /* sum of (reply time - arrival time) of served work */
};

/* One of the operations a service declares, over the whole run: its
 * requests at the service and how the service answered them. */
struct operation_stats {
    uint64_t arrivals; /* requests for it that reached the service */
    uint64_t ok;       /* answered (degraded and fallback answers included) */
    uint64_t errors;   /* failed: its own errors, a dependency's, a refused connection */
    uint64_t rejected; /* turned away: queue full, or an idempotency conflict */
    uint64_t shed;     /* shed by CoDel, adaptive LIFO, a limiter or drop_expired */
    struct histogram *latency; /* arrival to reply at the service, whatever the outcome */
};

struct service_window {
    const char *name;
    /* the whole run's report only: its declared operations (0: none) */
    uint32_t operation_count;
    const struct operation_cfg *operations;
    const struct operation_stats *operation_stats;
    uint32_t capacity;     /* instances x workers */
    uint32_t queue_len;    /* at the end of the window */
    uint32_t busy;         /* workers busy at the end of the window */
    uint32_t max_queue;    /* largest queue seen in the window */
    struct service_stats delta; /* counters and areas within the window */
};

/* One caller's policy (a client's, or one call edge of a service): the
 * state of its primitives at the end of a window, and the breaker's time
 * open within it. Fields a policy does not have are -1 (counts) or NaN. */
struct policy_window {
    const char *edge;        /* "web->api" */
    const char *policy;      /* its name in the scenario */
    int breaker_state;       /* enum breaker_state, or -1 without a breaker */
    double breaker_open_s;   /* time the breaker spent open in the window */
    uint64_t breaker_opened; /* times it opened in the window */
    int64_t bulkhead_in_use, bulkhead_waiting;
    double budget_level;     /* retries the budget would allow now (ratio), its tokens
                                (grpc) or its capacity (aws) */
    double throttle_p;       /* SRE adaptive throttling's local rejection probability */
    uint32_t instances;      /* the policy states added up here: one per calling process
                                (1 for a client, or a state shared by scope "service") */
    uint32_t breakers_open;  /* of those, breakers open (or forced open) at the end */
};

/* One instance of a service in a window: its state and what it did. */
struct instance_window {
    const char *service;
    uint32_t instance;
    const char *state;       /* "up", "down", "paused", "draining" or "blackhole" */
    bool in_rotation;        /* the balancer may pick it */
    uint32_t workers_up;     /* serving workers at the end of the window */
    uint32_t queue_len, max_queue, busy; /* at the end; the longest in the window */
    uint64_t arrivals, served;           /* in the window */
};

struct window_report {
    uint64_t index;
    sim_time start_ns, end_ns;
    struct traffic delta;            /* all clients together, in the window */
    const struct histogram *latency; /* successes that completed in the window */
    const struct histogram *latency_failed; /* failures that ended in the window */
    const struct histogram *latency_all;    /* every request that ended: successes,
                                               failures and fallback answers */
    uint64_t in_flight;              /* client requests outstanding at the end */
    uint64_t max_in_flight;          /* the most outstanding at any instant in it */
    uint32_t service_count;
    const struct service_window *services;
    uint32_t policy_count;
    const struct policy_window *policies;
    uint32_t edge_count;
    const struct edge_window *edges;  /* every caller edge: clients', then services' calls */
    uint32_t instance_count;
    const struct instance_window *instances; /* every instance, service by service */
};

/* The busiest window of the run: herds and storms show in peaks that
 * whole-run averages hide. Rates are per second of the window, over the
 * full-length windows only (a short last window's rate is too noisy to be
 * a peak) unless the run has no full one; in_flight is the true maximum of
 * requests outstanding at any instant. */
struct peaks {
    double attempts_rps, retries_rps, failed_rps;
    uint64_t in_flight;
};

struct run_report {
    sim_time duration_ns;
    struct peaks peak;
    struct traffic total;
    const struct histogram *latency; /* every success, end to end */
    const struct histogram *latency_failed; /* every failure, until it was known */
    const struct histogram *latency_all;    /* every request that ended */
    uint64_t in_flight;              /* unfinished when the run ended */
    uint64_t events;                 /* engine events processed */
    uint32_t service_count;
    const struct service_window *services; /* delta = whole-run totals */
    uint32_t client_count;
    const struct traffic *clients;   /* per client, in scenario order */
    uint32_t policy_count;
    const struct policy_window *policies; /* breaker_open_s, breaker_opened: whole run */
    uint32_t edge_count;
    const struct edge_window *edges;      /* delta: whole-run totals */
    bool had_faults;
    bool recovery_known;             /* there was a pre-fault baseline */
    bool recovered;
    double recovery_s;               /* NaN unless recovered */
    const char *recovery_unknown;    /* why recovery could not be judged, or NULL */
};

static inline uint64_t traffic_failed(const struct traffic *t)
{
    uint64_t n = 0;
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        n += t->failed[i];
    return n;
}

struct edge_stats edge_stats_diff(const struct edge_stats *a, const struct edge_stats *b);
void edge_stats_add(struct edge_stats *a, const struct edge_stats *b);
void call_counts_add(struct call_counts *a, const struct call_counts *b);

/* a - b, field by field. */
struct traffic traffic_diff(const struct traffic *a, const struct traffic *b);
struct service_stats service_stats_diff(const struct service_stats *a,
                                        const struct service_stats *b);
/* Adds `b` into `a`, field by field. */
void traffic_add(struct traffic *a, const struct traffic *b);

#endif
