/* outcome: how one attempt, or one whole call, ended, as its caller sees it. */
#ifndef STAMPEDE_OUTCOME_H
#define STAMPEDE_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

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

/* Error classes, as HTTP statuses: what a failed reply says about itself.
 * A server's own errors are 500 unless it says otherwise, an overload
 * refusal (queue full, shed, no instance, connection refused) 503, a
 * server-side rate limit 429, a request dropped past its deadline 504.
 * Timeouts and the caller's own refusals carry none (0). */
enum {
    STATUS_NONE = 0,
    STATUS_INTERNAL = 500,
    STATUS_UNAVAILABLE = 503,
    STATUS_TOO_MANY = 429,
    STATUS_DEADLINE = 504,
};

/* The status a reply with outcome o has when nothing more is known. */
static inline unsigned outcome_default_status(enum outcome o)
{
    return o == OUTCOME_ERROR                            ? STATUS_INTERNAL
           : o == OUTCOME_REJECTED || o == OUTCOME_SHED ? STATUS_UNAVAILABLE
                                                         : STATUS_NONE;
}

/* A client error (4xx other than 429): the request itself is at fault, so
 * the same request would fail again; retries never repeat it unless told. */
static inline bool status_is_client_error(unsigned status)
{
    return status >= 400 && status < 500 && status != STATUS_TOO_MANY;
}

/* A small set of statuses, as a policy names them ("on": [503, 429]). */
#define STATUS_SET_MAX 8
struct status_set {
    uint8_t n;
    uint16_t code[STATUS_SET_MAX];
};

static inline bool status_set_has(const struct status_set *s, unsigned status)
{
    for (unsigned i = 0; status && i < s->n; i++)
        if (s->code[i] == status)
            return true;
    return false;
}

#endif
