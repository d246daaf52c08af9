/* sim_internal: the simulation's state shared by the model's files: the
 * entities, their pools and events. Nothing outside sim/model includes it.
 * Each struct has one owning file that writes its fields (a call: call.c,
 * a job: job.c and, for the worker it holds, service.c; an instance:
 * service.c, fault.c and health.c for their own flags); the others read or
 * go through the owner's functions.
 *
 * Entities refer to each other by index into pools that grow by realloc, so
 * a pointer into a pool is valid only until the next allocation from it:
 * code re-fetches pointers after anything that may create a job or request.
 * Every pooled slot carries a generation, bumped when it is freed, and every
 * event or timer that names a slot carries the generation it expects. */
#ifndef STAMPEDE_SIM_INTERNAL_H
#define STAMPEDE_SIM_INTERNAL_H

#include <stddef.h>

#include "../base/fenwick.h"
#include "../base/histogram.h"
#include "../base/min_tree.h"
#include "../base/rng.h"
#include "../kernel/eventq.h"
#include "cache.h"
#include "../policy/call_sm.h"
#include "../policy/outcome.h"
#include "../policy/policy.h"
#include "../policy/admission.h"
#include "../policy/server_checks.h"
#include "sim.h"

/* An integral of a count over time, in count-nanoseconds: 100,000 busy
 * workers for a year is 3e21, past 64 bits. */
__extension__ typedef unsigned __int128 area_ns;

enum event_kind {
    EV_ARRIVAL,      /* id = client, arg = arrival generation: the next open-loop arrival */
    EV_USER_WAKE,    /* id = client, arg = user | wake gen << 32: think time is over */
    EV_WORK_DONE,    /* id = job, arg = gen << 32 | work_seq: a worker finished its work */
    EV_CALL_TIMEOUT, /* id = job, arg = gen: the attempt's caller stops waiting */
    EV_WINDOW_END,
    EV_FAULT_START,  /* id = fault, arg = occurrence */
    EV_FAULT_END,    /* id = fault, arg = occurrence */
    EV_RESTART_DOWN, /* id = fault, arg = instance: a rolling restart takes it down */
    EV_RESTART_UP,   /* id = fault, arg = instance: and brings it back */
    EV_CALL_RESUME,  /* id = call, arg = gen: a wait is over (backoff, bulkhead, rate
                        limit, fallback): the call goes on from its stage */
    EV_REQUEST_IN,   /* id = job, arg = gen: a request crossed the network */
    EV_REPLY_IN,     /* id = job, arg = gen: a reply crossed the network */
    EV_PROBE,        /* id = service, arg = instance: its readiness probe is due */
    EV_PROBE_FAILED, /* id = service, arg = instance: a hanging probe timed out */
    EV_OUTLIER_TICK, /* id = service: the outlier detector's interval */
    EV_DRAIN_TIMEOUT,/* id = fault, arg = instance | drain gen << 32: stop draining */
    EV_LIVENESS_UP,  /* id = service, arg = instance: back from a liveness restart */
};

enum job_state {
    JOB_FREE,
    JOB_QUEUED,    /* waiting for a worker */
    JOB_WORKING,   /* holds a worker, doing its own work */
    JOB_CALLING,   /* holds a worker, waiting for its calls */
    JOB_PARKED,    /* holds a worker; call results arrived during a pause, unread */
    JOB_SWALLOWED, /* lost on the way in (blackhole, partition, network): never answers */
    JOB_IN_TRANSIT,  /* the request is crossing the network */
    JOB_REPLYING,    /* done; the reply is crossing the network */
    JOB_REPLY_LOST,  /* done; the reply was lost: kept until the caller times out */
};

/* Worker time whose use is not known yet (waste.c): the time one job held
 * a worker at one service, travelling up with its answer. */
struct credit {
    uint32_t service;
    uint32_t next;      /* the next credit of the same list, or of the free list */
    sim_time held_ns;
};

struct credit_list {
    uint32_t head, tail; /* NO_INDEX when empty */
};

#define CREDITS_NONE ((struct credit_list){NO_INDEX, NO_INDEX})

/* A hedged call's earlier attempts still out (the latest is call.attempt),
 * kept beside the call pool in sim.earlier. */
struct earlier_attempts {
    uint32_t job[MAX_HEDGED];
    struct timer_handle timeout[MAX_HEDGED];
};

