/* Calls: sequences, fan-out with all / first / quorum, optional calls,
 * probabilities and work split around the calls, in cases counted by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "helpers.h"

/* api (1 ms) calls three backends of 10, 30 and 20 ms in parallel. */
#define FANOUT(wait)                                                                               \
    "{\"name\":\"t\",\"duration_s\":1,\"services\":["                                            \
    "{\"name\":\"api\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"   \
    "\"calls\":[{\"parallel\":[{\"service\":\"b10\"},{\"service\":\"b30\"},{\"service\":\"b20\"}]" \
    wait "}]},"                                                                                   \
    "{\"name\":\"b10\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}," \
    "{\"name\":\"b30\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":30}}," \
    "{\"name\":\"b20\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":20}}],"\
    "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","     \
    "\"rate_rps\":10}}]}"

Test(calls, fan_out_waiting_for_all_takes_the_slowest_branch)
{
    struct run_result r = run_json(FANOUT(""), NULL);
    cr_assert_eq(r.total.succeeded, 9u);
    cr_assert_float_eq(r.latency_max_ms, 31, 1e-9);
    cr_assert_float_eq(r.latency_sum_ms, 9 * 31, 1e-6);
    cr_assert_eq(r.services[2].wasted_ns, 0.0);
}

Test(calls, fan_out_waiting_for_the_first_abandons_the_rest)
{
    /* Done at 11 ms; the 30 ms branch goes on for 20 ms and the 20 ms one for
     * 10 ms after its caller stopped waiting (late work); the losers' whole
     * work is waste, the winner's none. */
    struct run_result r = run_json(FANOUT(",\"wait\":\"first\""), NULL);
    cr_assert_float_eq(r.latency_sum_ms, 9 * 11, 1e-6);
    cr_assert_float_eq(r.services[2].late_ns, 9 * 20e6, 1);
    cr_assert_float_eq(r.services[3].late_ns, 9 * 10e6, 1);
    cr_assert_float_eq(r.services[2].wasted_ns, 9 * 30e6, 1);
    cr_assert_float_eq(r.services[3].wasted_ns, 9 * 20e6, 1);
    cr_assert_eq(r.services[1].wasted_ns, 0.0);
}

Test(calls, fan_out_waiting_for_a_quorum_takes_the_quorum_th_fastest)
{
    struct run_result r = run_json(FANOUT(",\"wait\":\"quorum\",\"quorum\":2"), NULL);
    cr_assert_float_eq(r.latency_sum_ms, 9 * 21, 1e-6);
    cr_assert_float_eq(r.services[2].late_ns, 9 * 10e6, 1);
    cr_assert_float_eq(r.services[2].wasted_ns, 9 * 30e6, 1, "the slowest branch lost");
    cr_assert_eq(r.services[1].wasted_ns, 0.0);
    cr_assert_eq(r.services[3].wasted_ns, 0.0);
}

Test(calls, a_failed_required_branch_fails_the_fan_out_at_once)
{
    /* b30 refuses (an outage): the fan-out fails at 1 ms, the other two
     * branches are abandoned. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":["
        "{\"name\":\"api\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"parallel\":[{\"service\":\"b10\"},{\"service\":\"b30\"}]}]},"
        "{\"name\":\"b10\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}},"
        "{\"name\":\"b30\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":30}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":10}}],\"faults\":[{\"kind\":\"outage\",\"target\":\"b30\",\"at_s\":0,"
        "\"duration_s\":1}]}",
        NULL);
    cr_assert_eq(r.total.failed[FAIL_ERROR], 9u);
    cr_assert_float_eq(r.services[1].wasted_ns, 9 * 10e6, 1, "b10's work is all for nothing");
}

Test(calls, an_optional_failure_degrades_instead_of_failing)
{
    /* The recommendations service always fails; the page is served without
     * them, counted as a degraded success. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":["
        "{\"name\":\"page\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"recs\",\"optional\":true},{\"service\":\"db\"}]},"
        "{\"name\":\"recs\",\"workers\":10,\"error_rate\":1,\"service_time\":{\"dist\":"
        "\"constant\",\"value_ms\":5}},"
        "{\"name\":\"db\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":2}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"page\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":10}}]}",
        NULL);
    cr_assert_eq(r.total.succeeded, 0u, "no full answer");
    cr_assert_eq(r.total.degraded, 9u);
    cr_assert_eq(r.services[0].degraded, 9u);
    cr_assert_eq(r.services[2].arrivals, 9u, "the page still calls the db after recs failed");
    cr_assert_float_eq(r.latency_sum_ms, 9 * 8, 1e-6);
}

Test(calls, a_call_with_a_probability_is_made_that_often)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":100,\"services\":["
        "{\"name\":\"api\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"db\",\"probability\":0.3}]},"
        "{\"name\":\"db\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"rate_rps\":200}}]}",
        NULL);
    double share = (double)r.services[1].arrivals / (double)r.services[0].arrivals;
    /* binomial over ~20000: sd 0.0032; 5 sd */
    cr_assert(fabs(share - 0.3) < 0.016, "share %.4f", share);
}

