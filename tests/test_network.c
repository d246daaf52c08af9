/* Network edges: latency on both legs, and losses that only timeouts see. */
#include <criterion/criterion.h>
#include <math.h>

#include "helpers.h"

Test(network, latency_applies_to_the_request_and_to_the_reply)
{
    /* 5 ms each way around 10 ms of work: every request takes 20 ms. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":2,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"network\":{\"latency\":{\"dist\":\"constant\",\"value_ms\":5}},"
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}]}",
        NULL);
    cr_assert_eq(r.total.succeeded, 19u);
    cr_assert_float_eq(r.latency_max_ms, 20, 1e-9);
    cr_assert_float_eq(r.latency_sum_ms, 19 * 20, 1e-6);
}

Test(network, a_lost_request_or_reply_is_noticed_only_by_the_timeout)
{
    /* Each leg of the api -> db call is lost with probability 0.1, so a call
     * succeeds with probability 0.81; every loss surfaces as the api's 50 ms
     * call timeout, which fails the request (an error to the client). */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"api\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":\"db\","
        "\"policy\":\"p\",\"network\":{\"loss\":0.1}}]},{\"name\":\"db\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"api\",\"arrival\":{\"rate_rps\":200}}],\"policies\":{\"p\":{"
        "\"timeout_ms\":50}}}",
        NULL);
    double done = (double)(r.total.succeeded + traffic_failed(&r.total));
    double ok = (double)r.total.succeeded / done;
    /* binomial over ~20000 calls: sd = sqrt(.81 .19 / 20000) = 0.0028; 5 sd */
    cr_assert(fabs(ok - 0.81) < 0.014, "success share %.4f", ok);
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], 0u, "the client has no timeout of its own");
    cr_assert_eq(r.total.failed[FAIL_ERROR], (uint64_t)done - r.total.succeeded);
    const struct service_stats *db = &r.services[1];
    /* A call loses at most one leg (a lost request has no reply), and every
     * loss is one failed request: the two counts agree but for requests
     * still waiting on their timeout when the run ends. */
    uint64_t failed = r.total.failed[FAIL_ERROR];
    cr_assert_leq(failed > db->lost ? failed - db->lost : db->lost - failed, r.in_flight);
    /* db sees the 90% of requests that got through */
    cr_assert(fabs((double)db->arrivals / (double)r.services[0].served - 0.9) < 0.01);
    cr_assert_leq(r.latency_max_ms, 2.0, "a success never waits for a timeout");
}

Test(network, a_lost_reply_holds_nothing_after_the_timeout)
{
    /* Every reply is lost; with a timeout each job is freed when it fires,
     * so nothing is left in flight at the end of the run. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"policy\":\"p\",\"network\":{\"loss\":1},\"arrival\":{\"process\":"
        "\"constant\",\"rate_rps\":100}}],\"policies\":{\"p\":{\"timeout_ms\":20}}}",
        NULL);
    cr_assert_eq(r.total.succeeded, 0u);
    cr_assert_eq(r.total.failed[FAIL_TIMEOUT], r.total.offered - r.in_flight);
    cr_assert_leq(r.in_flight, 2u, "only the last 20 ms of requests are still waiting");
}