/* One logical call from a caller (a client request, or a job making one of
 * its calls) to a service, across all its attempts: the state machine that
 * decides (call_sm) and what executing its decisions needs. A client's
 * request is its call: the request needs nothing the call does not hold
 * (its client and user, its start, the work its answer rests on), and a
 * record of its own was one more cache miss at every answer. */
struct call {
    uint32_t gen, next_free;
    uint32_t caller;         /* parent job, or client when !caller_is_job */
    uint32_t sibling, sibling_prev; /* the next and previous calls in flight of the same
                                       parent job (doubly linked: a completion unlinks
                                       in O(1), however wide the fan-out) */
    uint32_t service;
    uint32_t process;        /* the calling process: the parent job's instance, or the
                                request's client process */
    uint32_t operation;      /* of the callee, the same for every attempt */
    uint32_t attempt;        /* the job of the latest attempt out, or NO_INDEX */
    struct timer_handle attempt_timeout;          /* the latest attempt's timeout */
    uint8_t earlier_count;   /* hedging: earlier attempts still out, in sim.earlier */
    bool caller_is_job, optional, orphaned;
    struct edge_rt *edge;     /* the caller edge: its network and its counters */
    uint32_t rec;            /* exec_rec of a call that may execute twice, or NO_INDEX */
    struct timer_handle timer; /* the state machine's one timer (EV_CALL_RESUME) */
    uint32_t user;           /* a client's call: the closed-loop user who sent it, or NO_INDEX */
    struct call_sm sm;       /* sm.started: when the call (a client's request) began */
    struct credit_list credits; /* the work of the attempt that answered (a client's: the
                                   work its request's answer rests on) */
};

/* What the attempts of one logical call did at the callee, shared by the
 * call and its attempt jobs (which may outlive it) and freed with the last
 * of them: how many executed (more than one is a duplicate write), how many
 * are executing now (an idempotent server refuses a concurrent repeat). */
struct exec_rec {
    uint32_t gen, next_free;
    uint32_t refs, executed, running;
    uint64_t key;            /* the idempotency key the attempts carry */
};

/* caller "->" callee ["/" operation] ["#" n]: three names of at most 64 */
#define EDGE_LABEL_MAX 224

/* One caller-to-callee edge with a network: its settings and its own
 * random stream (so a change elsewhere leaves its draws alone). */
/* What one calling process's balancer sees of a callee's instances: its own
 * attempts outstanding at each (a client-side balancer: Envoy, gRPC,
 * Finagle); with many instances and least_outstanding, also those counts in
 * a min_tree, instances out of rotation keyed MIN_TREE_NONE. */
struct lb_view {
    uint32_t *count;
    struct min_tree least; /* n 0: not kept */
    const struct outlier *ej; /* the same process's own detector, whose ejected
                                 instances the tree keys MIN_TREE_NONE too, or NULL */
};

/* A calling process's own outlier detector for a callee's instances, and
 * what it leaves that process to pick from: how many are in rotation and
 * not ejected here, and with many instances those in a Fenwick tree, so a
 * random or p2c pick need not scan while the detector has ejections (in a
 * big fleet with a steady error rate, some process nearly always has). */
struct caller_detector {
    struct outlier det;
    uint32_t usable_count;   /* in rotation and not ejected by det */
    struct fenwick usable;   /* 1 for each of those (n 0: not kept, few instances) */
    struct lb_view *view;    /* the same process's balancer view, or NULL */
};

struct edge_rt {
    const struct network_cfg *cfg; /* NULL: no network on this edge */
    struct rng rng;
    char label[EDGE_LABEL_MAX];    /* "web->api", "api->db#2", "checkout->db/write" */
    const char *caller, *callee, *policy; /* policy NULL where there is none */
    struct edge_stats stats, at_window_start;
    struct histogram *window_latency, *total_latency; /* of the calls that ended */
    /* A client-side balancer's views, one per calling process: what that
     * process has outstanding at each instance of the callee. NULL: the
     * balancer is global. A process's row is allocated when it first calls. */
    struct lb_view **seen;
    uint32_t processes, callee_instances; /* calling processes; the callee's instances */
    /* Per calling process, its own outlier detector for the callee's
     * instances (allocated when the process first uses it), or NULL: the
     * callee has none, or one for all callers. */
    struct caller_detector **detectors;
    const struct outlier_cfg *outlier_cfg;
    uint32_t callee_index;
    /* calls that ended after k attempts (k = 0 .. most_attempts; 0: refused
     * before any went), retries and hedges included */
    uint64_t *attempts_taken;
    uint32_t most_attempts;
};

