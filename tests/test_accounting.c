/* System-wide accounting: every caller edge counted at the caller, with
 * counts checked exactly on topologies small enough to count by hand. */
#include <criterion/criterion.h>

#include "helpers.h"

/* Three layers, each retrying four times on error, over a leaf that always
 * fails: each request to `a` makes 4 attempts at a, each of those 4 at b,
 * each of those 4 at c. The leaf sees 64 arrivals per client request. */
Test(accounting, retries_multiply_through_the_layers)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":["
        "{\"name\":\"a\",\"workers\":1000,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"b\",\"policy\":\"r\"}]},"
        "{\"name\":\"b\",\"workers\":1000,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"c\",\"policy\":\"r\"}]},"
        "{\"name\":\"c\",\"workers\":1000,\"error_rate\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"a\",\"policy\":\"r\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":4,\"backoff\":\"constant\","
        "\"base_ms\":0}}}}",
        NULL);
    uint64_t n = r.total.offered;
    cr_assert_eq(n, 99u);
    cr_assert_eq(r.in_flight, 0u);
    cr_assert_eq(r.services[0].arrivals, 4 * n);
    cr_assert_eq(r.services[1].arrivals, 16 * n);
    cr_assert_eq(r.services[2].arrivals, 64 * n);
    cr_assert_eq(r.edge_count, 3u);
    const struct edge_stats *u_a = &r.edges[0], *a_b = &r.edges[1], *b_c = &r.edges[2];
    cr_assert_eq(u_a->calls, n);
    cr_assert_eq(u_a->counts.attempts, 4 * n);
    cr_assert_eq(a_b->calls, 4 * n, "one call to b per execution of a");
    cr_assert_eq(a_b->counts.attempts, 16 * n);
    cr_assert_eq(a_b->counts.retries, 12 * n);
    cr_assert_eq(b_c->counts.attempts, 64 * n);
    cr_assert_eq(b_c->attempt_outcome[OUTCOME_ERROR], 64 * n);
    cr_assert_eq(b_c->outcome[OUTCOME_ERROR], 16 * n, "each call fails after its 4 attempts");
    cr_assert_eq(r.edge_latency_count[2], 16 * n, "every call that ended is in the latency");
    /* the service's calls out are its edges' */
    cr_assert_eq(r.services[0].calls_out.retries, 12 * n);
    cr_assert_eq(r.services[1].calls_out.retries, 48 * n);
}

/* Every attempt from `front` times out at 50 ms over 100 ms of work: the
 * edge's timeouts are exactly the executions the callee finished for
 * nobody, and the callee itself reports no error. (The run ends at 9.95 s:
 * the request sent at 9.9 s has neither timed out nor finished.) */
Test(accounting, an_edge_counts_the_timeouts_its_callee_never_sees)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":9.95,\"services\":["
        "{\"name\":\"front\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"shard\",\"policy\":\"t\"}]},"
        "{\"name\":\"shard\",\"workers\":1000,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"front\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"t\":{\"timeout_ms\":50}}}",
        NULL);
    uint64_t n = r.total.offered;
    cr_assert_eq(n, 99u);
    const struct edge_stats *e = &r.edges[1];
    cr_assert_eq(e->attempt_outcome[OUTCOME_TIMEOUT], n - 1);
    cr_assert_eq(e->outcome[OUTCOME_TIMEOUT], n - 1);
    cr_assert_eq(r.services[1].errors, 0u, "the shard answered every one, too late");
    cr_assert_eq(r.services[1].served, e->attempt_outcome[OUTCOME_TIMEOUT],
                 "each timeout is an execution finished for nobody");
    cr_assert_eq(r.total.failed[FAIL_ERROR], n - 1, "the front end failed them all");
}

/* A payment call that always fails, with a fallback: the checkout edge
 * reports every fallback, and the client's answers are fallback answers,
 * neither full successes nor failures. */
