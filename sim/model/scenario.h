/* scenario: the immutable description of one run, as the loader builds it.
 *
 * Everything here is plain data with validated values: names are unique,
 * references are indices that exist, the call graph has no cycle, and every
 * number is within its documented range. The simulation reads it and never
 * changes it. Times are sim_time nanoseconds; rates are per second.
 * Ownership: one scenario_free() releases the whole tree. */
#ifndef STAMPEDE_SCENARIO_H
#define STAMPEDE_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/dist.h"
#include "../base/rate_shape.h"
#include "../base/sim_time.h"
#include "../policy/server_checks.h"
#include "../policy/admission.h"
#include "../policy/policy_cfg.h"

#define NO_INDEX UINT32_MAX
#define QUEUE_UNBOUNDED UINT32_MAX

enum queue_discipline { QUEUE_FIFO, QUEUE_LIFO };

#define LB_KINDS(X)                                                                                \
    X(LB_ROUND_ROBIN, "round_robin")                                                               \
    X(LB_RANDOM, "random")                                                                         \
    X(LB_LEAST_OUTSTANDING, "least_outstanding")                                                   \
    X(LB_P2C, "p2c")

#define LB_ENUM(e, s) e,
enum lb_kind { LB_KINDS(LB_ENUM) LB_KIND_COUNT };
#undef LB_ENUM

/* The network between a caller and a callee, applied to the request and
 * to the reply separately: each leg takes a latency draw and is lost with
 * probability `loss` (only the caller's timeout notices a loss). */
struct network_cfg {
    bool present;
    bool has_latency;
    struct dist latency;
    double loss;
};

struct call_cfg {
    uint32_t service;   /* index of the callee */
    uint32_t operation; /* the callee's operation it asks for, or NO_INDEX: drawn by weight */
    uint32_t policy;    /* index into scenario.policies, or NO_INDEX */
    struct network_cfg net;
    double probability; /* the call is made with this probability, else skipped */
    bool optional;      /* its failure degrades the reply instead of failing it */
};

enum wait_mode { WAIT_ALL, WAIT_FIRST, WAIT_QUORUM };

/* One step of a service's calls: `count` calls starting at calls[first],
 * made together; the step is done when `wait` says (all of them, the first
 * success, or `quorum` successes). A single call is a step of one. */
struct call_step {
    uint32_t first, count;
    enum wait_mode wait;
    uint32_t quorum;
};

/* A cache in front of a service: a hit answers for it. Either a fixed hit
 * ratio, or a key space: each request asks for one of `keys` keys (uniform,
 * or Zipf with exponent `zipf_s` > 0); a key is present for `ttl_ns` after
 * a miss filled it, so an empty cache sends every request through. */
struct cache_cfg {
    bool present;
    double hit_ratio;  /* > 0: a fixed ratio, no key space */
    uint32_t keys;
    sim_time ttl_ns;
    double zipf_s;     /* 0: keys equally popular */
    sim_time hit_ns;   /* time to answer a hit */
};

/* One kind of request a service serves (an endpoint, a query): its own
 * work, errors and calls. A service without declared operations has one,
 * unnamed, made of the service's own keys. */
struct operation_cfg {
    char *name;              /* NULL: the implicit one */
    double weight;           /* share of the requests that name no operation */
    bool has_service_time;   /* else the service's */
    struct dist service_time;
    double error_rate;
    uint16_t error_status;
    uint32_t step_first, step_count; /* its steps in the service's steps[] */
};

struct service_cfg {
    char *name;
    struct cache_cfg cache;
    uint32_t instances;
    uint32_t workers; /* per instance */
    uint32_t queue_capacity; /* waiting room per instance, or QUEUE_UNBOUNDED */
    enum queue_discipline discipline;
    enum lb_kind lb;  /* how callers spread requests over the instances */
    struct dist service_time;
    bool lb_global;    /* least_outstanding, p2c: the balancer sees every caller's load
                          (a central load balancer), not only the caller's own */
    double error_rate; /* probability that a finished piece of work fails */
    uint16_t error_status; /* the HTTP status those failures reply with (500) */
    double work_after_calls; /* share of the service time done after the calls */
    bool drop_expired; /* discard queued work whose caller's deadline has passed */
    struct admission_cfg admission; /* at each instance: rate and concurrency limits, CoDel */
    /* Active readiness probes (Kubernetes): every interval each instance is
     * probed; failure_threshold failures in a row take it out of the
     * balancer's rotation, success_threshold successes bring it back. A
     * probe fails at once on a refusing instance and after its timeout on
     * one that hangs (black hole, pause, no workers). */
    bool has_health_check;
    sim_time hc_interval_ns, hc_timeout_ns, hc_initial_delay_ns;
    uint32_t hc_success_threshold, hc_failure_threshold;
    bool hc_liveness;        /* a liveness probe: failing restarts the instance... */
    sim_time hc_restart_ns;  /* ...which is down (and out of rotation) this long */
    /* Passive outlier ejection (Envoy consecutive 5xx): errors, refusals and
     * timeouts of real requests count against the instance that had them. */
    bool has_outlier;
    bool outlier_shared; /* scope "service": one detector sees every caller's results
                            (a central balancer); else each calling process its own (Envoy) */
    struct outlier_cfg outlier;
    /* Graceful draining in a rolling restart: a leaving instance is taken
     * out of rotation at once, finishes its queued and in-flight work for up
     * to drain_ns, then goes down (failing what is left); it rejoins the
     * rotation when it is back. 0: it goes down at once, mid-request, and
     * stays in rotation (refusing) unless probes take it out. */
    sim_time drain_ns;
    sim_time retry_after_ns; /* a refusal carries this Retry-After hint (0: none) */
    uint32_t call_count;
    struct call_cfg *calls;  /* every call, in the order of the steps */
    uint32_t step_count;
    struct call_step *steps; /* made in sequence after the service's own work */
    uint32_t operation_count;  /* >= 1 */
    bool named_operations;     /* declared in the scenario (else one implicit) */
    struct operation_cfg *operations;
    double operation_weight;   /* the weights' sum */
};