struct job {
    uint32_t gen;
    uint32_t next_free;
    uint32_t service, instance;
    uint32_t call;          /* the call this job is an attempt of */
    uint32_t child;         /* first of its own calls in flight, or NO_INDEX */
    uint32_t work_seq;      /* bumped to void a pending EV_WORK_DONE */
    uint32_t held_at;       /* while it holds a worker: its place in instance.held */
    uint8_t state;          /* enum job_state */
    uint8_t reply_outcome;  /* enum outcome, while JOB_REPLYING */
    bool caller_gone;       /* the call stopped waiting: nobody reads the reply */
    bool orphaned;          /* the caller chain above has given up */
    bool degraded;          /* an optional call of its own failed */
    bool fell_back;         /* a call of its own was answered by a fallback */
    bool spawning;          /* making a step's calls: results are counted, not acted on */
    bool after_calls;       /* JOB_WORKING on the share of work after the calls */
    bool limited;           /* holds a place in its instance's concurrency limit */
    bool keyed;             /* carries its call's idempotency key */
    bool running;           /* counted in its exec_rec's running */
    bool holds_pool;        /* holds a thread of job_rare.pool */
    uint32_t rec;           /* its call's exec_rec, or NO_INDEX */
    uint16_t step;          /* the current step of its operation's calls */
    uint16_t operation;     /* which of its service's operations it is */
    uint16_t pending, ok, failed; /* the current step's calls */
    uint16_t status;        /* the HTTP status its failure replies with; 0: its outcome's */
    uint32_t cache_key;     /* a cache miss: the key its answer fills, or NO_INDEX */
    sim_time arrived_at;
    sim_time sent_at;       /* its caller sent it (a connect timeout counts from here) */
    struct lb_view *seen_by; /* the balancer view (a calling process's) counting it, or NULL */
    sim_time deadline;      /* when its caller stops waiting; NEVER if it never does */
    sim_time inherited;     /* a deadline_ms propagated from above, for its own calls */
    sim_time done_at;       /* JOB_WORKING: when the work completes */
    struct edge_rt *edge;   /* the network it came over, or NULL for none (most jobs of
                               a networked scenario: kept here, not in job_rare) */
    sim_time work_start;        /* it took a worker then */
    struct credit_list credits; /* its worker time, and its answered calls' */
};

/* What only some jobs use, beside the job pool (sim.job_rare, by job
 * index) rather than in every job: with 100,000 jobs in flight what a job
 * costs is the cache lines it takes. Each field is valid only where it says. */
struct job_rare {
    sim_time work_after;      /* its service has work_after_calls: work left for after them */
    sim_time remaining;       /* JOB_WORKING in a pause: work left when it froze */
    uint32_t limit_in_flight; /* job.limited: the limiter's in-flight count when admitted */
    struct policy *pool;      /* job.holds_pool: its caller's thread-pool bulkhead, whose
                                 thread it holds after the caller let it go */
};

/* What the active faults make of one instance, recomputed whenever one of
 * them starts or ends. */
struct instance_state {
    bool down;      /* refuses requests (outage refuse, restart) */
    bool removed;   /* all workers lost: out of the balancer's rotation */
    bool blackhole; /* swallows requests */
    bool paused;    /* stop-the-world: no work progresses */
    uint32_t workers;     /* workers left */
    double latency_factor;
    sim_time latency_add;
    double survive;       /* probability that no injected error strikes */
    uint16_t error_status; /* the status of an injected error (the first errors fault's) */
};

struct instance {
    struct admission *adm; /* NULL: no CoDel, adaptive LIFO, rate or concurrency limit */
    /* Out of the balancer's rotation, for any of: all workers lost (st),
     * ejected as an outlier, failing its readiness probe. */
    bool out, ejected, unready;
    uint32_t up_workers;   /* workers serving now: 0 when down, paused or out of rotation */
    uint64_t arrivals, served;         /* requests sent to it; finished by its workers */
    uint64_t arrivals_at_window_start, served_at_window_start;
    uint32_t window_max_queue;         /* its longest queue in this window */
    bool leaving;          /* drained or restarting in a graceful rolling deploy */
    bool draining;         /* finishing its work before it goes down */
    uint32_t drain_gen;    /* voids a drain timeout once it went down */
    uint32_t busy;
    uint32_t *held, held_cap; /* the `busy` jobs holding its workers, in no order: a fault
                                 touches these, not the whole job pool */
    uint32_t queued;
    uint32_t ring_cap, ring_head; /* deque of waiting job ids */
    uint32_t *ring;
    uint32_t restarts_down; /* rolling-restart steps holding it down */
    /* Back from a restart: service times start cold_factor times longer and
     * fade back to normal by warm_until. */
    double cold_factor;
    sim_time warm_from, warm_until;
    struct instance_state st;
};

