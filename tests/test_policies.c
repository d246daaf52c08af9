/* Policies wired into calls: retries through layers, budgets, the breaker
 * and its events, deadlines across attempts and down the call chain. The
 * primitives are tested alone in test_backoff/test_budget/test_breaker;
 * these tests check what the simulator does with them, with exact counts
 * where the arithmetic is deterministic. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "helpers.h"

/* Three layers, each call retried 3 times (no backoff), over a leaf that
 * always fails: every client request costs 3 x 3 x 3 = 27 leaf attempts. */
Test(policies, retries_multiply_through_layers)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":["
        "{\"name\":\"a\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"b\",\"policy\":\"r\"}]},"
        "{\"name\":\"b\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"c\",\"policy\":\"r\"}]},"
        "{\"name\":\"c\",\"workers\":100,\"error_rate\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"a\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","
        "\"base_ms\":0}}}}",
        NULL);
    uint64_t n = r.total.offered;
    cr_assert_eq(n, 99u, "constant arrivals at 0.1 s, 0.2 s, ... before 10 s");
    cr_assert_eq(r.in_flight, 0u);
    cr_assert_eq(r.total.failed[FAIL_ERROR], n);
    cr_assert_eq(r.total.calls.attempts, 3 * n);
    cr_assert_eq(r.total.calls.retries, 2 * n);
    cr_assert_eq(r.services[0].arrivals, 3 * n);
    cr_assert_eq(r.services[1].arrivals, 9 * n);
    cr_assert_eq(r.services[2].arrivals, 27 * n);
    cr_assert_eq(r.services[0].calls_out.retries, 6 * n, "a retries 2 of each of its 3 calls' 3");
    cr_assert_eq(r.services[1].calls_out.retries, 18 * n);
}

Test(policies, a_retry_waits_for_its_backoff)
{
    /* constant 50 ms backoff, 3 attempts, every attempt fails at once after
     * 10 ms of work: a request fails after 10 + 50 + 10 + 50 + 10 = 130 ms.
     * The last request (at 0.9 s) is still waiting at the end of a 1 s run. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","
        "\"base_ms\":50,\"jitter\":\"none\"}}}}",
        NULL);
    cr_assert_eq(r.total.offered, 9u);
    cr_assert_eq(r.in_flight, 1u, "the request sent at 0.9 s needs until 1.03 s");
    cr_assert_eq(r.total.failed[FAIL_ERROR], 8u);
}

Test(policies, retry_on_picks_the_outcomes_retried)
{
    /* Only timeouts are retried: errors fail at the first attempt. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":5,\"base_ms\":0,\"on\":[\"timeout\"]}}}}",
        NULL);
    cr_assert_eq(r.total.calls.retries, 0u);
    cr_assert_eq(r.total.calls.attempts, r.total.offered);
}

/* Finagle's budget under total failure: retries stay within ratio x
 * requests plus the reserve (min_retries_per_s x ttl), and the budget is
 * used up to that bound, not left idle. */
Test(policies, ratio_budget_bounds_retries_under_total_failure)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","
        "\"base_ms\":0},\"retry_budget\":{\"kind\":\"ratio\",\"ratio\":0.1,"
        "\"min_retries_per_s\":1,\"ttl_s\":10}}}}",
        NULL);
    double n = (double)r.total.offered;
    cr_assert_eq(r.total.offered, 9999u);
    /* over the whole run: 10% of requests, plus the 10-retry reserve that
     * each ttl renews (at most 100 s / 10 s + 1 windows) */
    cr_assert_leq((double)r.total.calls.retries, 0.1 * n + 10 * 11);
    cr_assert_geq((double)r.total.calls.retries, 0.1 * n);
    /* A request ends refused by the budget (counted as suppressed) or
     * after its 3 attempts (2 retries): suppressed = offered - those. */
    cr_assert_leq(r.total.calls.policy[PC_SUPPRESSED], r.total.offered);
    cr_assert_geq(r.total.calls.policy[PC_SUPPRESSED], r.total.offered - r.total.calls.retries / 2);
}

/* gRPC retry throttling (max_tokens 10, token_ratio 0.1): a success adds
 * 0.1 token, a failure takes 1, retries go while tokens > 5. At 5% failures
 * the drift is +0.045 a call, so retries keep flowing; at 20% it is -0.12,
 * so the tokens sink below the threshold and retries stop. */
static struct run_result grpc_run(double error_rate)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"s\",\"workers\":100,"
             "\"error_rate\":%g,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
             "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\","
             "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
             "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":2,\"backoff\":\"constant\","
             "\"base_ms\":0},\"retry_budget\":{\"kind\":\"grpc\"}}}}",
             error_rate);
    return run_json(json, NULL);
}

Test(policies, grpc_throttle_keeps_retrying_at_5_percent_failures)
{
    struct run_result r = grpc_run(0.05);
    cr_assert_eq(r.total.calls.policy[PC_SUPPRESSED], 0u);
    /* binomial: 10000 x 0.05 = 500 first-attempt failures, sd 22 */
    cr_assert(fabs((double)r.total.calls.retries - 500) < 5 * 22, "retries %llu",
              (unsigned long long)r.total.calls.retries);
}

