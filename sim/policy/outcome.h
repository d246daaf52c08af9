/* outcome: how one attempt, or one whole call, ended, as its caller sees it. */
#ifndef STAMPEDE_OUTCOME_H
#define STAMPEDE_OUTCOME_H

#include <stdbool.h>

enum outcome {
    OUTCOME_OK,
    OUTCOME_DEGRADED, /* a success missing what an optional call failed to add */
    OUTCOME_TIMEOUT,
    OUTCOME_ERROR,
    OUTCOME_REJECTED,
    OUTCOME_BREAKER,  /* the caller's own open breaker: never sent */
    OUTCOME_SHED,     /* the server's admission control refused it (CoDel, rate limit) */
    OUTCOME_THROTTLED,/* the caller's own limiter refused it: bulkhead, rate limit, SRE */
    OUTCOME_FALLBACK, /* the call failed and its fallback answered instead */
};
#define OUTCOME_COUNT (OUTCOME_FALLBACK + 1)

/* A success as far as the caller's flow goes (a fallback answer included). */
static inline bool outcome_is_success(enum outcome o)
{
    return o == OUTCOME_OK || o == OUTCOME_DEGRADED || o == OUTCOME_FALLBACK;
}

/* The backend answered (it was not an overload refusal or a silence): what
 * SRE adaptive throttling counts as an accept. A backend's answer made
 * from its own fallback is an answer. */
static inline bool outcome_is_accept(enum outcome o)
{
    return o == OUTCOME_OK || o == OUTCOME_DEGRADED || o == OUTCOME_ERROR ||
           o == OUTCOME_FALLBACK;
}

#endif