/* The policy states of one caller edge (proc_policy.c): one per calling
 * process (a service's instances, a client's processes), or one shared by
 * all of them (scope "service"). Reports add them up per edge. */
struct proc_policies {
    uint32_t processes;  /* calling processes */
    uint32_t states;     /* distinct states: processes, 1 when shared, 0 without a policy */
    struct policy **of;  /* [processes]: each process's state, the first `states` distinct */
};

/* cfg NULL: no policy. edge_label starts with the caller's name. */
void proc_policies_init(struct proc_policies *pp, const struct policy_cfg *cfg, uint64_t seed,
                        const char *caller, const char *edge_label, uint32_t processes);
void proc_policies_release(struct proc_policies *pp);
/* Process m's policy state, or NULL where the edge has no policy. */
static inline struct policy *proc_policy(const struct proc_policies *pp, uint32_t m)
{
    return pp->of ? pp->of[m] : NULL;
}

/* An edge with a policy, for the reports. */
struct pol_group {
    const char *edge; /* "api->db" */
    const struct proc_policies *pp;
};

struct service_rt {
    const struct service_cfg *cfg;
    struct instance *inst;
    uint32_t rr_next;
    uint32_t removed;      /* instances out of rotation (instance.out) */
    struct fenwick rotation; /* with many instances: 1 for each in rotation, so a random
                                pick finds the k-th in O(log n) (n 0: none kept) */
    struct min_tree least;   /* with many instances, least_outstanding and a global view:
                                each instance's busy + queued (n 0: none kept) */
    struct lb_view **views;  /* the callers' views that keep trees, told of rotation */
    uint32_t view_count, view_cap;
    struct caller_detector **detectors; /* the callers' own detectors, told of rotation */
    uint32_t detector_count, detector_cap;
    struct probe *probes;  /* per instance, with health checks */
    struct outlier outlier;     /* outlier_detection with scope "service" */
    struct edge_rt **outlier_callers; /* else: the caller edges whose processes keep their
                                         own detectors for it */
    uint32_t outlier_caller_count;
    struct rng work_rng, error_rng, lb_rng, call_rng;
    struct rng operation_rng;   /* the operation of a request that names none */
    struct operation_stats *op_stats; /* per declared operation, or NULL */
    struct edge_rt *call_edges; /* per call; cfg NULL where there is no network */
    struct proc_policies *call_pols; /* per call: its policy states, per instance */
    struct cache_rt cache;      /* cfg->present false: no cache */
    bool has_idem;              /* idem: set up by the first keyed request */
    struct idem_store idem;     /* idempotency keys of requests it executed */
    uint32_t busy, queued; /* over all instances */
    uint32_t up_workers;   /* over all instances: the capacity actually up */
    uint32_t orphan_busy;  /* busy workers whose caller chain has given up */
    /* The integrals of those levels over time, as exact integers (a double
     * sum rounds once it passes 2^53): busy and queued, which change at
     * every request, up to level_since; up and orphaned busy workers, which
     * change rarely, each up to its own instant, so a request's integration
     * costs two products, not five. service_settle_areas writes them into
     * stats for the reports. */
    area_ns busy_area, queue_area, up_area, late_area;
    sim_time level_since, up_since, late_since;
    uint32_t window_max_queue, max_queue;
    struct service_stats stats;
};

struct client_rt {
    const struct client_cfg *cfg;
    struct rng arrival_rng;
    double rate_rps;      /* the configured rate times active surges */
    double surge;         /* the product of the active surges' factors */
    uint32_t shape_cursor;
    uint32_t arrival_gen; /* voids a scheduled arrival when the rate changes */
    uint64_t arrivals;    /* constant-rate arrivals since interval_origin */
    sim_time interval_origin;
    /* closed loop, one entry per user */
    struct rng *user_rng;  /* think-time streams */
    uint32_t *user_gen;    /* voids a scheduled wake-up (herd) */
    uint8_t *user_thinking;
    struct edge_rt edge;   /* cfg NULL when the client has no network */
    struct proc_policies pols; /* per process */
    uint32_t next_process; /* open loop: the process the next arrival goes to */
    struct traffic stats;
};

