/* breaker: a circuit breaker, faithful to the libraries engineers ship.
 *
 * Closed, it counts outcomes and opens when they say the dependency is
 * failing:
 *   BREAKER_WINDOW_CONSECUTIVE  `consecutive_failures` failures in a row
 *                               (pybreaker fail_max; gobreaker's default
 *                               ReadyToTrip "> 5" is consecutive_failures 6);
 *   BREAKER_WINDOW_COUNT        over the last `size` calls, or
 *   BREAKER_WINDOW_TIME         over the last `size` seconds (one-second
 *                               buckets): once `min_calls` are in the window,
 *                               open when failure rate >= `failure_rate` or
 *                               slow-call rate >= `slow_call_rate`, a call being
 *                               slow when it took longer than `slow_call_ns`
 *                               (resilience4j; rates in percent, >= compares);
 *                               or, with `failure_count` > 0, open on that many
 *                               failures in the window once `min_calls` are in
 *                               it (Failsafe's failureThreshold within a
 *                               thresholding period: "5 failures in 60 s, at
 *                               least 10 calls").
 * A consecutive window may clear its count every `interval_ns` spent closed
 * (gobreaker's Interval): checked lazily on each call, the clearing starts a
 * new generation, so outcomes of calls admitted before it are ignored.
 * Open, it rejects every call until strictly after `open_ns` has passed, then
 * goes half-open on the next call (lazily, as resilience4j and gobreaker do).
 * Half-open, it admits `half_open_calls` trial calls (0: any number, as
 * pybreaker) and decides in one of two ways, named because users trip over
 * the difference:
 *   BREAKER_HALF_OPEN_RATE         resilience4j: once min(min_calls,
 *                                  half_open_calls) trial outcomes are in,
 *                                  re-open if the rates exceed the thresholds,
 *                                  else close;
 *   BREAKER_HALF_OPEN_CONSECUTIVE  gobreaker/pybreaker: any failure re-opens,
 *                                  `success_threshold` successes in a row close.
 * In the consecutive half-open mode `half_open_calls` must be 0 or at least
 * `success_threshold`: with fewer permits than successes needed, the last
 * permit used leaves the breaker half-open for ever (gobreaker avoids this
 * by making MaxRequests both numbers).
 * An operator may force it open (resilience4j transitionToForcedOpenState:
 * every call refused, no half-open, until released) and reset it (closed,
 * with a fresh window: resilience4j reset()).
 * Every transition starts a new generation; an outcome reported with the
 * generation of an earlier state is ignored (gobreaker), so a slow call
 * admitted before the breaker opened cannot close or re-open it later.
 * Time is sim_time nanoseconds passed in by the caller; the breaker reads no
 * clock. The caller owns the struct; breaker_release frees its window. */
#ifndef STAMPEDE_BREAKER_H
#define STAMPEDE_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

enum breaker_window { BREAKER_WINDOW_CONSECUTIVE, BREAKER_WINDOW_COUNT, BREAKER_WINDOW_TIME };
enum breaker_half_open { BREAKER_HALF_OPEN_RATE, BREAKER_HALF_OPEN_CONSECUTIVE };
enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN, BREAKER_FORCED_OPEN };

/* What a call to the breaker changed, for events.csv. */
enum breaker_transition {
    BREAKER_NO_CHANGE,
    BREAKER_OPENED,
    BREAKER_HALF_OPENED,
    BREAKER_CLOSED_AGAIN,
    BREAKER_FORCED,    /* an operator forced it open */
    BREAKER_RESET,     /* an operator reset it (or released a forced open): closed */
};

struct breaker_cfg {
    enum breaker_window window;
    uint32_t size;                 /* calls (count) or seconds (time); >= 1 */
    uint32_t min_calls;            /* >= 1 */
    double failure_rate;           /* percent, in (0, 100] */
    uint32_t failure_count;        /* > 0: open on this many failures in the window instead */
    sim_time slow_call_ns;         /* 0: no call is slow */
    double slow_call_rate;         /* percent, in (0, 100] */
    uint32_t consecutive_failures; /* >= 1, for the consecutive window */
    sim_time interval_ns;          /* consecutive window: clear the count this often (0: never) */
    sim_time open_ns;
    uint32_t half_open_calls;      /* 0: unlimited */
    enum breaker_half_open half_open;
    uint32_t success_threshold;    /* >= 1, for consecutive half-open */
};

struct breaker_bucket {
    int64_t second;                /* which one-second bucket this is */
    uint32_t total, failed, slow;
};

struct breaker {
    struct breaker_cfg cfg;
    enum breaker_state state;
    uint32_t generation;
    sim_time open_until;
    sim_time closed_until;         /* the next interval clearing (interval_ns > 0) */
    /* closed window */
    uint8_t *ring;                 /* count window: bit 0 failed, bit 1 slow */
    struct breaker_bucket *buckets;/* time window */
    /* the seconds of the time window's non-empty buckets, oldest first (a
     * ring of cfg.size): expiring the old ones takes only those, so a
     * record costs O(1) amortised however many buckets the window has */
    int64_t *live;
    uint32_t live_head, live_count;
    uint32_t ring_next, ring_fill;
    uint32_t total, failed, slow;  /* over the closed window */
    uint32_t consecutive;          /* consecutive failures (closed) or successes (half-open) */
    /* half-open */
    uint32_t permits_used, trial_total, trial_failed, trial_slow;
};

/* Sets `b` up closed. Allocates the window (count or time). */
void breaker_init(struct breaker *b, const struct breaker_cfg *cfg);
void breaker_release(struct breaker *b);

/* May a call go ahead now? Moves OPEN to HALF_OPEN once the open time is
 * over (reported in *changed). On true, *generation identifies the state
 * the call was admitted in; pass it back to breaker_record. */
bool breaker_allow(struct breaker *b, sim_time now, uint32_t *generation,
                   enum breaker_transition *changed);

/* Records an admitted call's outcome: `failed`, and how long it took.
 * Returns the transition it caused, if any. */
enum breaker_transition breaker_record(struct breaker *b, sim_time now, uint32_t generation,
                                       bool failed, sim_time duration);

/* An admitted call's outcome is to count as neither success nor failure
 * (resilience4j ignoreExceptions, gobreaker IsExcluded): nothing is
 * recorded, and a half-open permit it took is given back. */
void breaker_ignore(struct breaker *b, uint32_t generation);

/* An operator's hand: forced open refuses every call until released;
 * reset (which also releases) closes it with a fresh window. */
enum breaker_transition breaker_force_open(struct breaker *b, sim_time now);
enum breaker_transition breaker_reset(struct breaker *b, sim_time now);

/* The state now, with a due OPEN -> HALF_OPEN (or interval clearing) applied. */
enum breaker_state breaker_state_at(struct breaker *b, sim_time now,
                                    enum breaker_transition *changed);

const char *breaker_state_name(enum breaker_state s);

#endif
