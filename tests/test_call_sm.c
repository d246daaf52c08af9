/* The call state machine alone: literal times, no scenario, no simulator.
 * Each test plays the owner: it begins a call, feeds it results and timer
 * expiries at chosen instants, and checks the effects it asks for. */
#include <criterion/criterion.h>
#include <string.h>

#include "../sim/policy/call_sm.h"

#define MS 1000000LL

static struct policy_cfg retrying(uint32_t max_attempts, sim_time backoff_ns)
{
    return (struct policy_cfg){
        .name = "p",
        .retry = {.max_attempts = max_attempts,
                  .backoff = {.kind = BACKOFF_CONSTANT, .base_ns = backoff_ns,
                              .jitter = JITTER_NONE},
                  .on = RETRY_ON_TIMEOUT | RETRY_ON_ERROR | RETRY_ON_REJECTED,
                  .honor_retry_after = true},
    };
}

/* The test plays the owner: each step below starts a fresh list of
 * effects in `fx`, which the assertions then read. */
static struct call_effects fx;

static void begin(struct call_sm *m, struct policy *p, struct call_counts *counts,
                  uint64_t owner, sim_time now)
{
    call_effects_clear(&fx);
    call_sm_begin(m, p, counts, owner, now, SIM_TIME_NEVER, &fx);
}

static void sent(struct call_sm *m, sim_time now)
{
    call_effects_clear(&fx);
    call_sm_sent(m, now, &fx);
}

static void result(struct call_sm *m, sim_time now, enum outcome o, sim_time retry_after)
{
    call_effects_clear(&fx);
    call_sm_on_result(m, now, o, outcome_default_status(o), retry_after, &fx);
}

static void timer(struct call_sm *m, sim_time now)
{
    call_effects_clear(&fx);
    call_sm_on_timer(m, now, &fx);
}

static void slot(struct call_sm *m, sim_time now)
{
    call_effects_clear(&fx);
    call_sm_on_slot(m, now, &fx);
}

/* gRPC hedging: one attempt, then another each `delay` without an answer,
 * up to `max_hedged` more. */
static struct policy_cfg hedging(sim_time delay, uint32_t max_hedged)
{
    return (struct policy_cfg){.name = "h", .retry = {.max_attempts = 1},
                               .hedge = {.present = true, .delay_ns = delay,
                                         .max_hedged = max_hedged}};
}

/* The effects of a list in order, the next step (if any) last. */
static uint32_t effects(const struct call_effects *list, const struct call_effect **out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < list->count; i++)
        out[n++] = &list->fx[i];
    if (list->next.kind != CALL_FX_NONE)
        out[n++] = &list->next;
    return n;
}

/* The one effect of a kind in list (fails if there is not exactly one). */
static const struct call_effect *only(const struct call_effects *list, enum call_effect_kind k)
{
    const struct call_effect *all[CALL_FX_MAX + 1], *found = NULL;
    uint32_t n = effects(list, all);
    for (uint32_t i = 0; i < n; i++)
        if (all[i]->kind == k) {
            cr_assert_null(found, "two effects of kind %d", k);
            found = all[i];
        }
    cr_assert_not_null(found, "no effect of kind %d among %u", k, n);
    return found;
}

static bool has(const struct call_effects *list, enum call_effect_kind k)
{
    const struct call_effect *all[CALL_FX_MAX + 1];
    uint32_t n = effects(list, all);
    for (uint32_t i = 0; i < n; i++)
        if (all[i]->kind == k)
            return true;
    return false;
}

/* The kind of the i-th effect, counting the next step as the last. */
static enum call_effect_kind kind_at(const struct call_effects *list, uint32_t i)
{
    const struct call_effect *all[CALL_FX_MAX + 1];
    uint32_t n = effects(list, all);
    cr_assert_lt(i, n);
    return all[i]->kind;
}

static uint32_t total(const struct call_effects *list)
{
    return list->count + (list->next.kind != CALL_FX_NONE);
}

static enum call_effect_kind last(const struct call_effects *list)
{
    cr_assert_gt(total(list), 0u);
    return kind_at(list, total(list) - 1);
}

Test(call_sm, no_policy_sends_once_and_delivers_what_came_back)
{
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, NULL, &counts, 1, 0);
    cr_assert_eq(total(&fx), 1u);
    cr_assert_eq(only(&fx, CALL_FX_SEND)->timeout, 0, "no policy, no timeout");
    result(&m, 7 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_ERROR);
    cr_assert_eq(counts.attempts, 1u);
    cr_assert_eq(counts.retries, 0u);
}