struct sim {
    const struct scenario *sc;
    uint64_t seed;
    sim_time now;
    sim_time end;
    bool finished;
    struct eventq *q;
    uint64_t events;
    uint64_t events_at_now;  /* events in a row at the current instant */
    sim_time stuck_at;       /* time stopped advancing here, or NEVER */
    struct sim_observer obs;

    struct service_rt *services;
    struct client_rt *clients;
    /* The active faults (an occurrence in progress) on each service and on
     * each client, in increasing
     * fault order (so state is combined in the order of the file): a
     * transition looks at what is active on its target, not at every fault. */
    struct fault_list {
        uint32_t *f;
        uint32_t n, cap;
    } *faults_on_service, *faults_on_client;
    /* per fault, the sequence number reserved for its first occurrence: the
     * k-th is pushed when the one before starts, numbered first + k */
    uint64_t *fault_seq;
    uint32_t partitions_active; /* spares every call the partition check */
    struct recovery *recovery;

    struct job *jobs;
    uint32_t job_cap, job_free;
    struct call *calls;
    uint32_t call_cap, call_free;
    /* A hedged call's earlier attempts, by call index: apart from the call,
     * so that the many calls that never hedge keep their slots small (with
     * 100,000 calls in flight what a call costs is the cache lines it
     * takes). Grown with the call pool; entry i is valid for calls[i]'s
     * earlier_count. */
    struct earlier_attempts *earlier;
    uint32_t earlier_cap;
    struct job_rare *job_rare; /* by job index, grown with the job pool */
    uint32_t job_rare_cap;
    struct exec_rec *recs;
    uint32_t rec_cap, rec_free;
    struct credit *credits;
    uint32_t credit_cap, credit_free;
    uint64_t next_key;
    uint64_t in_flight;
    uint64_t window_max_in_flight; /* the most outstanding at once in this window */

    /* windows */
    uint64_t window_index;
    sim_time window_start;
    struct traffic traffic_at_window_start;
    struct peaks peak;
    struct service_stats *service_at_window_start;
    struct service_window *window_services;
    struct histogram window_latency, total_latency;               /* successes */
    struct histogram window_latency_failed, total_latency_failed; /* failures */
    struct histogram window_latency_fallback;                     /* fallback answers */
    struct histogram window_latency_all, total_latency_all; /* every request that ended:
                                                               the three merged */

    struct pol_group *pols; /* every caller edge's policy states, clients first, for reports */
    uint32_t pol_count;
    struct policy_window *window_pols, *report_pols;
    double *pol_open_at_window_start;
    uint64_t *pol_opened_at_window_start;

    struct edge_rt **edges; /* every caller edge: clients', then services' calls */
    uint32_t edge_count;
    struct edge_window *window_edges, *report_edges;
    struct instance_window *window_instances;
    uint32_t instance_count;

    struct run_report report;
    struct service_window *report_services;
    struct traffic *report_clients;
};

/* sim.c */
/* Reports a row for events.csv through the observer. */
void sim_emit(struct sim *s, const char *kind, const char *subject, const char *detail);
/* An exec_rec with one reference and a fresh key. */
uint32_t rec_alloc(struct sim *s);
/* Drops a reference (NO_INDEX: none); the last one frees the record.
 * Inline because most calls and jobs have no record. */
void rec_drop(struct sim *s, uint32_t rec);
static inline void rec_unref(struct sim *s, uint32_t rec)
{
    if (rec != NO_INDEX)
        rec_drop(s, rec);
}

/* fault.c */
void fault_schedule_all(struct sim *s);
/* The state the active faults give one instance of a service. */
struct instance_state fault_instance_state(const struct sim *s, uint32_t service,
                                           uint32_t instance);
void fault_on_event(struct sim *s, const struct event *ev);
/* A draining instance has finished its work: it goes down now. */
void fault_instance_drained(struct sim *s, uint32_t service, uint32_t instance);
/* True when an active partition drops calls to `service` from the caller:
 * a client when `from_client`, else a service. */
bool fault_partitioned(const struct sim *s, uint32_t service, bool from_client, uint32_t from);

/* client.c */
void client_start(struct sim *s, uint32_t client);
void client_on_arrival(struct sim *s, uint32_t client, uint32_t gen);
void client_on_user_wake(struct sim *s, uint32_t client, uint32_t user, uint32_t gen);
/* Sets the product of the client's active surges and reschedules its next
 * arrival at the new rate. */