Test(policies, grpc_throttle_stops_retrying_at_20_percent_failures)
{
    struct run_result r = grpc_run(0.2);
    /* ~2000 first-attempt failures; only the first few, while the bucket
     * drains from 10 to 5 tokens, and a handful of upward excursions later,
     * are retried */
    cr_assert_lt(r.total.calls.retries, 100u, "retries %llu", (unsigned long long)r.total.calls.retries);
    cr_assert_gt(r.total.calls.policy[PC_SUPPRESSED], 1800u);
}

struct event_log {
    uint32_t count;
    double t[64];
    char kind[64][24];
};

static void log_event(void *ctx, sim_time at, const char *kind, const char *subject,
                      const char *detail)
{
    (void)detail;
    struct event_log *log = ctx;
    if (strncmp(kind, "breaker_", 8) != 0 || log->count == 64)
        return;
    cr_assert_str_eq(subject, "u->s");
    log->t[log->count] = sim_time_to_s(at);
    snprintf(log->kind[log->count], sizeof log->kind[0], "%s", kind);
    log->count++;
}

/* A consecutive-failures breaker over an errors fault from 10 s to 20 s:
 * it opens after 5 failures, probes once a second (one half-open call,
 * which fails and reopens), and closes on the first probe after the fault. */
Test(policies, breaker_transitions_are_events_and_follow_the_fault)
{
    struct event_log log = {0};
    struct sim_observer obs = {.ctx = &log, .on_event = log_event};
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":30,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"faults\":[{\"kind\":\"errors\",\"target\":\"s\",\"at_s\":10,\"duration_s\":10,"
        "\"rate\":1}],"
        "\"policies\":{\"b\":{\"circuit_breaker\":{\"window\":\"consecutive\","
        "\"consecutive_failures\":5,\"open_s\":1}}}}",
        &obs);
    cr_assert_geq(log.count, 3u);
    cr_assert_str_eq(log.kind[0], "breaker_opened");
    cr_assert(log.t[0] >= 10 && log.t[0] < 10.06, "opened at %g", log.t[0]);
    cr_assert_str_eq(log.kind[1], "breaker_half_open");
    cr_assert(log.t[1] - log.t[0] >= 1 && log.t[1] - log.t[0] < 1.02);
    /* each probe in the fault reopens it; the first after 20 s closes it */
    uint32_t last = log.count - 1;
    cr_assert_str_eq(log.kind[last], "breaker_closed");
    cr_assert(log.t[last] >= 20 && log.t[last] < 21.02, "closed at %g", log.t[last]);
    for (uint32_t i = 1; i < last; i++)
        cr_assert_str_eq(log.kind[i], i % 2 ? "breaker_half_open" : "breaker_opened");
    /* while open, calls fail fast without reaching the service: of the
     * 1000 requests in the fault only the 5 that opened it and one probe
     * per second get through */
    cr_assert_geq(r.total.calls.policy[PC_BREAKER_REJECTED], 1000u - 5 - 10 - 10);
    cr_assert_eq(r.total.failed[FAIL_BREAKER], r.total.calls.policy[PC_BREAKER_REJECTED]);
    cr_assert_leq(r.services[0].errors, 5u + 10u);
    /* open from ~10 s to ~20 s but for the probes' instants: the run's
     * summary has the total, and one opening per probe that failed */
    cr_assert(r.breaker_open_s[0] > 9.9 && r.breaker_open_s[0] < 10.1, "open %g s",
              r.breaker_open_s[0]);
    cr_assert_eq(r.breaker_opened[0], (uint64_t)(last + 1) / 2);
}

/* A deadline across attempts: 250 ms for 100 ms attempts against a service
 * that never answers gives 3 attempts (100 + 100 + the 50 ms left), with no
 * fourth although max_attempts allows 5. */
Test(policies, a_deadline_caps_the_attempts)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"d\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"faults\":[{\"kind\":\"outage\",\"mode\":\"blackhole\",\"target\":\"s\",\"at_s\":0,"
        "\"duration_s\":10}],"
        "\"policies\":{\"d\":{\"timeout_ms\":100,\"deadline_ms\":250,\"retry\":{"
        "\"max_attempts\":5,\"backoff\":\"constant\",\"base_ms\":0}}}}",
        NULL);
    uint64_t done = r.total.offered - r.in_flight;
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], done);
    cr_assert_geq(r.total.calls.attempts, 3 * done);
    cr_assert_leq(r.total.calls.attempts, 3 * r.total.offered);
    cr_assert_leq(r.in_flight, 3u);
}

/* The client's deadline travels to the api's call to the db: the api stops
 * waiting for the db when the client does (at 100 ms), not after its own
 * 1 s timeout, and does not retry a call that has no time left. */
Test(policies, a_deadline_propagates_to_the_calls_below)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":20,\"services\":["
        "{\"name\":\"api\",\"workers\":1000,\"service_time\":{\"dist\":\"constant\","
        "\"value_ms\":1},\"calls\":[{\"service\":\"db\",\"policy\":\"slow\"}]},"
        "{\"name\":\"db\",\"workers\":1000,\"service_time\":{\"dist\":\"constant\","
        "\"value_ms\":500}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"policy\":\"d\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"d\":{\"deadline_ms\":100},"
        "\"slow\":{\"timeout_ms\":1000,\"retry\":{\"max_attempts\":5,\"base_ms\":0,"
        "\"backoff\":\"constant\"}}}}",
        NULL);
    cr_assert_eq(r.total.succeeded, 0u);
    cr_assert_eq(r.services[0].calls_out.retries, 0u, "no time left to retry in");
    cr_assert_eq(r.services[1].arrivals, r.total.offered);
    /* the api's worker is held ~100 ms (not 500 ms): its mean response
     * time shows the call was cut at the propagated deadline */
    double api_resp_ms = r.services[0].response_ns / 1e6 / (double)r.services[0].served;
    cr_assert(api_resp_ms > 99 && api_resp_ms < 102, "api held %g ms", api_resp_ms);
}

