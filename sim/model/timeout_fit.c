#include "timeout_fit.h"

#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"

/* How long the callers of a service wait for one attempt: the shortest
 * per-attempt timeout among the edges into it that have no deadline (a
 * deadline is propagated, so it bounds the work below by itself). */
struct patience {
    sim_time ns; /* 0: nobody waits with a timeout */
    char edge[160];
    const char *policy;
};

static void consider(struct patience *p, const struct scenario *sc, uint32_t policy,
                     const char *caller, const char *callee)
{
    if (policy == NO_INDEX)
        return;
    const struct policy_cfg *pc = &sc->policies[policy];
    if (pc->timeout_ns <= 0 || pc->deadline_ns > 0 || (p->ns > 0 && pc->timeout_ns >= p->ns))
        return;
    p->ns = pc->timeout_ns;
    p->policy = pc->name;
    snprintf(p->edge, sizeof p->edge, "%s->%s", caller, callee);
}

/* The longest a call under `pc` can take to end with every attempt timing
 * out, the backoffs at their shortest (no jitter counted): attempts x
 * timeout; its deadline bounds it. 0 when nothing bounds it. */
static sim_time longest_call(const struct policy_cfg *pc, uint32_t *attempts)
{
    *attempts = pc->retry.max_attempts > 1 ? pc->retry.max_attempts : 1;
    sim_time total = pc->timeout_ns > 0 ? pc->timeout_ns * (sim_time)*attempts : 0;
    if (pc->deadline_ns > 0 && (total == 0 || pc->deadline_ns < total))
        total = pc->deadline_ns;
    return total;
}

void timeout_fit_check(const struct scenario *sc,
                       void (*report)(void *ctx, uint32_t service, const char *why), void *ctx)
{
    struct patience *wait = xcalloc(sc->service_count + 1, sizeof *wait);
    for (uint32_t c = 0; c < sc->client_count; c++)
        consider(&wait[sc->clients[c].target], sc, sc->clients[c].policy, sc->clients[c].name,
                 sc->services[sc->clients[c].target].name);
    for (uint32_t s = 0; s < sc->service_count; s++)
        for (uint32_t k = 0; k < sc->services[s].call_count; k++) {
            const struct call_cfg *call = &sc->services[s].calls[k];
            consider(&wait[call->service], sc, call->policy, sc->services[s].name,
                     sc->services[call->service].name);
        }
    char why[512];
    for (uint32_t s = 0; s < sc->service_count; s++) {
        const struct patience *p = &wait[s];
        for (uint32_t k = 0; p->ns > 0 && k < sc->services[s].call_count; k++) {
            const struct call_cfg *call = &sc->services[s].calls[k];
            if (call->policy == NO_INDEX)
                continue;
            const struct policy_cfg *pc = &sc->policies[call->policy];
            uint32_t attempts;
            sim_time inner = longest_call(pc, &attempts);
            const char *callee = sc->services[call->service].name;
            if (pc->timeout_ns >= p->ns && pc->deadline_ns <= 0)
                snprintf(why, sizeof why,
                         "its call to '%s' waits %g ms per attempt (policy '%s'), not less than "
                         "the %g ms %s waits for it (policy '%s'): the caller gives up before an "
                         "attempt here can time out; make the inner timeout shorter, or give "
                         "the outer call a deadline (it is propagated)",
                         callee, sim_time_to_ms(pc->timeout_ns), pc->name, sim_time_to_ms(p->ns),
                         p->edge, p->policy);
            else if (attempts > 1 && inner > p->ns)
                snprintf(why, sizeof why,
                         "its call to '%s' can take %u attempts of %g ms (policy '%s'), %g ms, "
                         "more than the %g ms %s waits for it (policy '%s'): its last retries "
                         "are work for a caller already gone",
                         callee, attempts, sim_time_to_ms(pc->timeout_ns), pc->name,
                         sim_time_to_ms(inner), sim_time_to_ms(p->ns), p->edge, p->policy);
            else
                continue;
            report(ctx, s, why);
        }
    }
    free(wait);
}
