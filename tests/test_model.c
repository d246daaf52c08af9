/* The model's behaviour in cases small enough to count by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* Runs a scenario given as JSON text (see helpers.c). */
#define run_text(json) run_json(json, NULL)

Test(model, timeout_abandons_the_caller_but_the_work_goes_on_and_is_wasted)
{
    /* One request a second (constant arrivals at 1..9 s), 300 ms of work, a
     * 100 ms client timeout: every request times out, the server still
     * finishes each one, and 200 ms of each is done after the caller left
     * (late). No answer reached anyone, so all 300 ms of each is waste. */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":300}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"policy\":\"p\",\"arrival\":{"
        "\"process\":\"constant\",\"rate_rps\":1}}],\"policies\":{\"p\":{\"timeout_ms\":100}}}");
    cr_assert_eq(r.total.offered, 9u);
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], 9u);
    cr_assert_eq(r.total.succeeded, 0u);
    cr_assert_eq(r.services[0].served, 9u);
    cr_assert_float_eq(r.services[0].busy_area_ns, 9 * 300e6, 1);
    cr_assert_float_eq(r.services[0].late_ns, 9 * 200e6, 1);
    cr_assert_float_eq(r.services[0].wasted_ns, 9 * 300e6, 1, "no answer got through: all of it");
}

Test(model, wasted_work_by_hand_through_two_tiers)
{
    /* Two users, 1 ms think, 5 ms timeout; the api does 10 ms of work and
     * then calls the db (1 ms), holding its one worker throughout.
     *   1 ms: both users send; A starts on the api, B queues.
     *   6 ms: both time out. A has done 5 ms of useful-looking work; from
     *         now on everything A does, its db call included, is waste.
     *  11 ms: A calls the db, born orphaned: all db work is waste.
     *  12 ms: A ends; B (abandoned while queued) starts: all waste; and
     *         so on, every later request waits longer than its timeout.
     * So over any run longer than 6 ms: api busy - api late = 5 ms, and
     * db late = db busy. No request is ever answered, so all the work that
     * ended is waste: everything but the api job still running at the end
     * (and its db call, if it is in one). */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":0.1,\"services\":[{\"name\":\"api\","
        "\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":10},"
        "\"calls\":[{\"service\":\"db\"}]},{\"name\":\"db\",\"workers\":1,\"service_time\":{"
        "\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"policy\":\"p\",\"users\":2,"
        "\"think_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"policies\":{\"p\":{\"timeout_ms\":5}}}");
    cr_assert_eq(r.total.succeeded, 0u);
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], r.total.offered - r.in_flight);
    const struct service_stats *api = &r.services[0], *db = &r.services[1];
    cr_assert_float_eq(api->busy_area_ns, 99e6, 1, "the api is busy from 1 ms to the end");
    cr_assert_float_eq(api->busy_area_ns - api->late_ns, 5e6, 1);
    cr_assert_gt(db->served, 0u);
    cr_assert_float_eq(db->late_ns, db->busy_area_ns, 1);
    cr_assert_geq(api->wasted_ns, api->busy_area_ns - 11e6, "all but the job still running");
    cr_assert_leq(api->wasted_ns, api->busy_area_ns);
    cr_assert_geq(db->wasted_ns, db->busy_area_ns - 1e6);
}

Test(model, full_queue_rejects_at_once)
{
    /* One worker, no waiting room, 10 ms of work, arrivals every 4 ms (at
     * 4, 8, ..., 96 ms: 24 of them). A request gets in only when the worker
     * is free: at 4, 16, 28, ..., 88 ms (8 of them, the last done at 98 ms);
     * the other 16 are rejected. */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":0.1,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"queue\":{\"capacity\":0},\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":250}}]}");
    cr_assert_eq(r.total.offered, 24u);
    cr_assert_eq(r.total.failed[FAIL_REJECTED], 16u);
    cr_assert_eq(r.total.succeeded, 8u);
    cr_assert_eq(r.in_flight, 0u);
    cr_assert_eq(r.services[0].rejected, 16u);
    cr_assert_eq(r.services[0].served, 8u);
}

Test(model, lifo_serves_the_newest_first)
{
    /* One worker, 10 ms of work, arrivals every 1 ms for 35 ms (34 of them).
     * Under FIFO the k-th request waits for all before it; under LIFO the
     * earliest queued ones starve. Served by 35 ms: the requests sent at 1,
     * 2 and 3 ms under FIFO (latencies 10, 19, 28 ms); under LIFO those sent
     * at 1, 10 and 20 ms, the newest waiting at each completion (a
     * completion at 11 ms comes before the arrival at 11 ms, which was
     * scheduled later): latencies 10, 11, 11 ms. */
#define LIFO_FMT                                                                                   \
    "{\"name\":\"t\",\"duration_s\":0.035,\"services\":[{\"name\":\"s\",\"workers\":1,"              \
    "\"queue\":{\"discipline\":\"%s\"},\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}]," \
    "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"process\":\"constant\","          \
    "\"rate_rps\":1000}}]}"
    char json[1024];
    snprintf(json, sizeof json, LIFO_FMT, "fifo");
    struct run_result fifo = run_text(json);
    snprintf(json, sizeof json, LIFO_FMT, "lifo");
    struct run_result lifo = run_text(json);
    cr_assert_eq(fifo.total.succeeded, 3u);
    cr_assert_eq(lifo.total.succeeded, 3u);
    cr_assert_float_eq(fifo.latency_sum_ms, 10 + 19 + 28, 1e-6);
    cr_assert_float_eq(lifo.latency_sum_ms, 10 + 11 + 11, 1e-6);
}