/* Google SRE adaptive throttling, K = 2: 1000/s offered to a backend that
 * accepts 100/s (its rate limit sheds the rest; the burst lets a Poisson
 * stream use all 100/s). The client rejects locally
 * with probability (requests - 2 accepts) / (requests + 1), so about
 * 2 x 100 = 200/s still reach the backend. */
Test(policies, adaptive_throttle_with_k_2_sends_twice_the_accepted_rate)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":200,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"rate_limit\":{\"rate_rps\":100,\"burst\":50},"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"t\","
        "\"arrival\":{\"process\":\"poisson\",\"rate_rps\":1000}}],"
        "\"policies\":{\"t\":{\"adaptive_throttle\":{\"k\":2}}}}",
        NULL);
    double reached = (double)r.services[0].arrivals / 200;
    cr_assert(reached > 180 && reached < 220, "%.1f/s reached the backend", reached);
    double accepted = (double)r.services[0].ok / 200;
    cr_assert(fabs(accepted - 100) < 2, "%.1f/s accepted", accepted);
    cr_assert_eq(r.total.failed[FAIL_THROTTLED], r.total.calls.policy[PC_ADAPTIVE_THROTTLED]);
    cr_assert_eq(r.total.failed[FAIL_SHED], r.services[0].shed);
}

/* A semaphore bulkhead of 10 around 100 ms calls lets at most 100/s
 * through; with no wait the rest are refused at once. */
Test(policies, bulkhead_caps_concurrent_attempts)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":20,\"services\":[{\"name\":\"s\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":200}}],"
        "\"policies\":{\"b\":{\"bulkhead\":{\"max_concurrent\":10}}}}",
        NULL);
    double ok = (double)r.total.succeeded / 20;
    cr_assert(ok > 99 && ok <= 100.5, "%.2f/s through", ok);
    cr_assert_eq(r.total.calls.policy[PC_BULKHEAD_REJECTED], r.total.failed[FAIL_THROTTLED]);
    cr_assert_eq(r.total.succeeded + r.total.failed[FAIL_THROTTLED] + r.in_flight,
                 r.total.offered);
    cr_assert_leq(r.latency_max_ms, 100.0 + 1e-9, "nobody waited");
}

/* With max_wait the excess queues for a slot, first come first served, and
 * gives up after max_wait: throughput is the same 100/s, and no success
 * waited longer than max_wait before its 100 ms call. */
Test(policies, bulkhead_waiters_get_slots_in_order_or_give_up)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":20,\"services\":[{\"name\":\"s\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":200}}],"
        "\"policies\":{\"b\":{\"bulkhead\":{\"max_concurrent\":10,\"max_wait_ms\":300}}}}",
        NULL);
    double ok = (double)r.total.succeeded / 20;
    cr_assert(ok > 98 && ok <= 100.5, "%.2f/s through", ok);
    cr_assert_gt(r.total.calls.policy[PC_BULKHEAD_REJECTED], 1500u);
    cr_assert_leq(r.latency_max_ms, 400.0 + 1e-9);
    cr_assert_geq(r.latency_max_ms, 390.0, "the queue of waiters fills to max_wait");
}

Test(policies, token_bucket_rate_limit_refuses_the_excess)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"l\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"l\":{\"rate_limit\":{\"rate_rps\":50,\"burst\":1}}}}",
        NULL);
    /* arrivals every 10 ms, a token every 20 ms: every other one passes */
    cr_assert(r.total.succeeded >= 499 && r.total.succeeded <= 501, "%llu",
              (unsigned long long)r.total.succeeded);
    cr_assert_eq(r.total.calls.policy[PC_RATE_LIMITED], r.total.offered - r.total.succeeded);
}

Test(policies, fixed_window_limiter_passes_its_limit_per_period)
{
    /* 10 per second, no waiting: of 100 arrivals a second, 10 pass */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"l\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"l\":{\"rate_limit\":{\"limit_for_period\":10,\"refresh_ms\":1000,"
        "\"timeout_ms\":0}}}}",
        NULL);
    cr_assert_eq(r.total.succeeded, 100u);
}

Test(policies, a_fallback_answers_failed_calls_and_is_counted_apart)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"error_rate\":0.5,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"f\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"f\":{\"fallback\":{\"latency_ms\":2}}}}",
        NULL);
    cr_assert_eq(traffic_failed(&r.total), 0u);
    cr_assert_eq(r.total.succeeded + r.total.calls.policy[PC_FALLBACKS] + r.in_flight,
                 r.total.offered);
    /* one fallback per failed call, but for those whose 2 ms fallback is
     * still under way at the end */
    cr_assert_leq(r.total.calls.policy[PC_FALLBACKS], r.services[0].errors);
    cr_assert_leq(r.services[0].errors - r.total.calls.policy[PC_FALLBACKS], r.in_flight);
    cr_assert_gt(r.total.calls.policy[PC_FALLBACKS], 400u);
    cr_assert_leq(r.latency_max_ms, 1.0 + 1e-9, "fallback answers are not successes");
}