void client_set_surge(struct sim *s, uint32_t client, double factor);
/* Wakes every thinking user of a closed-loop client now. */
void client_herd(struct sim *s, uint32_t client);
/* A client's request, call ci, ended with `outcome` now (the call is freed
 * after). */
void client_request_done(struct sim *s, uint32_t ci, enum outcome outcome);

/* call.c: a logical call across its attempts, executing its state machine */
/* Who makes a call: a job, or a client's user or open-loop arrival. */
struct call_from {
    uint32_t caller;  /* the job, or the client */
    bool is_job;
    uint32_t process; /* the calling process: the job's instance, or the client's process */
    uint32_t user;    /* a client's closed-loop user, or NO_INDEX */
};
/* `operation`: of the callee's, or NO_INDEX for one drawn by weight. */
void call_begin(struct sim *s, const struct call_from *from, uint32_t service, uint32_t operation,
                struct policy *pol, struct edge_rt *edge, bool optional, sim_time inherited);
/* Attempt `job` of the call answered `outcome` with HTTP `status` (0 for
 * none); `retry_after` is the hint a refusal carries (0: none). */
void call_on_reply(struct sim *s, uint32_t call, uint32_t job, enum outcome outcome,
                   unsigned status, sim_time retry_after);
/* EV_CALL_TIMEOUT: the attempt's timeout fired. */
void call_on_attempt_timeout(struct sim *s, uint32_t job, uint32_t gen);
/* EV_CALL_RESUME: the call's timer fired. */
void call_on_resume(struct sim *s, uint32_t call, uint32_t gen);
/* The caller no longer waits: the attempts out go on as waste. */
void call_abandon(struct sim *s, uint32_t call);
/* A thread-pool bulkhead's thread that an abandoned attempt held comes
 * back now that the attempt has really ended. */
void call_thread_freed(struct sim *s, struct policy *p);
/* Attempt `job` cannot connect (its instance is black-holed, or a partition
 * cuts it off): with a connect timeout its caller learns so that long after
 * sending it, sooner than its attempt timeout. */
void call_cannot_connect(struct sim *s, uint32_t job);
void call_orphan(struct sim *s, uint32_t call);
/* How long the callee keeps the idempotency keys of this call's attempts. */
sim_time call_idempotency_retention(const struct sim *s, uint32_t call);

/* job.c: one request at one service, from its arrival to its reply */
struct attempt_spec {
    uint32_t service, call, rec;
    uint32_t operation;
    bool orphaned, keyed;
    struct edge_rt *edge;
    sim_time deadline;  /* when its caller stops waiting, or NEVER */
    sim_time inherited; /* the deadline its own calls inherit, or NEVER */
};
/* A job for one attempt; nothing has happened to it yet. */
uint32_t job_new(struct sim *s, const struct attempt_spec *a);
/* Job j's rarely used fields (struct job_rare). */
static inline struct job_rare *job_rare_of(struct sim *s, uint32_t j)
{
    SIM_ASSERT(j < s->job_rare_cap);
    return &s->job_rare[j];
}

/* Job j now holds a thread of `pool`, a thread-pool bulkhead, given back
 * when the job ends. */
static inline void job_hold_pool(struct sim *s, uint32_t j, struct policy *pool)
{
    SIM_ASSERT(!s->jobs[j].holds_pool);
    job_rare_of(s, j)->pool = pool;
    s->jobs[j].holds_pool = true;
}
/* Ends a job with `outcome`: frees its worker, replies, recycles it. */
void job_finish(struct sim *s, uint32_t job, enum outcome outcome);
/* Frees a job nothing refers to any more (lost, dropped, or its reply lost). */
void job_release(struct sim *s, uint32_t job);
/* Marks the job and every call below it as given up on (wasted from now). */
void job_orphan(struct sim *s, uint32_t job);
/* The attempt's timeout fired: its caller stops listening. */
void job_caller_timed_out(struct sim *s, uint32_t job);
/* The caller let the attempt go (it abandoned the call, or a hedge won:
 * `cancelled`, which a server that drops expired work honours at once). */
void job_caller_left(struct sim *s, uint32_t job, bool cancelled);
/* EV_REPLY_IN: a reply crossed the network. */
void job_on_reply_in(struct sim *s, uint32_t job, uint32_t gen);

/* service.c: instances with workers and queues doing the jobs' work */
void service_init(struct sim *s, uint32_t service);
void service_release(struct service_rt *svc);
/* The request of a new job leaves its caller for the service: a cache may
 * answer it, the network may lose or delay it, else it arrives. The caller
 * is a client when `from_client`, else service `from` (for partitions). */