Test(model, a_failed_dependency_fails_the_caller_and_error_rate_is_honoured)
{
    /* The db fails 30% of its requests; the api fails exactly those. */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"api\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":"
        "\"db\"}]},{\"name\":\"db\",\"workers\":100,\"error_rate\":0.3,\"service_time\":{"
        "\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"c\",\"target\":"
        "\"api\",\"arrival\":{\"rate_rps\":1000}}]}");
    const struct service_stats *api = &r.services[0], *db = &r.services[1];
    cr_assert_eq(api->errors, db->errors);
    cr_assert_eq(r.total.failed[FAIL_ERROR], db->errors);
    double share = (double)db->errors / (double)db->served;
    /* binomial sd over ~100k: 0.00145; 5 sd */
    cr_assert(fabs(share - 0.3) < 0.0073, "error share %.4f", share);
}

Test(model, closed_loop_obeys_the_interactive_response_time_law)
{
    /* N = X (Z + R) for a closed loop with N users and think time Z. */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":200,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"exponential\",\"mean_ms\":5}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"users\":10,\"think_time\":{\"dist\":"
        "\"exponential\",\"mean_ms\":95}}]}");
    double x = (double)r.total.succeeded / 200.0;
    double resp_s = r.latency_sum_ms / (double)r.latency_count / 1e3;
    double n = x * (0.095 + resp_s);
    cr_assert(fabs(n - 10) < 0.1, "X (Z + R) = %.3f, expected 10 users", n);
}

Test(model, timeouts_of_many_durations_all_fire_on_time)
{
    /* Client timeouts of 7 ms and a call timeout of 3 ms, on work that never
     * finishes in time: every attempt fails at exactly its timeout. */
    struct run_result r = run_text(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":[{\"name\":\"api\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":\"db\","
        "\"policy\":\"short\"}]},{\"name\":\"db\",\"workers\":1000,\"service_time\":{\"dist\":"
        "\"constant\",\"value_ms\":50}}],\"clients\":[{\"name\":\"c\",\"target\":\"api\","
        "\"policy\":\"long\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"long\":{\"timeout_ms\":7},\"short\":{\"timeout_ms\":3}}}");
    /* api: 1 ms work, then the db call times out 3 ms later: an error at
     * 4 ms, before the client's 7 ms timeout. */
    cr_assert_eq(r.total.failed[FAIL_ERROR], r.total.offered - r.in_flight);
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], 0u);
    cr_assert_float_eq(r.services[0].busy_area_ns, (double)r.services[0].served * 4e6, 1);
}

#define OVERLOAD(drop, discipline)                                                                 \
    "{\"name\":\"t\",\"duration_s\":20,\"services\":[{\"name\":\"s\",\"workers\":1,"              \
    "\"drop_expired\":" drop ",\"queue\":{\"discipline\":\"" discipline "\"},"                    \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":20}}],\"clients\":[{\"name\":\"c\","     \
    "\"target\":\"s\",\"policy\":\"p\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}]," \
    "\"policies\":{\"p\":{\"timeout_ms\":50}}}"

Test(model, dropping_expired_work_alone_halves_the_waste_but_not_the_failure)
{
    /* Twice the load one worker can serve (20 ms of work every 10 ms),
     * callers waiting 50 ms. Serving in order, the queue grows without end
     * and everything served is already abandoned. Dropping expired requests
     * skips those, but the oldest request still in time has waited 30-50 ms,
     * so its 20 ms of work ends after its caller left: half the work is
     * still waste and goodput does not come back. Serving the newest first
     * does: it has waited at most 10 ms. */
    struct run_result keep = run_text(OVERLOAD("false", "fifo"));
    struct run_result drop = run_text(OVERLOAD("true", "fifo"));
    struct run_result lifo = run_text(OVERLOAD("false", "lifo"));
    double keep_waste = keep.services[0].late_ns / keep.services[0].busy_area_ns;
    double drop_waste = drop.services[0].late_ns / drop.services[0].busy_area_ns;
    cr_assert_lt(keep.total.succeeded, 10u);
    cr_assert_gt(keep_waste, 0.99);
    cr_assert_eq(keep.services[0].expired, 0u);
    cr_assert_lt(drop.total.succeeded, 10u);
    cr_assert_gt(drop.services[0].expired, 900u);
    cr_assert(drop_waste > 0.45 && drop_waste < 0.55, "waste share %.3f", drop_waste);
    cr_assert_gt(lifo.total.succeeded, 990u);
    cr_assert_lt(lifo.services[0].late_ns, 1.0);
    /* As the literature counts it, dropping expired work saves none: what
     * it still serves is answered too late all the same. */
    cr_assert_gt(drop.services[0].wasted_ns / drop.services[0].busy_area_ns, 0.98);
    cr_assert_lt(lifo.services[0].wasted_ns / lifo.services[0].busy_area_ns, 0.02);
}