/* Where the breaker sits decides what it counts. Outside the retry (the
 * default) it sees one result per call: five failed calls of three
 * attempts, 15 attempts, open it. Inside, each attempt counts: 5 attempts. */
static struct run_result breaker_order_run(const char *order)
{
    char json[1400];
    snprintf(json, sizeof json,
             "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":10,"
             "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
             "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
             "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
             "\"policies\":{\"b\":{%s\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","
             "\"base_ms\":0},\"circuit_breaker\":{\"consecutive_failures\":5,\"open_s\":60}}}}",
             order);
    return run_json(json, NULL);
}

Test(policies, a_breaker_outside_the_retry_counts_calls_inside_it_attempts)
{
    cr_assert_eq(breaker_order_run("").services[0].arrivals, 15u);
    struct run_result inside =
        breaker_order_run("\"order\":[\"retry\",\"circuit_breaker\"],");
    cr_assert_eq(inside.services[0].arrivals, 5u);
    /* the breaker's refusal is not retried unless `on` says so */
    cr_assert_eq(inside.total.calls.retries, 2u + 1u);
}

/* CoDel on an overloaded queue (150/s for a server of 100/s): work that
 * waited more than 2 x target while the queue has not drained in an
 * interval is shed, so the queue stays short and the server keeps up with
 * what it does not shed, instead of a queue growing for the whole run. */
Test(policies, codel_sheds_to_keep_the_queue_short)
{
#define OVERLOADED(shed)                                                                           \
    "{\"name\":\"t\",\"duration_s\":60,\"services\":[{\"name\":\"s\",\"workers\":1," shed         \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"                                   \
    "\"clients\":[{\"name\":\"u\",\"target\":\"s\","                                                \
    "\"arrival\":{\"process\":\"poisson\",\"rate_rps\":150}}]}"
    struct run_result codel =
        run_json(OVERLOADED("\"shed\":{\"codel\":{\"target_ms\":5,\"interval_ms\":100}},"), NULL);
    struct run_result plain = run_json(OVERLOADED(""), NULL);
#undef OVERLOADED
    cr_assert_gt(plain.in_flight, 2000u, "without shedding the queue grows all run");
    cr_assert_lt(codel.in_flight, 20u);
    double shed = (double)codel.services[0].shed / (double)codel.total.offered;
    /* at least the excess (1/3 of the load, less 1% for Poisson noise over
     * 9000 arrivals), and not much more: CoDel overshoots a little, as its
     * 100 ms judgement lags the queue */
    cr_assert(shed > 0.323 && shed < 0.40, "shed %.3f", shed);
    double resp_ms = codel.services[0].response_ns / 1e6 / (double)codel.services[0].served;
    cr_assert_lt(resp_ms, 40, "served work waited little: %.1f ms", resp_ms);
}

/* An AIMD concurrency limit on an overloaded server (1500/s for 1000/s of
 * capacity): every reply slower than 50 ms cuts the limit by 10%, every
 * other one in a busy limiter adds one, so the limit hovers where the wait
 * is about 50 ms: latency stays bounded, the excess is shed, and the server
 * stays nearly busy. */
Test(policies, aimd_concurrency_limit_bounds_latency_under_overload)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":60,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"concurrency_limit\":{\"algorithm\":\"aimd\",\"timeout_ms\":50,\"min\":5},"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\","
        "\"arrival\":{\"process\":\"poisson\",\"rate_rps\":1500}}]}",
        NULL);
    cr_assert_lt(r.latency_p99_ms, 100);
    cr_assert_gt(r.services[0].shed, 25000u);
    double served_rps = (double)r.services[0].ok / 60;
    cr_assert_gt(served_rps, 900, "%.0f/s served of 1000/s capacity", served_rps);
    cr_assert_eq(r.total.failed[FAIL_SHED], r.services[0].shed);
}

/* Retried writes: 300 ms of work, a 100 ms timeout, three attempts with
 * no backoff. Each attempt times out while still executing and executes
 * to the end anyway: three executions, two duplicates, per request. With
 * an idempotency key the second and third attempts arrive while the first
 * is running and are refused as conflicts: one execution, no duplicate. */
#define WRITES(key)                                                                                \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"            \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":300}}],\"clients\":[{\"name\":\"u\","   \
    "\"target\":\"s\",\"policy\":\"w\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}]," \
    "\"policies\":{\"w\":{" key "\"timeout_ms\":100,\"retry\":{\"max_attempts\":3,"               \
    "\"backoff\":\"constant\",\"base_ms\":0}}}}"

Test(policies, retried_writes_execute_again_unless_keyed)
{
    struct run_result plain = run_json(WRITES(""), NULL);
    uint64_t done = plain.total.offered - plain.in_flight;
    cr_assert_eq(plain.total.failed[FAIL_TIMEOUT], done);
    /* a request sent at t executes at t + 0.3, 0.4 and 0.5 s: all but the
     * last five (after 9.5 s) are complete by the end of the run */
    cr_assert_geq(plain.services[0].duplicates, 2 * (plain.total.offered - 5));
    cr_assert_leq(plain.services[0].duplicates, 2 * plain.total.offered);
    struct run_result keyed = run_json(WRITES("\"idempotency_key\":true,"), NULL);
    cr_assert_eq(keyed.services[0].duplicates, 0u);
    /* every finished request: two conflicts, and a failure (rejected) */
    cr_assert_eq(keyed.services[0].conflicts, 2 * (keyed.total.offered - keyed.in_flight));
    cr_assert_eq(keyed.total.failed[FAIL_REJECTED], keyed.total.offered - keyed.in_flight);
    cr_assert_geq(keyed.services[0].served, keyed.total.offered - 3, "one execution each");
}

