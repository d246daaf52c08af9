/* policy: the state of one resilience policy as one caller holds it.
 *
 * A caller (a client, or one call of one instance of a service, or of
 * all its instances under scope "service") holds its own breaker, budget,
 * throttle, bulkhead and limiter, as the libraries keep them in each
 * process (a breaker per client, a budget per channel). The struct is created from a
 * policy_cfg (which must outlive it) and driven by the call state machine
 * (call_sm.h), one logical call at a time; it reads no clock: every
 * function is given the time. Jitter and throttling draw from the policy's
 * own random stream, seeded at creation, so the same seed gives the same
 * decisions in a simulation and in a test. */
#ifndef STAMPEDE_POLICY_H
#define STAMPEDE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/histogram.h"
#include "../base/rng.h"
#include "../base/sim_time.h"
#include "../prim/aws_quota.h"
#include "../prim/breaker.h"
#include "../prim/bulkhead.h"
#include "../prim/conc_budget.h"
#include "../prim/count_budget.h"
#include "../prim/fixed_window.h"
#include "../prim/grpc_throttle.h"
#include "../prim/ratio_budget.h"
#include "../prim/sre_throttle.h"
#include "../prim/token_bucket.h"
#include "policy_cfg.h"

/* Calls waiting for a bulkhead slot, oldest first. A wait is a ticket
 * (numbered in arrival order); a wait that ends without a slot (its
 * max_wait passed, its caller left) is cancelled by ticket in O(1) and
 * skipped when it reaches the front. */
struct waiter_queue {
    uint64_t *owner;      /* per position: the waiting call, as its owner named it */
    bool *live;
    uint32_t cap, head, len;
    uint64_t head_ticket; /* the ticket at position `head` */
};

struct policy {
    const struct policy_cfg *cfg;
    char label[96];          /* "web->api", for events */
    struct rng rng;          /* jitter and throttle draws */
    struct breaker breaker;
    struct ratio_budget ratio;
    struct grpc_throttle grpc;
    struct aws_quota aws;
    struct count_budget count;
    struct conc_budget conc;
    bool budget_dry;         /* the budget refused the last retry it was asked for */
    sim_time open_since;     /* the breaker opened then, or NEVER if it is not open */
    double open_total_ns;    /* time open so far (up to open_since) */
    uint64_t opened;         /* times it opened (tripped, not forced) */
    uint32_t forcing;        /* operator actions holding the breaker forced open */
    struct sre_throttle throttle;
    struct token_bucket bucket;
    struct fixed_window window;
    struct ranked_histogram *latency; /* hedging on a percentile: calls' latencies so far
                                         (ranked: one percentile asked per send) */
    struct bulkhead bulkhead;
    struct waiter_queue waiters;
    bool limits_call, limits_attempt; /* a limiter stands outside the retry, or inside it */
    /* A timeout per attempt at most: no deadline, retry, hedging, breaker,
     * limiter, budget or fallback. The commonest policy after none, whose
     * calls the state machine runs inline as it does a call with none. */
    bool timeout_only;
};

/* A policy's state for one caller; `label` names the edge in events and
 * seeds the random stream ("policy:LABEL"). */
struct policy *policy_new(const struct policy_cfg *cfg, uint64_t seed, const char *label);
void policy_free(struct policy *p);

/* The breaker moved (or did not: BREAKER_NO_CHANGE): keeps its open time
 * (forced open counts as open, not as an opening). */
void policy_note_breaker(struct policy *p, sim_time now, enum breaker_transition t);

/* A bulkhead slot comes back: true if it goes straight to the oldest
 * waiter, whose owner is then in *owner (the caller wakes it). */
bool policy_release_slot(struct policy *p, uint64_t *owner);

/* The event a breaker transition is in events.csv ("breaker_opened"...);
 * NULL for BREAKER_NO_CHANGE. */
const char *policy_breaker_event(enum breaker_transition t);

/* An operator's hand on the breaker, from the timeline: a forcing starts
 * (the first forces it open) or ends (the last resets it, if it is still
 * forced), or a reset closes it. Returns the transition, for the event. */
enum breaker_transition policy_breaker_force(struct policy *p, sim_time now, bool start);
enum breaker_transition policy_breaker_reset(struct policy *p, sim_time now);

/* A wait for a bulkhead slot by `owner`; returns its ticket. */
uint64_t policy_waiter_push(struct policy *p, uint64_t owner);
/* The wait with this ticket ended without a slot. */
void policy_waiter_cancel(struct policy *p, uint64_t ticket);
/* Takes the oldest live wait; false if there is none. */
bool policy_waiter_pop(struct policy *p, uint64_t *owner);

/* What a policy's primitives say now, for reports. Fields the policy does
 * not have are -1 (counts) or NaN. */
struct policy_snapshot {
    int breaker_state;       /* enum breaker_state, or -1 without a breaker */
    double breaker_open_s;   /* time open since the start */
    uint64_t breaker_opened; /* times it opened since the start */
    int64_t bulkhead_in_use, bulkhead_waiting;
    double budget_level;     /* ratio: retries allowed now; grpc: tokens; aws: capacity */
    double throttle_p;       /* SRE adaptive throttling's local rejection probability */
};
struct policy_snapshot policy_snapshot(struct policy *p, sim_time now);

#endif
