/* series: what the graphs show, one run (a scenario's variant) at a time.
 *
 * Filled either live, window by window, from the simulator's observer (the
 * public window reports and events, nothing inside the simulator), or after
 * the fact from a result folder's CSV files. Memory is per window, for the
 * run's windows only. */
#ifndef STAMPEDE_VIZ_SERIES_H
#define STAMPEDE_VIZ_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/model/sim.h"

#define VIZ_MAX_SERVICES 256 /* past this, plots group the rest as "others" anyway */
#define VIZ_MAX_POLICIES 8
#define VIZ_MAX_INSTANCES 256
#define VIZ_MAX_FAULTS 1024

struct viz_fault {
    double start, end; /* end is NaN while the fault lasts */
    char label[96];
};

/* How the run's recovery after its faults was judged (summary.json's
 * `recovered`): no faults, back at an instant, not back by the end, or not
 * judged (too few requests, the run ended too soon). */
enum viz_recovery { VIZ_RECOVERY_NONE, VIZ_RECOVERY_BACK, VIZ_RECOVERY_NOT_BACK,
                    VIZ_RECOVERY_UNKNOWN };

/* What became of the requests of a window, for the outcomes panel: full
 * answers, degraded ones, fallbacks, then the failures by reason (the
 * order of FAILURE_KINDS). */
enum viz_outcome {
    VIZ_SUCCEEDED, VIZ_DEGRADED, VIZ_FALLBACK, VIZ_TIMEOUT, VIZ_ERROR, VIZ_REJECTED,
    VIZ_BREAKER_OPEN, VIZ_SHED, VIZ_THROTTLED, VIZ_OUTCOMES
};

/* What the series hold for each service, per window. */
enum viz_service_metric {
    VIZ_SVC_QUEUE,         /* the window's longest queue */
    VIZ_SVC_UTIL,          /* utilisation of nominal capacity, 0..1 */
    VIZ_SVC_WASTED,        /* worker-seconds per second spent on answers nobody got */
    VIZ_SVC_AMPLIFICATION, /* arrivals per request the clients offered; NaN: none offered */
    VIZ_SVC_CACHE_HIT,     /* cache hits per lookup; NaN: no lookups */
    VIZ_SVC_DUPLICATES,    /* executions of work already done, per second */
    VIZ_SVC_REPLAYED,      /* repeats answered from the idempotency-key store, per second */
    VIZ_SVC_CONFLICTS,     /* repeats refused while the first still ran, per second */
    VIZ_SVC_RETRIES_OUT,   /* its own calls' retries, per second */
    VIZ_SVC_SUPPRESSED_OUT,/* its own calls' retries a budget refused, per second */
    VIZ_SVC_HEDGES_OUT,    /* its own calls' hedges, per second */
    VIZ_SVC_REFUSED_OUT,   /* its own calls' attempts refused by its breakers, bulkheads,
                              rate limiters or adaptive throttles, per second */
    VIZ_SVC_METRICS
};

/* A breaker's state per window: -1 none, 0 closed, 1 open, 2 half-open. */
struct viz_series {
    char name[64], variant[64], title[160];
    char view_panels[256]; /* the scenario's "view" panels ("load,outcomes"), or "" */
    char *description;
    double duration_s, window_s;
    uint32_t n, cap;
    double *t; /* start of each window, s */
    double *offered, *attempts, *goodput, *failed; /* per second */
    double *p50, *p90, *p99;                        /* ms; NaN without successes */
    double *shed, *throttled;                       /* failures by those reasons, per second */
    double *outcome[VIZ_OUTCOMES];                  /* per second, by enum viz_outcome */
    double *retries, *suppressed, *hedges;          /* the clients': sent, refused by a budget,
                                                       hedged; per second */
    double *refused; /* the clients' calls refused by their own breakers, bulkheads, rate
                        limiters or adaptive throttles, per second */
    uint32_t services;
    uint32_t service_arrays; /* services whose arrays exist (made on first use) */
    char service_name[VIZ_MAX_SERVICES][48];
    double *service[VIZ_SVC_METRICS][VIZ_MAX_SERVICES]; /* [metric][service][window] */
    uint32_t instances;      /* every instance of every service, service by service */
    uint32_t instance_arrays;
    char instance_name[VIZ_MAX_INSTANCES][56]; /* "api#2" */
    char instance_service[VIZ_MAX_INSTANCES][48];
    double *instance_queue[VIZ_MAX_INSTANCES]; /* the window's longest queue */
    uint32_t policies;
    char policy_edge[VIZ_MAX_POLICIES][64];
    int8_t *breaker[VIZ_MAX_POLICIES];
    double *budget[VIZ_MAX_POLICIES];
    uint32_t faults;
    struct viz_fault fault[VIZ_MAX_FAULTS];
    enum viz_recovery recovery;
    double recovery_s;     /* after the last fault's end, s; NaN unless back */
    double last_fault_end_s; /* the latest fault start or end seen, s; NaN: none */
    char narration[200]; /* the latest thing that happened, for the caption */
    double now_s;        /* simulated time reached */
    bool finished;
};

/* A caller's refusals by its own breakers, bulkheads, rate limiters and
 * adaptive throttles; and those policy counts' names, as in the CSV
 * columns (NULL-terminated). */
uint64_t viz_refusals(const struct call_counts *c);
extern const char *const viz_refusal_columns[];

/* Makes the per-service arrays of services [0, count) exist, at
 * the series' capacity (services are many; most runs have few). */
void viz_series_use_services(struct viz_series *v, uint32_t count);

/* The same for the per-instance queue arrays of instances [0, count). */
void viz_series_use_instances(struct viz_series *v, uint32_t count);

/* An empty series for a run of `sc` (names, duration, windows), with room
 * for all its windows: filling it never moves the arrays. */
struct viz_series *viz_series_new(const struct scenario *sc);
void viz_series_free(struct viz_series *v);
/* Doubles the room for windows. */
void viz_series_grow(struct viz_series *v);

/* The run's recovery verdict, from its final report. */
void viz_series_set_recovery(struct viz_series *v, const struct run_report *r);

/* Observer callbacks (ctx is the series). */
void viz_series_on_window(void *ctx, const struct window_report *w);
void viz_series_on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                         const char *detail);

/* Loads a result folder (timeseries.csv, services.csv, policies.csv,
 * events.csv, summary.json); NULL with a message in err if it cannot. */
struct viz_series *viz_series_load(const char *dir, char *err, size_t err_size);

#endif