/* Hedging against a bimodal service: 90% of requests take 10 ms, 10% take
 * 500 ms. A hedge after 50 ms goes out for the slow 10%; it is slow again
 * only 10% of the time, so the mean falls from 0.9 x 10 + 0.1 x 500 = 59 ms
 * to 0.9 x 10 + 0.09 x 60 + 0.01 x 500 = 19.4 ms, for about 10% more
 * attempts, and the losers' work is wasted. */
Test(policies, hedging_cuts_the_tail_for_a_few_extra_attempts)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"s\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"mixture\",\"components\":[{\"dist\":\"constant\","
        "\"value_ms\":10,\"weight\":0.9},{\"dist\":\"constant\",\"value_ms\":500,"
        "\"weight\":0.1}]}}],\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"h\","
        "\"arrival\":{\"process\":\"poisson\",\"rate_rps\":100}}],"
        "\"policies\":{\"h\":{\"hedge\":{\"delay_ms\":50}}}}",
        NULL);
    double n = (double)r.total.offered;
    /* binomial(n, 0.1): sd = sqrt(n x 0.09) ~ 30; 5 sd */
    cr_assert(fabs((double)r.total.calls.policy[PC_HEDGES] - 0.1 * n) < 150, "%llu hedges",
              (unsigned long long)r.total.calls.policy[PC_HEDGES]);
    cr_assert_eq(r.total.calls.attempts, r.total.offered + r.total.calls.policy[PC_HEDGES]);
    cr_assert_eq(r.total.calls.retries, 0u);
    double mean = r.latency_sum_ms / (double)r.total.succeeded;
    cr_assert(mean > 18 && mean < 21, "mean %.2f ms", mean);
    cr_assert_gt(r.services[0].wasted_ns, 0, "the losers' work goes on for nobody");
}

/* A server that says Retry-After: 250 ms on every refusal. A caller that
 * honours it retries a refused request 250 ms later, not after its own
 * 10 ms backoff, so its retried successes take at least 250 + 50 ms; one
 * that ignores it never waits that long. */
#define REFUSING_WITH_HINT(honor)                                                                 \
    "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"s\",\"workers\":1,"            \
    "\"queue\":{\"capacity\":0},\"retry_after_ms\":250,"                                         \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":50}}],\"clients\":[{\"name\":\"u\","   \
    "\"target\":\"s\",\"policy\":\"r\",\"arrival\":{\"process\":\"poisson\",\"rate_rps\":10}}]," \
    "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":2,\"backoff\":\"constant\",\"base_ms\":10," \
    "\"jitter\":\"none\",\"honor_retry_after\":" honor "}}}}"

Test(policies, a_retry_after_hint_replaces_the_backoff)
{
    struct run_result honoured = run_json(REFUSING_WITH_HINT("true"), NULL);
    cr_assert_gt(honoured.total.calls.retries, 100u);
    cr_assert_geq(honoured.latency_max_ms, 300.0);
    struct run_result ignored = run_json(REFUSING_WITH_HINT("false"), NULL);
    cr_assert_lt(ignored.latency_max_ms, 250.0);
}

/* `order` places limiters on either side of the retry. A bulkhead outside
 * it holds its slot across all of a call's attempts and backoffs (3 x 1 ms
 * + 2 x 100 ms here, against 100 calls/s: 20 slots wanted, 10 there);
 * inside, an attempt holds it for its 1 ms only, and nobody is refused. */
#define BULKHEAD_ORDER(order)                                                                      \
    "{\"name\":\"t\",\"duration_s\":20,\"services\":[{\"name\":\"s\",\"workers\":100,"            \
    "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"                 \
    "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\",\"arrival\":{\"process\":"     \
    "\"constant\",\"rate_rps\":100}}],\"policies\":{\"b\":{\"bulkhead\":{\"max_concurrent\":10},"  \
    "\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\",\"base_ms\":100,\"jitter\":\"none\"}," \
    "\"order\":" order "}}}"

Test(policies, a_bulkhead_outside_the_retry_holds_its_slot_across_attempts)
{
    struct run_result inside = run_json(BULKHEAD_ORDER("[\"retry\",\"bulkhead\"]"), NULL);
    cr_assert_eq(inside.total.calls.policy[PC_BULKHEAD_REJECTED], 0u);
    struct run_result outside = run_json(BULKHEAD_ORDER("[\"bulkhead\",\"retry\"]"), NULL);
    /* 10 slots held 203 ms each: about 49 calls/s get one, of 100/s */
    double refused = (double)outside.total.calls.policy[PC_BULKHEAD_REJECTED] / 20;
    cr_assert(refused > 45 && refused < 55, "%.1f/s refused", refused);
    cr_assert_eq(outside.total.failed[FAIL_THROTTLED],
                 outside.total.calls.policy[PC_BULKHEAD_REJECTED]);
}

/* A timeout outside the retry is one timeout around all the attempts: a
 * call to a service that never answers makes one attempt and fails after
 * 100 ms, where a timeout per attempt makes three and fails after 300 ms. */