void service_take_request(struct sim *s, uint32_t job, bool from_client, uint32_t from);
/* The operation a request for `service` asks for: `named`, or, for NO_INDEX,
 * one drawn by the operations' weights. */
uint32_t service_pick_operation(struct sim *s, uint32_t service, uint32_t named);
void service_on_request_in(struct sim *s, uint32_t job, uint32_t gen);
/* The job is done at its service: its outcome is counted (and seen by the
 * health checks and the concurrency limiter), and the worker it held, if
 * `held`, is given back, so the next waiting job may start. */
void service_job_done(struct sim *s, uint32_t job, enum outcome outcome, bool held);

/* waste.c: worker time settled as useful or wasted once its request ends */
void waste_credit(struct sim *s, struct credit_list *l, uint32_t service, sim_time held_ns);
void waste_pass_some(struct sim *s, struct credit_list *from, struct credit_list *to);
void waste_settle_some(struct sim *s, struct credit_list *l, bool wasted);
/* Moves every credit of `from` to the end of `to`. (Inline: most lists
 * passed or settled on the way are empty.) */
static inline void waste_pass(struct sim *s, struct credit_list *from, struct credit_list *to)
{
    if (from->head != NO_INDEX)
        waste_pass_some(s, from, to);
}
/* Settles and empties `l`: its time is wasted, or it was useful. */
static inline void waste_settle(struct sim *s, struct credit_list *l, bool wasted)
{
    if (l->head != NO_INDEX)
        waste_settle_some(s, l, wasted);
}

/* edge_rt.c: a caller edge, its network and its accounting */
/* Sets up an edge: its names, its network (none when `net` is absent: cfg
 * NULL) with its own stream, and empty counters. */
void edge_init(struct edge_rt *e, const char *caller, const char *callee, const char *label,
               const struct policy_cfg *policy, const struct network_cfg *net, uint64_t seed,
               const char *stream);
void edge_release(struct edge_rt *e);
/* Gives each of the edge's `processes` calling processes a client-side
 * balancer's view of its callee's instances (least_outstanding and p2c,
 * unless the callee's lb_view is global). */
void edge_watch_instances(struct edge_rt *e, const struct scenario *sc, uint32_t callee,
                          uint32_t processes);
/* Process m's outlier detector for the callee `svc`, NULL when there is
 * none of its own. */
struct caller_detector *edge_detector_of(struct edge_rt *e, uint32_t m, struct service_rt *svc);
/* Process m's view of the callee `svc`, NULL when the balancer is global. */
struct lb_view *edge_view_of(struct edge_rt *e, uint32_t m, struct service_rt *svc);
/* One leg across the edge's network: false if the message is lost, else its delay. */
bool edge_cross(struct edge_rt *e, sim_time *delay);
/* An attempt that went out on the edge ended (its answer or its timeout). */
static inline void edge_on_attempt_end(struct edge_rt *e, enum outcome o)
{
    e->stats.attempt_outcome[o]++;
}
/* A call on the edge ended with `o`, `latency` after it began. */
void edge_on_call_end(struct edge_rt *e, enum outcome o, sim_time latency, uint32_t attempts);
/* The window since the last one, for a report; then the next one starts. */
void edge_close_window(struct edge_rt *e, struct edge_window *w);
/* After the window was reported: its calls' latencies join the run's. */
void edge_next_window(struct edge_rt *e);
/* The whole run so far, for the final report. */
void edge_fill_report(const struct edge_rt *e, struct edge_window *w);
void service_on_work_done(struct sim *s, uint32_t job, uint64_t arg);
/* The calls are done: the job does its remaining work, then replies. */
void service_after_calls(struct sim *s, uint32_t job);
/* The instance's serving workers may have changed (its state or its place
 * in the rotation did): the capacity actually up follows. */
void service_recount_up(struct sim *s, uint32_t service, uint32_t instance);
/* Recomputes an instance's state from the active faults and applies what
 * changed (failing, freezing or resuming its work). */
void service_refresh_instance(struct sim *s, uint32_t service, uint32_t instance);
/* Brings the busy and queued areas up to `now`: before either count changes. */
static inline void service_integrate(struct service_rt *svc, sim_time now)
{
    sim_time dt = now - svc->level_since;
    if (dt > 0) {
        svc->busy_area += (area_ns)dt * svc->busy;
        svc->queue_area += (area_ns)dt * svc->queued;
        svc->level_since = now;
    }
}
/* Brings the orphaned busy area up to `now`: before orphan_busy changes. */
static inline void service_integrate_late(struct service_rt *svc, sim_time now)
{
    svc->late_area += (area_ns)(now - svc->late_since) * svc->orphan_busy;
    svc->late_since = now;
}
/* Every area up to `now`, written into the service's stats for a report. */
void service_settle_areas(struct service_rt *svc, sim_time now);