Test(calls, work_split_around_the_calls_holds_the_worker_throughout)
{
    /* 10 ms of api work, 40% of it after a 10 ms db call: 6 + 10 + 4 = 20 ms,
     * and the api's worker is busy for all 20. */
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":1,\"services\":["
        "{\"name\":\"api\",\"workers\":10,\"work_after_calls\":0.4,\"service_time\":{\"dist\":"
        "\"constant\",\"value_ms\":10},\"calls\":[{\"service\":\"db\"}]},"
        "{\"name\":\"db\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":10}}]}",
        NULL);
    cr_assert_float_eq(r.latency_sum_ms, 9 * 20, 1e-6);
    cr_assert_float_eq(r.services[0].busy_area_ns, 9 * 20e6, 1);
}

/* Operations: a service serving two kinds of request. 'lookup' (weight 3)
 * is 0.1 ms of work and fails always; 'search' (weight 1) calls an index
 * service. Requests that name no operation are drawn 3:1 (10,000 of them:
 * 2,500 searches, sd 43, so within 5 sd); every search, and nothing else,
 * reaches the index; every lookup, and nothing else, fails. A client that
 * names 'search' sends searches only. */
#define TWO_OPERATIONS(client_extra)                                                               \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"api\",\"workers\":100,"           \
    "\"operations\":[{\"name\":\"lookup\",\"weight\":3,\"error_rate\":1,"                         \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":0.1}},"                                    \
    "{\"name\":\"search\",\"service_time\":{\"dist\":\"constant\",\"value_ms\":0.2},"               \
    "\"calls\":[{\"service\":\"index\"}]}]},"                                                      \
    "{\"name\":\"index\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":0.1}}]," \
    "\"clients\":[{\"name\":\"c\",\"target\":\"api\"" client_extra ","                            \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":1000}}]}"

Test(calls, operations_are_drawn_by_weight_and_do_their_own_work)
{
    struct run_result r = run_json(TWO_OPERATIONS(""), NULL);
    uint64_t lookups = r.operations[0][0].arrivals, searches = r.operations[0][1].arrivals;
    cr_assert_eq(lookups + searches, r.total.offered);
    cr_assert_eq(r.total.offered, 9999u);
    cr_assert(searches > 2500 - 220 && searches < 2500 + 220, "%llu searches of 9999",
              (unsigned long long)searches);
    cr_assert_eq(r.services[1].arrivals, searches, "only searches call the index");
    cr_assert_eq(r.operations[0][0].errors, lookups, "every lookup fails");
    cr_assert_eq(r.operations[0][0].ok, 0u);
    cr_assert_eq(r.operations[0][1].ok, searches);
    cr_assert_eq(r.total.failed[FAIL_ERROR], lookups);
    cr_assert_eq(r.total.succeeded, searches);

    struct run_result named = run_json(TWO_OPERATIONS(",\"operation\":\"search\""), NULL);
    cr_assert_eq(named.operations[0][0].arrivals, 0u);
    cr_assert_eq(named.operations[0][1].arrivals, 9999u);
    cr_assert_eq(named.services[1].arrivals, 9999u);
    cr_assert_eq(named.total.succeeded, 9999u);
}