static void assert_same_effects(const struct call_effects *a, const struct call_effects *b)
{
    cr_assert_eq(total(a), total(b));
    for (uint32_t i = 0; i < total(a); i++)
        cr_assert_eq(kind_at(a, i), kind_at(b, i));
    cr_assert_eq(a->next.kind, b->next.kind);
    if (a->next.kind == CALL_FX_SEND) {
        cr_assert_eq(a->next.timeout, b->next.timeout);
        cr_assert_eq(a->next.deadline, b->next.deadline);
    }
    if (a->next.kind == CALL_FX_DELIVER)
        cr_assert_eq(a->next.outcome, b->next.outcome);
}

/* Every field of two machines is the same. */
static void assert_same_machine(const struct call_sm *a, const struct call_sm *b)
{
    cr_assert_eq(a->pol, b->pol);
    cr_assert_eq(a->counts, b->counts);
    cr_assert_eq(a->owner, b->owner);
    cr_assert_eq(a->ticket, b->ticket);
    cr_assert_eq(a->deadline, b->deadline);
    cr_assert_eq(a->started, b->started);
    cr_assert_eq(a->attempt_started, b->attempt_started);
    cr_assert_eq(a->retry_after, b->retry_after);
    cr_assert_eq(a->backoff.prev_ns, b->backoff.prev_ns);
    cr_assert_eq(a->attempts, b->attempts);
    cr_assert_eq(a->breaker_gen, b->breaker_gen);
    cr_assert_eq(a->aws_taken, b->aws_taken);
    cr_assert_eq(a->stage, b->stage);
    cr_assert_eq(a->in_flight, b->in_flight);
    cr_assert_eq(a->hedges_sent, b->hedges_sent);
    cr_assert_eq(a->admitted, b->admitted);
    cr_assert_eq(a->sent, b->sent);
    cr_assert_eq(a->retrying, b->retrying);
    cr_assert_eq(a->holds_slot, b->holds_slot);
    cr_assert_eq(a->waiting_slot, b->waiting_slot);
    cr_assert_eq(a->just_sent, b->just_sent);
    cr_assert_eq(a->status, b->status);
}

/* The inline steps of a call with no policy, or with a timeout alone, are a
 * shortcut, not another machine: for every outcome they ask for what the
 * general machine asks, count what it counts and leave it as it leaves it. */
static void check_shortcut(struct policy *pol)
{
    for (int o = OUTCOME_OK; o <= OUTCOME_FALLBACK; o++) {
        struct call_counts fast_counts = {0}, any_counts = {0};
        struct call_sm fast, any;
        struct call_effects f = {0}, a = {0};
        call_sm_begin(&fast, pol, &fast_counts, 1, 5 * MS, SIM_TIME_NEVER, &f);
        call_sm_begin_any(&any, pol, &any_counts, 1, 5 * MS, SIM_TIME_NEVER, &a);
        assert_same_effects(&f, &a);
        call_effects_clear(&f), call_effects_clear(&a);
        call_sm_sent(&fast, 5 * MS, &f);
        call_sm_sent_any(&any, 5 * MS, &a);
        assert_same_effects(&f, &a);
        call_effects_clear(&f), call_effects_clear(&a);
        call_sm_on_result(&fast, 9 * MS, (enum outcome)o, outcome_default_status((enum outcome)o),
                          3 * MS, &f);
        call_sm_on_result_any(&any, 9 * MS, (enum outcome)o,
                              outcome_default_status((enum outcome)o), 3 * MS, &a);
        assert_same_effects(&f, &a);
        cr_assert_eq(memcmp(&fast_counts, &any_counts, sizeof fast_counts), 0);
        any.counts = fast.counts; /* each counted into its own, compared above */
        assert_same_machine(&fast, &any);
    }
}

Test(call_sm, the_no_policy_shortcut_is_the_general_machine)
{
    check_shortcut(NULL);
}