/* steps.c: a job's calls, in steps, fanned out and gathered */
void steps_start(struct sim *s, uint32_t job);
void steps_on_result(struct sim *s, uint32_t job, enum outcome outcome, bool optional);
/* Evaluates the step again after a pause held its results back. */
void steps_resume(struct sim *s, uint32_t job);
/* The job no longer waits for any of its calls in flight. */
void steps_abandon(struct sim *s, uint32_t job);
/* Takes a call out of its parent's list of calls in flight. */
void steps_unlink(struct sim *s, uint32_t call);

/* health.c: readiness probes and outlier ejection, feeding the balancer */
void health_start(struct sim *s, uint32_t service);
void health_release(struct service_rt *svc);
void health_on_probe(struct sim *s, uint32_t service, uint32_t instance);
void health_on_probe_failed(struct sim *s, uint32_t service, uint32_t instance);
void health_on_outlier_tick(struct sim *s, uint32_t service);
void health_on_liveness_up(struct sim *s, uint32_t service, uint32_t instance);
void health_judge_result(struct sim *s, uint32_t job, bool failed);
/* A real request's result at an instance, for outlier ejection (a branch
 * where the service has no outlier detection). */
static inline void health_on_result(struct sim *s, uint32_t j, bool failed)
{
    if (s->services[s->jobs[j].service].cfg->has_outlier)
        health_judge_result(s, j, failed);
}
/* Recomputes whether the instance is in rotation from all its reasons. */
void health_update_rotation(struct sim *s, uint32_t service, uint32_t instance);

/* lb.c: the instance in rotation for the next request, or NO_INDEX. `view`
 * is the calling process's own count of attempts outstanding per instance
 * (a client-side balancer), or NULL to use the instances' true load; `ej`
 * the calling process's own outlier detector, whose ejections it skips, or
 * NULL. */
uint32_t lb_pick(struct service_rt *svc, const struct lb_view *view,
                 const struct caller_detector *ej);
/* Up to this many instances a balancer scans them (a few cache lines);
 * past it, a service keeps its rotation in a Fenwick tree, and a
 * least-outstanding balancer each view's loads in a min_tree. */
#define LB_SCAN_MAX 32
/* A service's balancer state (after its instances exist), and its end. */
void lb_init(struct service_rt *svc);
void lb_release(struct service_rt *svc);
/* Instance i's busy + queued changed (the global view's load): one branch
 * unless the service keeps a tree. */
static inline void lb_load_changed(struct service_rt *svc, uint32_t i)
{
    if (svc->least.n) {
        const struct instance *in = &svc->inst[i];
        min_tree_set(&svc->least, i, in->out ? MIN_TREE_NONE : in->busy + in->queued);
    }
}
/* Instance i left or rejoined rotation (instance.out is already set): the
 * count out of rotation and the trees follow. */
void lb_rotation_changed(struct service_rt *svc, uint32_t i);
/* A calling process's view of svc's instances (ej: that process's own
 * detector, or NULL), and its end. */
struct lb_view *lb_view_new(struct service_rt *svc, const struct outlier *ej);
void lb_view_free(struct lb_view *v);
/* A calling process's own detector for svc's instances, and its end. */
struct caller_detector *lb_detector_new(struct service_rt *svc, const struct outlier_cfg *cfg);
void lb_detector_free(struct caller_detector *d);
/* Instance i was ejected by d, or came back (d's host record says which):
 * what d's process may pick from follows. */
void lb_ejection_changed(struct service_rt *svc, struct caller_detector *d, uint32_t i);
/* The view counts one more (delta 1) or one fewer (-1) attempt at instance i. */
void lb_view_add(struct service_rt *svc, struct lb_view *v, uint32_t i, int delta);
/* job.c: the attempt no longer counts in its caller's balancer view (it
 * answered, timed out or was let go). */
static inline void job_unsee(struct sim *s, uint32_t j)
{
    struct job *job = &s->jobs[j];
    if (!job->seen_by)
        return;
    lb_view_add(&s->services[job->service], job->seen_by, job->instance, -1);
    job->seen_by = NULL;
}


#endif
