/* call_sm: one logical call under its policy, as a state machine.
 *
 * The machine decides; its owner executes. It is told when the call begins,
 * when an attempt it asked for has gone out, when an attempt ends (its
 * answer or its timeout), when its one timer fires, when a bulkhead slot is
 * handed to it, and when its caller gives up; each time it is given the
 * time, and it answers with a short ordered list of effects: what happened
 * (a breaker moved, a budget ran dry) and what to do (send an attempt with
 * this timeout and deadline, arm the timer for this long, hand a bulkhead
 * slot to that waiting call, cancel the hedges, deliver this outcome). It
 * reads no clock, allocates nothing, performs no I/O and knows nothing of
 * services, jobs or event queues, so the same code drives a simulated call
 * and a real one (see sim/policy/examples/resilient_client.c).
 *
 * The composition, outermost first, is
 *   fallback -> circuit breaker -> retry (with its budget) -> adaptive
 *   throttle -> bulkhead -> rate limit -> timeout around each attempt,
 * with the deadline across attempts propagated to the attempt's own calls
 * (gRPC); `order` may move the breaker inside the retry, and the throttle,
 * bulkhead, rate limit and timeout outside it. A stage that has to wait (a
 * backoff, a bulkhead slot, a rate limiter's permit, a fallback's latency,
 * a hedging delay) asks for the timer and records where to go on, so a call
 * needs one timer however many stages it has. A hedging policy (gRPC: a
 * policy hedges or retries, not both) sends another attempt each time the
 * delay passes without an answer, up to max_hedged more; the first success
 * wins and the rest are cancelled; it fails when every attempt has failed.
 *
 * Contract for the owner: execute the side effects in order, at once, then
 * the one `next` step, if any (SEND or DELIVER: nothing follows either).
 * After executing SEND, if the call is still going and its attempt still
 * out, call call_sm_sent (a hedging policy then asks for its hedge timer).
 * After DELIVER the machine is finished.
 *
 * A call with no policy is the commonest call of all (every M/M/c
 * customer is one), and one whose policy is a timeout alone the next; their
 * three steps are inline below and do exactly what the general machine does
 * for them (tests/test_call_sm.c compares them). */
#ifndef STAMPEDE_CALL_SM_H
#define STAMPEDE_CALL_SM_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/check.h"
#include "../base/sim_time.h"
#include "../prim/backoff.h"
#include "../prim/breaker.h"
#include "call_counts.h"
#include "outcome.h"
#include "policy.h"

enum call_effect_kind {
    CALL_FX_NONE,            /* (as `next`: the call waits for something) */
    CALL_FX_BREAKER,         /* the breaker moved: .transition (for an event) */
    CALL_FX_BUDGET,          /* the retry budget ran dry (.dry) or gives retries again */
    CALL_FX_WAKE,            /* a freed bulkhead slot goes to the waiting call .owner: pass
                                it to call_sm_on_slot of that call now */
    CALL_FX_CANCEL_TIMER,    /* disarm the call's timer */
    CALL_FX_WAIT,            /* (re)arm the call's one timer, .delay from now */
    CALL_FX_HEDGE,           /* the attempt out stays out; the next one goes beside it */
    CALL_FX_CANCEL_ATTEMPTS, /* a hedge won: cancel every attempt still out */
    /* only as `next`: */
    CALL_FX_SEND,    /* send an attempt with .timeout (0: none); its own calls get
                        .deadline (SIM_TIME_NEVER: none) */
    CALL_FX_DELIVER, /* the call is over: .outcome goes to the caller */
};

struct call_effect {
    enum call_effect_kind kind;
    enum outcome outcome;               /* DELIVER */
    enum breaker_transition transition; /* BREAKER */
    bool dry;                           /* BUDGET */
    sim_time delay;                     /* WAIT */
    sim_time timeout, deadline;         /* SEND */
    uint64_t owner;                     /* WAKE */
};

#define CALL_FX_MAX 8

struct call_effects {
    uint32_t count;                     /* side effects, in order */
    struct call_effect fx[CALL_FX_MAX];
    struct call_effect next;            /* then SEND, DELIVER, or NONE */
};

/* Empties a list. Only the count and the next step's kind need clearing:
 * effects are written before they are read, and a list is made for every
 * step of every call. */
static inline void call_effects_clear(struct call_effects *fx)
{
    fx->count = 0;
    fx->next.kind = CALL_FX_NONE;
}

/* Where the call goes on when its timer fires. */
enum call_stage {
    CALL_STAGE_NONE,
    CALL_STAGE_ATTEMPT,  /* backoff over: a new attempt */
    CALL_STAGE_BULKHEAD, /* a bulkhead slot was handed over: on to the rate limit */
    CALL_STAGE_SEND,     /* the rate limiter's wait is over: send */
    CALL_STAGE_REFUSE,   /* waited for a permit or a slot in vain: refused */
    CALL_STAGE_FALLBACK, /* the fallback's answer is ready */
    CALL_STAGE_HEDGE,    /* the hedging delay passed with no answer: another attempt */
};