Test(call_sm, the_timeout_only_shortcut_is_the_general_machine)
{
    struct policy_cfg cfg = {.name = "t", .timeout_ns = 50 * MS, .retry = {.max_attempts = 1}};
    struct policy *p = policy_new(&cfg, 1, "t");
    cr_assert(p->timeout_only);
    check_shortcut(p);
    policy_free(p);
    cfg.timeout_ns = 0; /* a policy that only sets a connect timeout, say */
    cfg.connect_timeout_ns = 5 * MS;
    p = policy_new(&cfg, 1, "t0");
    cr_assert(p->timeout_only);
    check_shortcut(p);
    policy_free(p);
}

/* Anything more than a timeout takes the general machine. */
Test(call_sm, a_policy_with_more_than_a_timeout_is_not_timeout_only)
{
    struct policy_cfg cfg = {.name = "t", .timeout_ns = 50 * MS, .retry = {.max_attempts = 1}};
    struct policy_cfg more[] = {cfg, cfg, cfg, cfg, cfg};
    more[0].deadline_ns = 100 * MS;
    more[1].retry.max_attempts = 2;
    more[2].outer = OUTER_TIMEOUT;
    more[3].hedge = (struct hedge_cfg){.present = true, .delay_ns = MS, .max_hedged = 1};
    more[4].fallback.present = true;
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        struct policy *p = policy_new(&more[i], 1, "m");
        cr_assert_not(p->timeout_only, "policy %zu", i);
        policy_free(p);
    }
}

/* Retry(Timeout): each attempt gets 100 ms. Timeout(Retry), the timeout
 * placed outside: one 250 ms deadline across all attempts, so the second
 * attempt (sent at 100 + 20 ms) gets only the 130 ms that are left, and no
 * third is begun once the deadline has passed. */
Test(call_sm, a_timeout_outside_the_retry_becomes_a_deadline)
{
    struct policy_cfg cfg = retrying(5, 20 * MS);
    cfg.timeout_ns = 100 * MS;
    struct policy *inside = policy_new(&cfg, 1, "inside");
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, inside, &counts, 1, 0);
    cr_assert_eq(only(&fx, CALL_FX_SEND)->timeout, 100 * MS, "per attempt");
    cr_assert_eq(only(&fx, CALL_FX_SEND)->deadline, SIM_TIME_NEVER, "nothing to propagate");
    policy_free(inside);

    cfg.timeout_ns = 250 * MS;
    cfg.outer = OUTER_TIMEOUT;
    struct policy *outside = policy_new(&cfg, 1, "outside");
    begin(&m, outside, &counts, 1, 0);
    cr_assert_eq(only(&fx, CALL_FX_SEND)->timeout, 250 * MS, "the whole deadline is left");
    cr_assert_eq(only(&fx, CALL_FX_SEND)->deadline, 250 * MS, "propagated to its calls");
    result(&m, 100 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 20 * MS, "backoff");
    timer(&m, 120 * MS);
    cr_assert_eq(only(&fx, CALL_FX_SEND)->timeout, 130 * MS, "what is left of 250 ms");
    result(&m, 240 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_ERROR,
                 "a 20 ms backoff from 240 ms would end past the deadline");
    cr_assert_eq(m.attempts, 2u);
    policy_free(outside);
}

/* Retry(CircuitBreaker): every attempt is an outcome for the breaker, so
 * three failing attempts of one call open a breaker that trips on three
 * failures in a row, and the next call is refused without being sent.
 * CircuitBreaker(Retry) sees the call once: the same three attempts are
 * one failure. */
Test(call_sm, a_breaker_inside_the_retry_sees_every_attempt)
{
    struct policy_cfg cfg = retrying(3, 0);
    cfg.breaker = (struct policy_breaker_cfg){
        .present = true,
        .inside_retry = true,
        .breaker = {.window = BREAKER_WINDOW_CONSECUTIVE, .consecutive_failures = 3,
                    .open_ns = 1000 * MS, .half_open_calls = 1,
                    .half_open = BREAKER_HALF_OPEN_CONSECUTIVE, .success_threshold = 1},
    };
    for (int inside = 1; inside >= 0; inside--) {
        cfg.breaker.inside_retry = inside;
        struct policy *p = policy_new(&cfg, 1, "b");
        struct call_counts counts = {0};
        struct call_sm m;
        begin(&m, p, &counts, 1, 0);
        for (int k = 1; k <= 3; k++) {
            cr_assert_eq(last(&fx), CALL_FX_SEND);
            result(&m, k * 10 * MS, OUTCOME_ERROR, 0);
            if (k < 3) {
                only(&fx, CALL_FX_WAIT);
                timer(&m, k * 10 * MS);
            }
        }
        cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_ERROR);
        cr_assert_eq(has(&fx, CALL_FX_BREAKER), inside, "the third failure opens it inside");
        begin(&m, p, &counts, 2, 40 * MS);
        if (inside) {
            cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_BREAKER,
                         "refused by the open breaker, never sent");
            cr_assert_eq(counts.policy[PC_BREAKER_REJECTED], 1u);
        } else {
            cr_assert_eq(last(&fx), CALL_FX_SEND, "one failed call: still closed");
        }
        cr_assert_eq(counts.attempts, 3u + !inside);
        policy_free(p);
    }
}