#define TIMEOUT_ORDER(order)                                                                       \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":10,"             \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"u\","    \
    "\"target\":\"s\",\"policy\":\"t\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"  \
    "\"faults\":[{\"kind\":\"outage\",\"mode\":\"blackhole\",\"target\":\"s\",\"at_s\":0,"        \
    "\"duration_s\":10}],\"policies\":{\"t\":{\"timeout_ms\":100,\"retry\":{\"max_attempts\":3,"  \
    "\"backoff\":\"constant\",\"base_ms\":0},\"order\":" order "}}}"

Test(policies, a_timeout_outside_the_retry_bounds_all_the_attempts)
{
    struct run_result per_attempt = run_json(TIMEOUT_ORDER("[\"retry\",\"timeout\"]"), NULL);
    struct run_result overall = run_json(TIMEOUT_ORDER("[\"timeout\",\"retry\"]"), NULL);
    cr_assert_eq(overall.total.calls.attempts, overall.total.offered);
    cr_assert_eq(overall.total.failed[FAIL_TIMEOUT], overall.total.offered - overall.in_flight);
    cr_assert_geq(per_attempt.total.calls.attempts, 3 * (per_attempt.total.offered - 1));
}

/* A hung dependency (1 s of work) behind a 100 ms timeout and a bulkhead
 * of 10. A semaphore's slot comes back at each timeout, so 10 attempts
 * start every 100 ms: ~100/s reach the hung service and its busy workers
 * climb to ~100. A thread pool's thread is held until the callee really
 * finishes (Hystrix): 10 attempts a second reach it, never more than 10 at
 * once, and the rest are refused at the caller. */
#define HUNG(bulkhead)                                                                             \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"pay\",\"workers\":1000,"          \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1000}}],"                                \
    "\"clients\":[{\"name\":\"u\",\"target\":\"pay\",\"policy\":\"b\","                             \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":200}}],"                                   \
    "\"policies\":{\"b\":{\"timeout_ms\":100,\"bulkhead\":" bulkhead "}}}"

/* The most busy workers one service had at a window's end. */
struct busiest {
    uint32_t service, most;
};

static void keep_busiest(void *ctx, const struct window_report *w)
{
    struct busiest *b = ctx;
    if (w->services[b->service].busy > b->most)
        b->most = w->services[b->service].busy;
}

Test(policies, a_thread_pool_holds_its_thread_until_the_callee_finishes)
{
    struct busiest sem_pay = {.service = 0}, pool_pay = {.service = 0};
    struct sim_observer sem_obs = {.ctx = &sem_pay, .on_window = keep_busiest};
    struct sim_observer pool_obs = {.ctx = &pool_pay, .on_window = keep_busiest};
    struct run_result sem = run_json(HUNG("{\"max_concurrent\":10}"), &sem_obs);
    struct run_result pool = run_json(HUNG("{\"kind\":\"thread_pool\",\"max_threads\":10}"),
                                      &pool_obs);
    uint32_t busy_sem = sem_pay.most, busy_pool = pool_pay.most;
    double sem_rate = (double)sem.services[0].arrivals / 10;
    double pool_rate = (double)pool.services[0].arrivals / 10;
    cr_assert(sem_rate > 95 && sem_rate <= 101, "semaphore: %.1f/s reach the hung service", sem_rate);
    cr_assert(pool_rate > 9 && pool_rate <= 10.1, "thread pool: %.1f/s", pool_rate);
    cr_assert_geq(busy_sem, 90u, "the semaphore lets the hung work pile up (%u busy)", busy_sem);
    cr_assert_leq(busy_pool, 10u, "the pool's 10 threads bound it (%u busy)", busy_pool);
    cr_assert_eq(pool.total.calls.policy[PC_BULKHEAD_REJECTED],
                 pool.total.offered - pool.services[0].arrivals,
                 "every other call is refused at the caller");
}

/* A thread pool's queue holds `queue` attempts, each for at most the
 * policy's timeout: with threads all held, the next ones wait and are
 * refused when their time is up or the queue is full. */
Test(policies, a_thread_pool_queue_is_bounded_in_length_and_time)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":50}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":400}}],"
        "\"policies\":{\"b\":{\"timeout_ms\":100,\"bulkhead\":{\"kind\":\"thread_pool\","
        "\"max_threads\":10,\"queue\":5}}}}",
        NULL);
    /* 10 threads over 50 ms of work: 200/s served; the queue adds waiting, not throughput */
    double ok = (double)r.total.succeeded / 10;
    cr_assert(ok > 195 && ok <= 201, "%.1f/s served", ok);
    cr_assert_gt(r.total.calls.policy[PC_BULKHEAD_REJECTED], 1500u);
    cr_assert_gt(r.latency_max_ms, 50.5, "some waited in the queue");
    cr_assert_leq(r.latency_max_ms, 150.0 + 1e-6, "at most the timeout in the queue, then 50 ms");
}

/* Error classes. A service failing every request with `status`, a client
 * retrying up to 3 attempts with the policy `retry` JSON given. */
#define FAILING(status, retry, extra)                                                              \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"             \
    "\"error_rate\":1,\"error_status\":" #status ",\"service_time\":{\"dist\":\"constant\","       \
    "\"value_ms\":1}}],\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"p\","             \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"                                     \
    "\"policies\":{\"p\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\",\"base_ms\":0"    \
    retry "}" extra "}}}"

/* By default errors are retried but client errors (4xx but 429) fail at
 * once: the same request would fail again. A status named in `on` is
 * retried whatever it is; naming statuses alone retries only those. */