struct call_sm {
    struct policy *pol;         /* NULL: no policy (one attempt, no timeout) */
    struct call_counts *counts; /* the caller's: attempts, retries, what the stages did */
    uint64_t owner;             /* how the owner names this call, for bulkhead hand-overs */
    uint64_t ticket;            /* the bulkhead wait, while waiting_slot */
    sim_time deadline;          /* across attempts; SIM_TIME_NEVER if none */
    sim_time started;           /* the call began (a breaker outside the retry times it) */
    sim_time attempt_started;
    sim_time retry_after;       /* the hint that came with the last refusal, or 0 */
    struct backoff_state backoff;
    uint32_t attempts;          /* begun so far */
    uint32_t breaker_gen;
    uint32_t aws_taken;         /* what the last retry took from an AWS quota */
    uint8_t stage;              /* enum call_stage: where the pending timer goes on */
    uint8_t in_flight;          /* attempts sent and not yet ended */
    uint8_t hedges_sent;
    bool admitted;              /* the breaker let this call (or attempt) through */
    bool sent;                  /* the current attempt went out (not refused locally) */
    bool retrying;              /* holds a retry in a concurrency budget */
    bool holds_slot;            /* holds a bulkhead slot */
    bool waiting_slot;          /* waits for a bulkhead slot */
    bool just_sent;             /* a SEND was asked for and its attempt has not ended */
    uint16_t status;            /* the HTTP status of the last attempt's failed reply (0: none) */
};

/* The general machine, for any call; the inline entry points below take
 * the no-policy case themselves and hand every other call to these. */
void call_sm_begin_any(struct call_sm *m, struct policy *pol, struct call_counts *counts,
                       uint64_t owner, sim_time now, sim_time inherited, struct call_effects *fx);
void call_sm_sent_any(struct call_sm *m, sim_time now, struct call_effects *fx);
void call_sm_on_result_any(struct call_sm *m, sim_time now, enum outcome o, unsigned status,
                           sim_time retry_after, struct call_effects *fx);

/* Begins a call at `now` under `pol` (NULL for none), counting into
 * `counts`. `inherited` is the deadline propagated from above (NEVER: none). */
/* A call the inline steps run: no policy, or a timeout alone. */
static inline bool call_sm_is_plain(const struct policy *pol)
{
    return !pol || pol->timeout_only;
}

static inline void call_sm_begin(struct call_sm *m, struct policy *pol,
                                 struct call_counts *counts, uint64_t owner, sim_time now,
                                 sim_time inherited, struct call_effects *fx)
{
    if (!call_sm_is_plain(pol) || inherited != SIM_TIME_NEVER) {
        call_sm_begin_any(m, pol, counts, owner, now, inherited, fx);
        return;
    }
    /* no deadline: one attempt, sent now, with the policy's timeout if any */
    *m = (struct call_sm){.pol = pol, .counts = counts, .owner = owner, .started = now,
                          .attempt_started = now, .deadline = SIM_TIME_NEVER, .attempts = 1,
                          .in_flight = 1, .sent = true, .just_sent = true};
    counts->attempts++;
    fx->next = (struct call_effect){.kind = CALL_FX_SEND,
                                    .timeout = pol ? pol->cfg->timeout_ns : 0,
                                    .deadline = SIM_TIME_NEVER};
}

/* The attempt of the last SEND went out and has not ended yet. */
static inline void call_sm_sent(struct call_sm *m, sim_time now, struct call_effects *fx)
{
    if (!call_sm_is_plain(m->pol)) {
        call_sm_sent_any(m, now, fx);
        return;
    }
    m->just_sent = false; /* nothing waits on a plain call's attempt but its answer */
}

/* An attempt ended with `o` (a timeout included) and, for a failed reply,
 * its HTTP `status` (0: none). `retry_after` is the hint a refusal carried
 * (0: none). */
static inline void call_sm_on_result(struct call_sm *m, sim_time now, enum outcome o,
                                     unsigned status, sim_time retry_after,
                                     struct call_effects *fx)
{
    if (!call_sm_is_plain(m->pol)) {
        call_sm_on_result_any(m, now, o, status, retry_after, fx);
        return;
    }
    SIM_ASSERT(m->in_flight == 1); /* a plain call has one attempt, and it is out */
    m->in_flight = 0;
    m->just_sent = m->sent = false;
    m->status = (uint16_t)status;
    if (o == OUTCOME_REJECTED || o == OUTCOME_SHED) /* Retry-After, if it says one */
        m->retry_after = retry_after;
    m->stage = CALL_STAGE_NONE;
    fx->next = (struct call_effect){.kind = CALL_FX_DELIVER, .outcome = o};
}

/* The timer asked for by the last WAIT fired. */
void call_sm_on_timer(struct call_sm *m, sim_time now, struct call_effects *fx);
/* A bulkhead slot was handed to this waiting call (another call's WAKE). */
void call_sm_on_slot(struct call_sm *m, sim_time now, struct call_effects *fx);
/* The caller no longer waits: what the call holds is given back. Attempts
 * out are the owner's to let go. */
void call_sm_abandon(struct call_sm *m, sim_time now, struct call_effects *fx);

/* The attempt in flight is being let go (its timeout fired, or the call is
 * abandoned) while it holds a thread-pool bulkhead's thread: true if it
 * does, and the thread now belongs to the attempt, not to the call (the
 * caller gives it back with policy_release_slot when the attempt really
 * ends). False for a semaphore, whose slot the machine frees itself. */
bool call_sm_hand_over_slot(struct call_sm *m);

#endif