/* The mean work of a request, over the operations by weight (ms). */
double service_mean_ms(const struct service_cfg *s);

/* The work an operation's requests take. */
static inline const struct dist *operation_service_time(const struct service_cfg *s,
                                                        const struct operation_cfg *o)
{
    return o->has_service_time ? &o->service_time : &s->service_time;
}

enum arrival_process { ARRIVAL_POISSON, ARRIVAL_CONSTANT };

/* Whether callers of this service keep their own view of its instances'
 * load (a load-weighing balancer, several instances, not global). */
static inline bool lb_uses_caller_view(const struct service_cfg *c)
{
    return (c->lb == LB_LEAST_OUTSTANDING || c->lb == LB_P2C) && !c->lb_global &&
           c->instances > 1;
}

struct client_cfg {
    char *name;
    uint32_t target; /* service index */
    uint32_t policy; /* or NO_INDEX */
    struct network_cfg net;
    sim_time slo_ns;  /* a full answer slower than this is not good; 0: no objective */
    uint32_t instances; /* processes, each with its own policy state (users or arrivals
                           dealt out over them in turn) */
    uint32_t operation; /* the target's operation it asks for, or NO_INDEX: drawn */
    bool closed_loop;
    /* open loop */
    enum arrival_process process;
    double rate_rps;          /* the base rate (for steps and traces: their first) */
    struct rate_shape shape;  /* how the rate changes over time, if it does */
    /* closed loop */
    uint32_t users;
    struct dist think_time;
};

#define FAULT_KINDS(X)                                                                             \
    X(FAULT_OUTAGE, "outage")                                                                      \
    X(FAULT_PAUSE, "pause")                                                                        \
    X(FAULT_LATENCY, "latency")                                                                    \
    X(FAULT_ERRORS, "errors")                                                                      \
    X(FAULT_CAPACITY, "capacity")                                                                  \
    X(FAULT_PARTITION, "partition")                                                                \
    X(FAULT_SURGE, "surge")                                                                        \
    X(FAULT_RESTART, "restart")                                                                    \
    X(FAULT_HERD, "herd")                                                                          \
    X(FAULT_CACHE_FLUSH, "cache_flush")                                                            \
    X(FAULT_BREAKER_OPEN, "breaker_open")                                                          \
    X(FAULT_BREAKER_RESET, "breaker_reset")

#define FAULT_ENUM(e, s) e,
enum fault_kind { FAULT_KINDS(FAULT_ENUM) FAULT_KIND_COUNT };
#undef FAULT_ENUM

extern const char *const fault_kind_names[FAULT_KIND_COUNT];

enum outage_mode { OUTAGE_REFUSE, OUTAGE_BLACKHOLE };
enum restart_mode { RESTART_ROLLING, RESTART_ALL };

/* One entry of the chaos timeline. Occurrence k (0 <= k < count) starts at
 * at_ns + k * every_ns and lasts duration_ns. */
struct fault_cfg {
    enum fault_kind kind;
    uint32_t target;          /* a service, or a client for surge and herd; the callee of a
                                 breaker action */
    uint32_t from;            /* partition: the calling service, NO_INDEX for any; breaker
                                 actions: the caller */
    bool from_client;         /* partition, breaker actions: `from` is a client index */
    sim_time at_ns, duration_ns, every_ns;
    uint32_t count;
    uint32_t first_instance, instance_count; /* the instances affected */
    enum outage_mode mode;
    enum restart_mode restart;
    sim_time interval_ns;     /* rolling restart: between instances */
    double cold_factor;       /* restart: service-time multiplier on coming back... */
    sim_time warmup_ns;       /* ...fading linearly to 1 over this long */
    sim_time drain_ns;        /* restart: the target's drain timeout (the end may slip by it) */
    double factor;            /* latency: service-time multiplier; surge: rate multiplier */
    sim_time add_ns;          /* latency: added to every service time */
    double rate;              /* errors: extra failure probability */
    uint16_t status;          /* errors: the HTTP status of those failures (500) */
    uint32_t workers_lost;    /* capacity: per instance; all of them removes the instance */
    char *label;              /* "db latency +400 ms", for events and plots */
    char *edge;               /* breaker actions: "api->db", their subject; else NULL */
};

/* How recovery after the faults is judged (see recovery.h). */
struct recovery_cfg {
    double tolerance;  /* relative shortfall of the answered ratio still counted as back */
    sim_time hold_ns;  /* it must stay back over every span this long */
};

struct scenario {
    char *name;
    char *title;
    char *description;
    char *view_panels; /* "load,outcomes": the panels its pictures show, or NULL (chosen by content) */
    char *variant;    /* the variant this scenario was built for; "default" */
    sim_time duration_ns;
    sim_time window_ns;
    uint64_t seed;
    uint32_t service_count, client_count, policy_count, fault_count;
    struct service_cfg *services;
    struct client_cfg *clients;
    struct policy_cfg *policies;
    struct fault_cfg *faults;
    struct recovery_cfg recovery;
    /* where it came from, for the results' provenance */
    char *source_file;
    char source_sha256[65];   /* of the file's text */
    char **overrides;         /* the command line's --set, in order */
    uint32_t override_count;
};

/* When occurrence `k` of fault `f` ends, everything included (a rolling
 * restart ends when its last instance is back). */
sim_time fault_end_of(const struct fault_cfg *f, uint32_t k);


void scenario_free(struct scenario *s);

#endif