Test(policies, retries_follow_error_classes)
{
    struct run_result r500 = run_json(FAILING(500, "", ""), NULL);
    struct run_result r400 = run_json(FAILING(400, "", ""), NULL);
    struct run_result r429 = run_json(FAILING(429, "", ""), NULL);
    uint64_t n = r500.total.offered;
    cr_assert_eq(n, 99u);
    cr_assert_eq(r500.total.calls.retries, 2 * n, "a 500 is retried");
    cr_assert_eq(r400.total.calls.retries, 0u, "a 400 is not");
    cr_assert_eq(r429.total.calls.retries, 2 * n, "a 429 says 'later', not 'never'");
    struct run_result only503 = run_json(FAILING(500, ",\"on\":[\"timeout\",503,429]", ""), NULL);
    cr_assert_eq(only503.total.calls.retries, 0u, "'retry 503 and 429': a 500 is not retried");
    struct run_result is503 = run_json(FAILING(503, ",\"on\":[\"timeout\",503,429]", ""), NULL);
    cr_assert_eq(is503.total.calls.retries, 2 * n);
    struct run_result forced = run_json(FAILING(404, ",\"on\":[404]", ""), NULL);
    cr_assert_eq(forced.total.calls.retries, 2 * n, "a client error retried because named");
}

/* A breaker that ignores 404s (resilience4j ignoreExceptions) never opens
 * on them; counting them, it opens on the fifth. */
Test(policies, a_breaker_ignores_the_statuses_it_is_told_to)
{
    struct run_result counted = run_json(
        FAILING(404, "", ",\"circuit_breaker\":{\"consecutive_failures\":5,\"open_s\":60}"), NULL);
    struct run_result ignored = run_json(
        FAILING(404, "", ",\"circuit_breaker\":{\"consecutive_failures\":5,\"open_s\":60,"
                         "\"ignore_status\":[404]}"),
        NULL);
    cr_assert_eq(counted.breaker_opened[0], 1u);
    cr_assert_eq(counted.total.failed[FAIL_BREAKER], counted.total.offered - 5);
    cr_assert_eq(ignored.breaker_opened[0], 0u, "404s are neither success nor failure");
    cr_assert_eq(ignored.total.failed[FAIL_ERROR], ignored.total.offered);
}

/* "Fall back only when open": errors reach the caller as errors; once the
 * breaker opens, its refusals are answered by the fallback. */
Test(policies, a_fallback_answers_only_the_failures_it_names)
{
    struct run_result r = run_json(
        FAILING(500, "", ",\"circuit_breaker\":{\"consecutive_failures\":5,\"open_s\":60},"
                         "\"fallback\":{\"on\":[\"breaker_open\"]}"),
        NULL);
    cr_assert_eq(r.total.failed[FAIL_ERROR], 5u, "the five errors that opened it");
    cr_assert_eq(r.total.fallback, r.total.offered - 5, "every refusal after, answered");
    struct run_result by_status = run_json(
        FAILING(503, "", ",\"fallback\":{\"on\":[503]}"), NULL);
    cr_assert_eq(by_status.total.fallback, by_status.total.offered, "503s answered");
    struct run_result other = run_json(FAILING(500, "", ",\"fallback\":{\"on\":[503]}"), NULL);
    cr_assert_eq(other.total.fallback, 0u, "500s are not");
}

/* Policy state is kept per process, as the libraries keep it: four api
 * instances with a bulkhead of 10 each let 40 calls reach the database at
 * once; with scope "service" (one state behind them all) only 10 do. */
#define FOUR_APIS(scope)                                                                           \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"api\",\"instances\":4,"           \
    "\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"                     \
    "\"calls\":[{\"service\":\"db\",\"policy\":\"b\",\"optional\":true}]},"                        \
    "{\"name\":\"db\",\"workers\":1000,\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}]," \
    "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","       \
    "\"rate_rps\":800}}],\"policies\":{\"b\":{" scope "\"bulkhead\":{\"max_concurrent\":10}}}}"

Test(policies, each_calling_process_keeps_its_own_bulkhead_unless_shared)
{
    struct busiest own_db = {.service = 1}, shared_db = {.service = 1};
    struct sim_observer o1 = {.ctx = &own_db, .on_window = keep_busiest};
    struct sim_observer o2 = {.ctx = &shared_db, .on_window = keep_busiest};
    struct run_result r_own = run_json(FOUR_APIS(""), &o1);
    struct run_result r_shared = run_json(FOUR_APIS("\"scope\":\"service\","), &o2);
    uint32_t own = own_db.most, shared = shared_db.most;
    cr_assert(own > 30 && own <= 40, "four bulkheads of 10: %u at the db", own);
    cr_assert(shared > 5 && shared <= 10, "one shared bulkhead of 10: %u", shared);
    double own_rate = (double)r_own.services[1].arrivals / 10;
    double shared_rate = (double)r_shared.services[1].arrivals / 10;
    cr_assert(own_rate > 350 && own_rate <= 400.5, "%.1f/s reach the db through four", own_rate);
    cr_assert(shared_rate > 90 && shared_rate <= 100.5, "%.1f/s through one", shared_rate);
}

/* A client of 100 processes, each with its own 10% budget and its reserve
 * of 10 retries (1/s over a 10 s ttl), against a leaf that always fails:
 * arrivals are dealt out in turn, so process m sends n_m requests and
 * retries 10 + floor(n_m / 10) times (Finagle's integer units: a request
 * deposits 1000, a retry withdraws 10000, the reserve is 100000), every
 * retry the budget allows being taken at once. One shared budget
 * (scope "service") retries 10 + floor(N / 10) times. */
