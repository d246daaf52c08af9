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
#include "../base/sim_time.h"

#define NO_INDEX UINT32_MAX
#define QUEUE_UNBOUNDED UINT32_MAX

enum queue_discipline { QUEUE_FIFO, QUEUE_LIFO };

struct policy_cfg {
    char *name;
    sim_time timeout_ns; /* per attempt; 0 = wait forever */
};

struct call_cfg {
    uint32_t service; /* index of the callee */
    uint32_t policy;  /* index into scenario.policies, or NO_INDEX */
};

struct service_cfg {
    char *name;
    uint32_t instances;
    uint32_t workers; /* per instance */
    uint32_t queue_capacity; /* waiting room per instance, or QUEUE_UNBOUNDED */
    enum queue_discipline discipline;
    struct dist service_time;
    double error_rate; /* probability that a finished piece of work fails */
    uint32_t call_count;
    struct call_cfg *calls; /* made in sequence after the service's own work */
};

enum arrival_process { ARRIVAL_POISSON, ARRIVAL_CONSTANT };

struct client_cfg {
    char *name;
    uint32_t target; /* service index */
    uint32_t policy; /* or NO_INDEX */
    bool closed_loop;
    /* open loop */
    enum arrival_process process;
    double rate_rps;
    /* closed loop */
    uint32_t users;
    struct dist think_time;
};

struct scenario {
    char *name;
    char *title;
    char *description;
    char *variant;    /* the variant this scenario was built for; "default" */
    sim_time duration_ns;
    sim_time window_ns;
    uint64_t seed;
    uint32_t service_count, client_count, policy_count;
    struct service_cfg *services;
    struct client_cfg *clients;
    struct policy_cfg *policies;
};

/* The per-attempt timeout of policy `policy` (NO_INDEX: none), or 0. */
static inline sim_time scenario_timeout(const struct scenario *sc, uint32_t policy)
{
    return policy == NO_INDEX ? 0 : sc->policies[policy].timeout_ns;
}

void scenario_free(struct scenario *s);

#endif
