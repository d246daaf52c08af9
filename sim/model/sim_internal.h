/* sim_internal: the state shared by the model's files (sim.c, client.c,
 * service.c). Nothing outside sim/model includes it.
 *
 * Entities refer to each other by index into pools that grow by realloc, so
 * a pointer into a pool is valid only until the next allocation from it:
 * code re-fetches pointers after anything that may create a job or request.
 * Every pooled slot carries a generation, bumped when it is freed, and every
 * event or timer that names a slot carries the generation it expects. */
#ifndef STAMPEDE_SIM_INTERNAL_H
#define STAMPEDE_SIM_INTERNAL_H

#include "../base/histogram.h"
#include "../base/rng.h"
#include "../kernel/eventq.h"
#include "sim.h"

enum event_kind {
    EV_ARRIVAL,      /* id = client: the next open-loop arrival */
    EV_USER_WAKE,    /* id = client, arg = user: think time is over */
    EV_WORK_DONE,    /* id = job, arg = gen: a worker finished its work */
    EV_CALL_TIMEOUT, /* id = job, arg = gen: the caller stops waiting */
    EV_WINDOW_END,
};

enum outcome { OUTCOME_OK, OUTCOME_TIMEOUT, OUTCOME_ERROR, OUTCOME_REJECTED };

struct job {
    uint32_t gen;
    uint32_t next_free;
    uint32_t service, instance;
    uint32_t caller;        /* parent job, or request when !caller_is_job */
    uint32_t child;         /* job of the call in flight, or NO_INDEX */
    bool caller_is_job;
    bool caller_gone;       /* the caller's timeout fired: nobody reads the reply */
    bool working;           /* holds a worker */
    uint16_t next_call;
    bool orphaned;          /* the caller chain above has given up */
    sim_time arrived_at;
    struct timer_handle timer; /* the caller's timeout on this job */
};

struct request {
    uint32_t gen;
    uint32_t next_free;
    uint32_t client, user;
    sim_time started_at;
};

struct instance {
    uint32_t busy;
    uint32_t queued;
    uint32_t ring_cap, ring_head; /* deque of waiting job ids */
    uint32_t *ring;
};

struct service_rt {
    const struct service_cfg *cfg;
    struct instance *inst;
    uint32_t rr_next;
    struct rng work_rng, error_rng;
    uint32_t busy, queued; /* over all instances */
    uint32_t orphan_busy;  /* busy workers whose caller chain has given up */
    sim_time level_since;  /* areas are integrated up to here */
    uint32_t window_max_queue, max_queue;
    struct service_stats stats;
};

struct client_rt {
    const struct client_cfg *cfg;
    struct rng arrival_rng;
    struct rng *user_rng; /* closed loop: one think-time stream per user */
    uint64_t arrivals;    /* constant-rate arrivals made so far */
    sim_time interval_origin;
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
    struct sim_observer obs;

    struct service_rt *services;
    struct client_rt *clients;

    struct job *jobs;
    uint32_t job_cap, job_free;
    struct request *requests;
    uint32_t request_cap, request_free;
    uint64_t in_flight;

    /* windows */
    uint64_t window_index;
    sim_time window_start;
    struct traffic traffic_at_window_start;
    struct service_stats *service_at_window_start;
    struct service_window *window_services;
    struct histogram window_latency;
    struct histogram total_latency;

    struct run_report report;
    struct service_window *report_services;
    struct traffic *report_clients;
};

/* client.c */
void client_start(struct sim *s, uint32_t client);
void client_on_arrival(struct sim *s, uint32_t client);
void client_on_user_wake(struct sim *s, uint32_t client, uint32_t user);
void request_on_reply(struct sim *s, uint32_t request, enum outcome outcome);

/* service.c */
void service_init(struct sim *s, uint32_t service);
void service_release(struct service_rt *svc);
/* Sends a new request for `service` from a caller; arms `timeout_ns` (0 = none). */
void service_call(struct sim *s, uint32_t service, uint32_t caller, bool caller_is_job,
                  sim_time timeout_ns, bool orphaned);
void service_on_work_done(struct sim *s, uint32_t job, uint32_t gen);
void service_on_call_timeout(struct sim *s, uint32_t job, uint32_t gen);
/* Brings the service's integrated areas up to `now`. */
void service_integrate(struct service_rt *svc, sim_time now);

/* sim.c: pools */
uint32_t job_alloc(struct sim *s);
void job_free(struct sim *s, uint32_t job);
uint32_t request_alloc(struct sim *s);
void request_free(struct sim *s, uint32_t request);

#endif