Test(accounting, a_fallback_behind_a_service_shows_at_its_edge_and_at_the_client)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":["
        "{\"name\":\"checkout\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"payment\",\"policy\":\"f\"}]},"
        "{\"name\":\"payment\",\"workers\":100,\"error_rate\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"checkout\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"f\":{\"fallback\":{}}}}",
        NULL);
    uint64_t n = r.total.offered;
    const struct edge_stats *e = &r.edges[1];
    cr_assert_eq(e->outcome[OUTCOME_FALLBACK], n);
    cr_assert_eq(e->counts.policy[PC_FALLBACKS], n);
    cr_assert_eq(e->attempt_outcome[OUTCOME_ERROR], n);
    cr_assert_eq(r.total.fallback, n, "answered without payment: counted apart");
    cr_assert_eq(r.total.succeeded, 0u, "goodput counts full answers only");
    cr_assert_eq(r.total.degraded, 0u);
    cr_assert_eq(r.services[0].degraded, n, "checkout answered without its dependency");
    cr_assert_eq(r.edges[0].outcome[OUTCOME_FALLBACK], n, "the client's edge sees it too");
}

/* Every answer takes exactly 50 ms (constant work, one request at a time):
 * an objective of 60 ms finds them all good, one of 40 ms none. A client
 * without an objective counts every full answer as good. */
Test(accounting, a_latency_objective_decides_what_is_good)
{
#define SLO_SCENARIO(slo)                                                                          \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":1,"              \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":50}}],"                                 \
    "\"clients\":[{\"name\":\"u\",\"target\":\"s\"" slo ","                                       \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}]}"
    struct run_result lax = run_json(SLO_SCENARIO(",\"slo_ms\":60"), NULL);
    struct run_result strict = run_json(SLO_SCENARIO(",\"slo_ms\":40"), NULL);
    struct run_result none = run_json(SLO_SCENARIO(""), NULL);
#undef SLO_SCENARIO
    cr_assert_eq(lax.total.succeeded, 99u);
    cr_assert_eq(lax.total.good, 99u);
    cr_assert_eq(strict.total.succeeded, 99u, "slow answers are still answers");
    cr_assert_eq(strict.total.good, 0u, "but none is good");
    cr_assert_eq(none.total.good, none.total.succeeded);
}

/* A one-second pause queues every request sent meanwhile (constant 100/s):
 * the 100 sent during it and the one frozen in service are outstanding at
 * its end, none long before the window closes. The
 * peak is that true maximum, not a window-end sample. A 1 ms window left
 * at the end (duration 10.001 s) holds at most one arrival: it does not
 * make a peak of 1,000 attempts/s out of a steady 100. */
Test(accounting, peaks_are_true_maxima_over_full_windows)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10.001,\"window_s\":1,\"services\":[{\"name\":\"s\","
        "\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"faults\":[{\"kind\":\"pause\",\"target\":\"s\",\"at_s\":2.0005,\"duration_s\":1}]}",
        NULL);
    cr_assert_eq(r.peak.in_flight, 101u, "outstanding at the end of the pause");
    cr_assert_float_eq(r.peak.attempts_rps, 100, 1e-9);
}

/* Utilisation against the capacity actually up: one instance of 4 workers
 * loses 2 of them for the second half of a 10 s run, under 2 requests/s of
 * 1 s each (2 workers busy from 1 s on). Nominal capacity is 40
 * worker-seconds, capacity up 4 x 5 + 2 x 5 = 30: 18.5 busy worker-seconds
 * are 0.46 of nominal but 0.62 of what was up. */
Test(accounting, utilisation_of_the_capacity_up)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":4,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1000}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"s\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":2}}],"
        "\"faults\":[{\"kind\":\"capacity\",\"target\":\"s\",\"at_s\":5,\"duration_s\":5,"
        "\"workers_lost\":2}]}",
        NULL);
    const struct service_stats *st = &r.services[0];
    cr_assert_float_eq(st->up_area_ns, 30e9, 1, "4 workers for 5 s, 2 for 5 s");
    /* arrivals at 0.5, 1.0, ...: 2 busy from 1 s on, 1 from 0.5 s to 1 s */
    cr_assert_float_eq(st->busy_area_ns, 18.5e9, 1);
}