#define HUNDRED_PROCESSES(scope)                                                                   \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":100,"             \
    "\"error_rate\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"                  \
    "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\",\"instances\":100,"            \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":995}}],"                                  \
    "\"policies\":{\"r\":{" scope "\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","      \
    "\"base_ms\":0},\"retry_budget\":{\"kind\":\"ratio\",\"ratio\":0.1,"                          \
    "\"min_retries_per_s\":1,\"ttl_s\":10}}}}"

Test(policies, each_client_process_keeps_its_own_retry_budget)
{
    struct run_result own = run_json(HUNDRED_PROCESSES(""), NULL);
    uint64_t n = own.total.offered;
    cr_assert_eq(n, 9949u, "arrivals at k / 995 s before 10 s: %llu", (unsigned long long)n);
    uint64_t expected = 0;
    for (uint64_t m = 0; m < 100; m++) {
        uint64_t sent = (n - m + 99) / 100; /* arrivals m+1, m+101, ... */
        expected += 10 + sent / 10;
    }
    cr_assert_eq(expected, 1949u);
    cr_assert_eq(own.total.calls.retries, expected, "%llu retries",
                 (unsigned long long)own.total.calls.retries);
    struct run_result shared = run_json(HUNDRED_PROCESSES("\"scope\":\"service\","), NULL);
    cr_assert_eq(shared.total.calls.retries, 10 + n / 10, "%llu retries",
                 (unsigned long long)shared.total.calls.retries);
}

/* attempts_per_call, counted by hand: 100 calls/s for 10 s (999 of them,
 * at k x 10 ms) with up to 3 attempts and no backoff, against a leaf whose
 * 1 ms of work fails for certain from 2 s to 4 s: the 200 calls sent in
 * that window take 3 attempts each, the other 799 one. */
Test(policies, attempts_per_call_counts_the_tries_each_call_took)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"faults\":[{\"kind\":\"errors\",\"target\":\"s\",\"at_s\":2,\"duration_s\":2,"
        "\"rate\":1}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\","
        "\"base_ms\":0}}}}",
        NULL);
    const uint64_t *taken = r.edge_attempts_taken[0];
    cr_assert_eq(r.total.offered, 999u);
    cr_assert_eq(taken[0], 0u, "nothing refuses a call before its first attempt");
    cr_assert_eq(taken[1], 799u);
    cr_assert_eq(taken[2], 0u);
    cr_assert_eq(taken[3], 200u);
    cr_assert_eq(taken[1] + 2 * taken[2] + 3 * taken[3], r.edges[0].counts.attempts);
}

/* The guides' settings written the obvious way. "Two successes close it":
 * success_threshold 2 alone lets two calls through half-open (gobreaker's
 * MaxRequests follows), so after the fault the breaker goes half-open and
 * closes on the second success, 10 ms apart at 100 calls/s, instead of
 * waiting forever for a second permit. "5 failures in 60 s, at least 10
 * calls": a time window of 60 s with failure_count 5 and min_calls 10 opens
 * on the 10th call when 5 of them failed, not before. */
Test(policies, guide_breaker_settings_work_as_written)
{
    struct event_log log = {0};
    struct sim_observer obs = {.ctx = &log, .on_event = log_event};
    run_json("{\"name\":\"t\",\"duration_s\":30,\"services\":[{\"name\":\"s\",\"workers\":10,"
             "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
             "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
             "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
             "\"faults\":[{\"kind\":\"errors\",\"target\":\"s\",\"at_s\":10,\"duration_s\":10,"
             "\"rate\":1}],"
             "\"policies\":{\"b\":{\"circuit_breaker\":{\"consecutive_failures\":5,"
             "\"open_s\":1,\"success_threshold\":2}}}}",
             &obs);
    uint32_t last = log.count - 1;
    cr_assert_geq(log.count, 3u);
    cr_assert_str_eq(log.kind[last], "breaker_closed");
    cr_assert_str_eq(log.kind[last - 1], "breaker_half_open");
    double half_open_for = log.t[last] - log.t[last - 1];
    cr_assert(half_open_for > 0.005 && half_open_for < 0.025, "closed %g s after half-open",
              half_open_for);

    /* 5 of every 10 calls fail (an errors fault at rate 0.5 would be
     * random: instead one of two instances fails everything) */
    struct event_log win = {0};
    struct sim_observer wobs = {.ctx = &win, .on_event = log_event};
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"instances\":2,"
        "\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"policy\":\"b\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"faults\":[{\"kind\":\"errors\",\"target\":\"s\",\"first_instance\":0,\"instances\":1,"
        "\"at_s\":0,\"duration_s\":5,\"rate\":1}],"
        "\"policies\":{\"b\":{\"circuit_breaker\":{\"window\":\"time\",\"size\":60,"
        "\"failure_count\":5,\"min_calls\":10,\"open_s\":60}}}}",
        &wobs);
    cr_assert_geq(win.count, 1u);
    cr_assert_str_eq(win.kind[0], "breaker_opened");
    /* the 10th call was sent at 1.0 s and answered 1 ms later */
    cr_assert(win.t[0] > 1.0 && win.t[0] < 1.01, "opened at %g", win.t[0]);
    cr_assert_eq(r.services[0].arrivals, 10u, "no call after it opened reaches the service");
}