/* gRPC hedging: a second attempt after 50 ms without an answer, a third
 * after 100 ms; the first success (the second attempt's, at 70 ms) wins,
 * the others are cancelled, and the hedge timer is not left behind. */
Test(call_sm, the_first_successful_hedge_wins_and_cancels_the_rest)
{
    struct policy_cfg cfg = hedging(50 * MS, 2);
    struct policy *p = policy_new(&cfg, 1, "h");
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, p, &counts, 1, 0);
    only(&fx, CALL_FX_SEND);
    sent(&m, 0);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 50 * MS);
    timer(&m, 50 * MS);
    cr_assert_eq(total(&fx), 2u);
    cr_assert_eq(kind_at(&fx, 0), CALL_FX_HEDGE, "the first attempt stays out");
    cr_assert_eq(kind_at(&fx, 1), CALL_FX_SEND);
    sent(&m, 50 * MS);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 50 * MS, "one more hedge allowed");
    result(&m, 70 * MS, OUTCOME_OK, 0);
    cr_assert_eq(total(&fx), 2u);
    cr_assert_eq(kind_at(&fx, 0), CALL_FX_CANCEL_ATTEMPTS);
    cr_assert_eq(kind_at(&fx, 1), CALL_FX_DELIVER);
    cr_assert_eq(fx.next.outcome, OUTCOME_OK);
    cr_assert_eq(counts.attempts, 2u);
    cr_assert_eq(counts.policy[PC_HEDGES], 1u);
    cr_assert_eq(counts.retries, 0u, "hedges are not retries");
    policy_free(p);
}

/* A hedged call fails only when every attempt has: one failure while the
 * other attempt is still out changes nothing. */
Test(call_sm, a_hedged_call_fails_when_every_attempt_has)
{
    struct policy_cfg cfg = hedging(10 * MS, 1);
    struct policy *p = policy_new(&cfg, 1, "h");
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, p, &counts, 1, 0);
    sent(&m, 0);
    timer(&m, 10 * MS);
    sent(&m, 10 * MS);
    result(&m, 20 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(total(&fx), 0u, "the hedge is still out");
    result(&m, 30 * MS, OUTCOME_TIMEOUT, 0);
    cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_TIMEOUT, "the last one's outcome");
    policy_free(p);
}

/* A count budget of one retry per window: the first failing call retries,
 * the second is refused a retry and fails with its own attempt's outcome
 * (a timeout, not some budget error), and the budget says it ran dry. */
Test(call_sm, a_budget_that_runs_dry_fails_the_call_with_the_last_outcome)
{
    struct policy_cfg cfg = retrying(3, 0);
    cfg.retry.budget = (struct budget_cfg){.kind = BUDGET_COUNT, .max_retries = 1,
                                           .window_ns = 1000 * MS};
    struct policy *p = policy_new(&cfg, 1, "b");
    struct call_counts counts = {0};
    struct call_sm a, b;
    begin(&a, p, &counts, 1, 0);
    begin(&b, p, &counts, 2, 0);
    result(&a, 5 * MS, OUTCOME_ERROR, 0);
    only(&fx, CALL_FX_WAIT);
    cr_assert_not(has(&fx, CALL_FX_BUDGET));
    result(&b, 6 * MS, OUTCOME_TIMEOUT, 0);
    cr_assert(only(&fx, CALL_FX_BUDGET)->dry);
    cr_assert_eq(only(&fx, CALL_FX_DELIVER)->outcome, OUTCOME_TIMEOUT);
    cr_assert_eq(counts.policy[PC_SUPPRESSED], 1u);
    policy_free(p);
}