/* Per instance: round robin over two instances splits 10 requests/s in
 * two; an outage of instance 1 from 1 s to 2.5 s shows it down at the end
 * of the second window, still sent requests (refusing them) and finishing
 * none, and up again at the end of the third. */
struct instance_rows {
    uint64_t arrivals[3][2], served[3][2];
    char state[3][2][16];
};

static void keep_instances(void *ctx, const struct window_report *w)
{
    struct instance_rows *rows = ctx;
    for (uint32_t i = 0; i < w->instance_count && w->index < 3; i++) {
        const struct instance_window *in = &w->instances[i];
        rows->arrivals[w->index][in->instance] = in->arrivals;
        rows->served[w->index][in->instance] = in->served;
        snprintf(rows->state[w->index][in->instance], 16, "%s", in->state);
    }
}

Test(accounting, each_instance_is_counted_apart)
{
    struct instance_rows rows = {0};
    struct sim_observer obs = {.ctx = &rows, .on_window = keep_instances};
    run_json("{\"name\":\"t\",\"duration_s\":3,\"services\":[{\"name\":\"s\",\"instances\":2,"
             "\"workers\":4,\"lb\":\"round_robin\","
             "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
             "\"clients\":[{\"name\":\"u\",\"target\":\"s\","
             "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
             "\"faults\":[{\"kind\":\"outage\",\"target\":\"s\",\"instances\":1,\"first_instance\":1,"
             "\"at_s\":1,\"duration_s\":1.5}]}",
             &obs);
    cr_assert_eq(rows.arrivals[0][0] + rows.arrivals[0][1], 9u, "0.1 s .. 0.9 s");
    cr_assert_leq(rows.arrivals[0][0] > rows.arrivals[0][1] ? rows.arrivals[0][0] - rows.arrivals[0][1]
                                                             : rows.arrivals[0][1] - rows.arrivals[0][0],
                  1u, "round robin alternates");
    cr_assert_str_eq(rows.state[1][1], "down");
    cr_assert_str_eq(rows.state[1][0], "up");
    cr_assert_eq(rows.served[1][1], 0u, "a refusing instance finishes nothing");
    cr_assert_gt(rows.arrivals[1][1], 0u, "but is still sent requests");
    cr_assert_str_eq(rows.state[2][1], "up");
}

/* Work that succeeded is wasted all the same when the request it served
 * fails: the api calls `b` (5 ms, succeeds), then `c` (errors after 1 ms);
 * the request fails, so b's 5 ms, c's 1 ms and the api's own time are all
 * waste, though b answered in time and in success. */
Test(accounting, a_successful_branch_of_a_failed_request_is_waste)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":10,\"services\":["
        "{\"name\":\"api\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":2},"
        "\"calls\":[{\"service\":\"b\"},{\"service\":\"c\"}]},"
        "{\"name\":\"b\",\"workers\":10,\"service_time\":{\"dist\":\"constant\",\"value_ms\":5}},"
        "{\"name\":\"c\",\"workers\":10,\"error_rate\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"api\","
        "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}]}",
        NULL);
    uint64_t n = r.total.offered;
    cr_assert_eq(r.total.failed[FAIL_ERROR], n);
    cr_assert_float_eq(r.services[1].wasted_ns, (double)n * 5e6, 1, "b answered, for nothing");
    cr_assert_float_eq(r.services[2].wasted_ns, (double)n * 1e6, 1);
    cr_assert_float_eq(r.services[0].wasted_ns, r.services[0].busy_area_ns, 1,
                       "the api held its worker for a failure");
    cr_assert_eq(r.services[1].late_ns, 0.0, "none of it was late");
}
