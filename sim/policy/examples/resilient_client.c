/* A small resilient client on a real clock: the call state machine the
 * simulator uses, driven by CLOCK_MONOTONIC and an event loop of its own.
 *
 * The "dependency" answers each request after a latency, and misbehaves
 * on a schedule: for its first 600 ms it hangs (no answer), for the next
 * 600 ms it fails fast, then it works. The client calls it every 20 ms for 2 s
 * through a 50 ms timeout, up to 3 attempts with exponential backoff and
 * full jitter, a gRPC-style retry budget, and a circuit breaker outside the
 * retry that opens on 5 failures in a row for 300 ms. The loop sleeps until
 * the next thing due (an answer, a timeout, a call's timer) and feeds it to
 * the machine; the machine says what to do. Nothing here is simulated.
 * Build and run: make lib && build/lib/resilient-client */
#include <stdio.h>
#include <time.h>

#include "../call_sm.h"

#define MS 1000000LL
#define CALLS 100

static sim_time monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (sim_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(sim_time t)
{
    sim_time left = t - monotonic_now();
    if (left <= 0)
        return;
    struct timespec ts = {(time_t)(left / 1000000000), (long)(left % 1000000000)};
    nanosleep(&ts, NULL);
}

/* What the flaky dependency does with a request sent `since` after start:
 * when it answers (NEVER: it hangs) and with what. */
static sim_time dependency(sim_time since, enum outcome *o)
{
    *o = OUTCOME_OK;
    if (since < 600 * MS)
        return SIM_TIME_NEVER;
    if (since < 1200 * MS) {
        *o = OUTCOME_ERROR;
        return 1 * MS;
    }
    return 5 * MS;
}

/* One call and what it is waiting for. */
struct slot {
    struct call_sm sm;
    bool active;
    sim_time answer_at, timeout_at, timer_at; /* SIM_TIME_NEVER: nothing due */
    enum outcome answer;
};

static struct slot slots[CALLS];
static sim_time start;
static int delivered[OUTCOME_FALLBACK + 1];

static void execute(struct slot *c, struct call_effects *fx, sim_time now);

static void send_attempt(struct slot *c, sim_time timeout, sim_time now)
{
    sim_time latency = dependency(now - start, &c->answer);
    c->answer_at = latency == SIM_TIME_NEVER ? SIM_TIME_NEVER : now + latency;
    c->timeout_at = timeout > 0 ? now + timeout : SIM_TIME_NEVER;
    struct call_effects fx = {0};
    call_sm_sent(&c->sm, now, &fx); /* (a hedging policy would ask for its timer here) */
    execute(c, &fx, now);
}

static void execute(struct slot *c, struct call_effects *fx, sim_time now)
{
    static const char *const moves[] = {"", "opened", "half-open", "closed"};
    for (uint32_t i = 0; i < fx->count; i++) {
        const struct call_effect *e = &fx->fx[i];
        switch (e->kind) {
        case CALL_FX_BREAKER:
            printf("%6.0f ms  breaker %s\n", (double)(now - start) / 1e6, moves[e->transition]);
            break;
        case CALL_FX_BUDGET:
            printf("%6.0f ms  retry budget %s\n", (double)(now - start) / 1e6,
                   e->dry ? "exhausted" : "available again");
            break;
        case CALL_FX_WAIT:
            c->timer_at = now + e->delay;
            break;
        case CALL_FX_CANCEL_TIMER:
            c->timer_at = SIM_TIME_NEVER;
            break;
        default: /* no bulkhead, no hedging in this policy */
            break;
        }
    }
    if (fx->next.kind == CALL_FX_SEND) {
        send_attempt(c, fx->next.timeout, now);
    } else if (fx->next.kind == CALL_FX_DELIVER) {
        c->active = false;
        delivered[fx->next.outcome]++;
    }
}

int main(void)
{
    struct policy_cfg cfg = {
        .name = "resilient",
        .timeout_ns = 50 * MS,
        .retry = {.max_attempts = 3,
                  .backoff = {.kind = BACKOFF_EXPONENTIAL, .base_ns = 10 * MS, .multiplier = 2,
                              .max_ns = 100 * MS, .jitter = JITTER_FULL},
                  .on = RETRY_ON_TIMEOUT | RETRY_ON_ERROR,
                  .budget = {.kind = BUDGET_GRPC, .max_tokens = 10, .token_ratio = 0.1}},
        .breaker = {.present = true,
                    .breaker = {.window = BREAKER_WINDOW_CONSECUTIVE, .consecutive_failures = 5,
                                .open_ns = 300 * MS, .half_open_calls = 1,
                                .half_open = BREAKER_HALF_OPEN_CONSECUTIVE,
                                .success_threshold = 1}},
    };
    struct policy *pol = policy_new(&cfg, (uint64_t)time(NULL), "client->dependency");
    struct call_counts counts = {0};
    start = monotonic_now();
    int begun = 0;
    for (;;) {
        /* the next thing due: a new call, an answer, a timeout, a timer */
        sim_time next = begun < CALLS ? start + begun * 20 * MS : SIM_TIME_NEVER;
        bool any = begun < CALLS;
        for (int i = 0; i < begun; i++) {
            struct slot *c = &slots[i];
            if (!c->active)
                continue;
            any = true;
            sim_time due = c->answer_at < c->timeout_at ? c->answer_at : c->timeout_at;
            if (c->timer_at < due)
                due = c->timer_at;
            if (due < next)
                next = due;
        }
        if (!any)
            break;
        sleep_until(next);
        sim_time now = monotonic_now();
        if (begun < CALLS && now >= start + begun * 20 * MS) {
            struct slot *c = &slots[begun];
            *c = (struct slot){.active = true, .answer_at = SIM_TIME_NEVER,
                               .timeout_at = SIM_TIME_NEVER, .timer_at = SIM_TIME_NEVER};
            struct call_effects fx = {0};
            call_sm_begin(&c->sm, pol, &counts, (uint64_t)begun, now, SIM_TIME_NEVER, &fx);
            begun++;
            execute(c, &fx, now);
        }
        for (int i = 0; i < begun; i++) {
            struct slot *c = &slots[i];
            struct call_effects fx = {0};
            if (!c->active)
                continue;
            if (c->answer_at <= now || c->timeout_at <= now) {
                enum outcome o = c->answer_at <= now ? c->answer : OUTCOME_TIMEOUT;
                c->answer_at = c->timeout_at = SIM_TIME_NEVER; /* a late answer goes unread */
                call_sm_on_result(&c->sm, now, o, 0, 0, &fx);
            } else if (c->timer_at <= now) {
                c->timer_at = SIM_TIME_NEVER;
                call_sm_on_timer(&c->sm, now, &fx);
            }
            execute(c, &fx, now);
        }
    }
    printf("%d calls: %d ok, %d timed out, %d failed, %d refused by the open breaker\n", CALLS,
           delivered[OUTCOME_OK], delivered[OUTCOME_TIMEOUT], delivered[OUTCOME_ERROR],
           delivered[OUTCOME_BREAKER]);
    printf("%llu attempts, %llu retries, %llu retries refused by the budget\n",
           (unsigned long long)counts.attempts, (unsigned long long)counts.retries,
           (unsigned long long)counts.policy[PC_SUPPRESSED]);
    policy_free(pol);
    return 0;
}