/* Bulkhead(Retry), the bulkhead outside: one slot for the whole call, kept
 * through its backoff and its second attempt, so a second call waits for
 * it and is handed it (WAKE) only when the first call is over. Inside the
 * retry the slot is given back between attempts. */
Test(call_sm, a_bulkhead_outside_the_retry_holds_its_slot_across_attempts)
{
    struct policy_cfg cfg = retrying(2, 30 * MS);
    cfg.bulkhead = (struct bulkhead_cfg){.present = true, .max_concurrent = 1,
                                         .max_wait_ns = 500 * MS};
    cfg.outer = OUTER_BULKHEAD;
    struct policy *p = policy_new(&cfg, 1, "bh");
    struct call_counts counts = {0};
    struct call_sm a, b;
    begin(&a, p, &counts, 1, 0);
    only(&fx, CALL_FX_SEND);
    begin(&b, p, &counts, 2, 1 * MS);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 500 * MS, "waits up to max_wait");
    cr_assert(b.waiting_slot);
    result(&a, 10 * MS, OUTCOME_ERROR, 0);
    cr_assert_not(has(&fx, CALL_FX_WAKE), "the slot is kept through the backoff");
    timer(&a, 40 * MS);
    only(&fx, CALL_FX_SEND);
    result(&a, 50 * MS, OUTCOME_OK, 0);
    cr_assert_eq(total(&fx), 2u);
    cr_assert_eq(kind_at(&fx, 0), CALL_FX_WAKE);
    cr_assert_eq(fx.fx[0].owner, 2u, "the waiting call gets the slot");
    cr_assert_eq(kind_at(&fx, 1), CALL_FX_DELIVER);
    slot(&b, 50 * MS);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 0, "goes on after what is running now");
    timer(&b, 50 * MS);
    only(&fx, CALL_FX_SEND);
    cr_assert_eq(p->bulkhead.in_use, 1u);
    policy_free(p);

    cfg.outer = 0; /* inside: the slot is per attempt */
    p = policy_new(&cfg, 1, "bh");
    begin(&a, p, &counts, 1, 0);
    begin(&b, p, &counts, 2, 1 * MS);
    result(&a, 10 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(only(&fx, CALL_FX_WAKE)->owner, 2u, "given back before the backoff");
    policy_free(p);
}

/* A refusal that says when to come back (Retry-After, gRPC pushback) sets
 * the wait instead of the backoff; without the hint, or when the policy
 * ignores hints, the backoff stands. */
Test(call_sm, retry_after_replaces_the_backoff)
{
    struct policy_cfg cfg = retrying(3, 100 * MS);
    struct policy *p = policy_new(&cfg, 1, "ra");
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, p, &counts, 1, 0);
    result(&m, 1 * MS, OUTCOME_REJECTED, 2000 * MS);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 2000 * MS, "the server said two seconds");
    timer(&m, 2001 * MS);
    result(&m, 2002 * MS, OUTCOME_ERROR, 0);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 100 * MS, "an error carries no hint");
    policy_free(p);

    cfg.retry.honor_retry_after = false;
    p = policy_new(&cfg, 1, "ra");
    begin(&m, p, &counts, 1, 0);
    result(&m, 1 * MS, OUTCOME_REJECTED, 2000 * MS);
    cr_assert_eq(only(&fx, CALL_FX_WAIT)->delay, 100 * MS, "hints ignored");
    policy_free(p);
}

/* An attempt that ends while it is being sent (refused at once) lets the
 * machine go on from there; the late call_sm_sent then asks for nothing. */
Test(call_sm, an_attempt_that_ends_while_being_sent_arms_no_hedge)
{
    struct policy_cfg cfg = hedging(10 * MS, 1);
    struct policy *p = policy_new(&cfg, 1, "h");
    struct call_counts counts = {0};
    struct call_sm m;
    begin(&m, p, &counts, 1, 0);
    result(&m, 0, OUTCOME_REJECTED, 0); /* inside the owner's send */
    cr_assert_eq(kind_at(&fx, 0), CALL_FX_CANCEL_TIMER);
    cr_assert_eq(last(&fx), CALL_FX_SEND, "a failure sends the hedge at once");
    struct call_effects later = {0};
    call_sm_sent(&m, 0, &later); /* the inner send's */
    call_sm_sent(&m, 0, &later); /* the outer send's, once it returns */
    cr_assert_eq(later.count, 0u, "max_hedged reached: no timer, and none twice");
    policy_free(p);
}
