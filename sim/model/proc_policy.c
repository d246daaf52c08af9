/* The policy states of one caller edge, one per calling process: every
 * instance of a calling service, every process of a client, keeps its own
 * breaker, budget, throttle, bulkhead, limiter and hedging statistics, as
 * resilience4j, Polly, gRPC and Finagle keep them in each process; a policy
 * with scope "service" has one state that all the processes share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

void proc_policies_init(struct proc_policies *pp, const struct policy_cfg *cfg, uint64_t seed,
                        const char *caller, const char *edge_label, uint32_t processes)
{
    SIM_ASSERT(processes > 0);
    *pp = (struct proc_policies){.processes = processes};
    if (!cfg)
        return;
    pp->states = cfg->shared ? 1 : processes;
    pp->of = xmalloc((size_t)processes * sizeof *pp->of);
    /* the edge's label names one state; each process's names its process
     * ("api#2->db"), so events say whose breaker opened */
    size_t caller_len = strlen(caller);
    SIM_ASSERT(strncmp(edge_label, caller, caller_len) == 0);
    for (uint32_t m = 0; m < pp->states; m++) {
        char own[EDGE_LABEL_MAX + 16];
        if (pp->states == 1)
            snprintf(own, sizeof own, "%s", edge_label);
        else
            snprintf(own, sizeof own, "%s#%u%s", caller, m, edge_label + caller_len);
        pp->of[m] = policy_new(cfg, seed, own);
    }
    for (uint32_t m = pp->states; m < processes; m++)
        pp->of[m] = pp->of[0];
}

void proc_policies_release(struct proc_policies *pp)
{
    for (uint32_t m = 0; m < pp->states; m++)
        policy_free(pp->of[m]);
    free(pp->of);
    *pp = (struct proc_policies){0};
}
