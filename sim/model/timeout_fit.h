/* timeout_fit: whether each call's timeouts fit inside its caller's.
 *
 * A service that calls a dependency with a timeout as long as (or retries
 * adding up to more than) the timeout its own callers give it does work
 * for nobody: the caller has given up and retried before the inner call or
 * its last retries can end (the "timeouts should shrink going down the
 * stack" rule of the SRE book, and the reason gRPC propagates deadlines).
 * `validate` warns about these; a propagated deadline on the outer call
 * bounds the inner work, so it is no misfit. */
#ifndef STAMPEDE_TIMEOUT_FIT_H
#define STAMPEDE_TIMEOUT_FIT_H

#include <stddef.h>

#include "scenario.h"

/* Calls `report` with a sentence for each call of each service that does
 * not fit inside the shortest per-attempt timeout of the calls into that
 * service (at most one per call). */
void timeout_fit_check(const struct scenario *sc,
                       void (*report)(void *ctx, uint32_t service, const char *why), void *ctx);

#endif
