/* Test helpers: load a scenario file through the real loader and run it,
 * collecting per-window figures that the statistical tests use as batches. */
#ifndef STAMPEDE_TEST_HELPERS_H
#define STAMPEDE_TEST_HELPERS_H

#include <stdint.h>

#include "../sim/edge/loader.h"
#include "../sim/model/sim.h"

#define MAX_BATCHES 64

struct batches {
    uint32_t count;
    double mean_latency_ms[MAX_BATCHES]; /* successes' mean in each window */
    double blocked_ratio[MAX_BATCHES];   /* rejected / offered in each window */
    double mean_in_system[MAX_BATCHES];  /* of service 0 */
    uint64_t successes[MAX_BATCHES];
};

/* Loads `file` (with overrides) or fails the test with the loader's errors. */
struct scenario_set load_or_fail(const char *file, const char *const *sets, uint32_t nsets);

/* Runs `sc`, skipping `warmup` windows, and returns the later windows as
 * batches. *report_out, if not NULL, receives a copy of the run report
 * (its pointers are dangling: use only the scalar fields). */
struct batches run_batches(const struct scenario *sc, uint32_t warmup,
                           struct run_report *report_out);

/* The scalar results of a run, copied out (no dangling pointers). */
struct run_result {
    struct traffic total;
    uint64_t in_flight;
    uint64_t latency_count;
    double latency_sum_ms, latency_max_ms, latency_p99_ms;
    struct service_stats services[8];
    double breaker_open_s[8];   /* per policy in use, clients' first */
    uint64_t breaker_opened[8];
    bool had_faults, recovery_known, recovered;
    double recovery_s;
    struct peaks peak;
    uint32_t edge_count;
    struct edge_stats edges[8]; /* per caller edge: clients', then services' calls */
    uint64_t edge_latency_count[8];
    uint64_t edge_attempts_taken[8][8]; /* calls that took k attempts (k < 8) */
    struct { uint64_t arrivals, ok, errors; } operations[8][4]; /* per service's declared one */
};

/* Loads a scenario from JSON text (failing the test on any loader error),
 * runs its first variant with its seed, and returns the results. `obs` may
 * be NULL. */
struct run_result run_json(const char *json, const struct sim_observer *obs);

struct interval {
    double mean, half_width;
};

/* Student-t interval over the first n values at two-sided level 99%. */
struct interval batch_interval(const double *values, uint32_t n);

#endif
