/* call_counts: what one caller's calls did, beyond their outcomes: the
 * attempts it sent and what its policy's stages did. A caller (a client, or
 * a service making calls) owns one; the call state machine counts into it. */
#ifndef STAMPEDE_CALL_COUNTS_H
#define STAMPEDE_CALL_COUNTS_H

#include <stdint.h>

#define POLICY_COUNTS(X)                                                                           \
    X(PC_SUPPRESSED, "suppressed")            /* retries its budget refused */                   \
    X(PC_BREAKER_REJECTED, "breaker_rejected") /* calls its open breaker refused */             \
    X(PC_BULKHEAD_REJECTED, "bulkhead_rejected") /* attempts refused by a full bulkhead */       \
    X(PC_RATE_LIMITED, "rate_limited")        /* attempts refused by its rate limiter */         \
    X(PC_ADAPTIVE_THROTTLED, "adaptive_throttled") /* refused by SRE adaptive throttling */      \
    X(PC_FALLBACKS, "fallbacks")              /* failed calls answered by the fallback */    \
    X(PC_HEDGES, "hedges")                    /* extra attempts sent by hedging */

#define PC_ENUM(e, s) e,
enum policy_count { POLICY_COUNTS(PC_ENUM) PC_COUNT };
#undef PC_ENUM

extern const char *const policy_count_names[PC_COUNT];

struct call_counts {
    uint64_t attempts;         /* attempts sent, first tries included */
    uint64_t retries;          /* attempts beyond the first (hedges are counted apart) */
    uint64_t policy[PC_COUNT]; /* what the policy's stages did */
};

#endif
