/* Load balancing: what each policy is for, shown where it matters. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "helpers.h"

/* Ten single-worker instances at 90% load: each instance alone is an
 * M/M/1 at rho = 0.9 under random assignment (p99 about 10 ms x ln(100) /
 * (1 - 0.9) = 460 ms); joining the shorter of two queues cuts the tail by
 * an order of magnitude (Mitzenmacher 2001). */
#define TEN_INSTANCES(lb)                                                                          \
    "{\"name\":\"t\",\"duration_s\":200,\"services\":[{\"name\":\"s\",\"instances\":10,"          \
    "\"workers\":1,\"lb\":\"" lb "\",\"service_time\":{\"dist\":\"exponential\",\"mean_ms\":"     \
    "10}}],\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"rate_rps\":900}}]}"

Test(lb, p2c_beats_random_on_tail_latency_at_high_load, .timeout = 60)
{
    struct run_result random = run_json(TEN_INSTANCES("random"), NULL);
    struct run_result p2c = run_json(TEN_INSTANCES("p2c"), NULL);
    cr_log_info("p99: random %.1f ms, p2c %.1f ms", random.latency_p99_ms, p2c.latency_p99_ms);
    cr_assert_gt(random.latency_p99_ms, 300.0, "random should behave like ten M/M/1s");
    cr_assert_lt(p2c.latency_p99_ms, random.latency_p99_ms / 4);
}

/* One of three instances is five times slower. Round robin keeps sending it a
 * third of the traffic, more than it can take; least-outstanding sends it
 * only what it can keep up with. */
#define SLOW_INSTANCE(lb)                                                                          \
    "{\"name\":\"t\",\"duration_s\":100,\"services\":[{\"name\":\"s\",\"instances\":3,"           \
    "\"workers\":4,\"lb\":\"" lb "\",\"service_time\":{\"dist\":\"exponential\",\"mean_ms\":"     \
    "10}}],\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"rate_rps\":600}}],"       \
    "\"faults\":[{\"kind\":\"latency\",\"target\":\"s\",\"instances\":1,\"factor\":5,"            \
    "\"at_s\":0,\"duration_s\":100}]}"

Test(lb, least_outstanding_avoids_a_slow_instance, .timeout = 60)
{
    struct run_result rr = run_json(SLOW_INSTANCE("round_robin"), NULL);
    struct run_result lo = run_json(SLOW_INSTANCE("least_outstanding"), NULL);
    double rr_mean = rr.latency_sum_ms / (double)rr.latency_count;
    double lo_mean = lo.latency_sum_ms / (double)lo.latency_count;
    cr_log_info("mean: round robin %.1f ms, least outstanding %.1f ms", rr_mean, lo_mean);
    /* 200/s at 50 ms on 4 workers is 2.5x overload: round robin's queue grows
     * without bound on the slow instance. */
    cr_assert_gt(rr_mean, 1000.0);
    cr_assert_lt(lo_mean, 30.0);
}

Test(lb, every_policy_skips_an_instance_out_of_rotation)
{
    const char *kinds[] = {"round_robin", "random", "least_outstanding", "p2c"};
    for (int k = 0; k < 4; k++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"name\":\"t\",\"duration_s\":3,\"services\":[{\"name\":\"s\",\"instances\":3,"
                 "\"workers\":1,\"lb\":\"%s\",\"service_time\":{\"dist\":\"constant\","
                 "\"value_ms\":1}}],\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{"
                 "\"process\":\"constant\",\"rate_rps\":100}}],\"faults\":[{\"kind\":\"capacity\","
                 "\"target\":\"s\",\"first_instance\":1,\"instances\":1,\"at_s\":1,"
                 "\"duration_s\":1}]}",
                 kinds[k]);
        struct run_result r = run_json(json, NULL);
        cr_assert_eq(traffic_failed(&r.total), 0u, "%s sent work to a lost instance", kinds[k]);
        cr_assert_eq(r.total.succeeded, r.total.offered, "%s", kinds[k]);
    }
}

Test(lb, no_instance_in_rotation_fails_fast)
{
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":3,\"services\":[{\"name\":\"s\",\"instances\":2,"
        "\"workers\":1,\"lb\":\"p2c\",\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":100}}],\"faults\":[{\"kind\":\"capacity\",\"target\":\"s\",\"at_s\":1,"
        "\"duration_s\":1}]}",
        NULL);
    cr_assert_eq(r.total.failed[FAIL_ERROR], 100u);
}

/* A client-side balancer counts only its own attempts outstanding, and an
 * attempt stops counting at its timeout (Envoy's active requests), while
 * its work goes on at the instance. Behind a 100 ms timeout an instance
 * made 20 times slower keeps a backlog of work nobody waits for: the
 * caller's view does not see it and sends there again, a central balancer
 * that sees the instances' queues steers away. The same run, the same
 * draws: twice the timeouts with the caller's view here. */
#define SLOW_HALF(view)                                                                            \
    "{\"name\":\"lv\",\"duration_s\":30,\"services\":[{\"name\":\"s\",\"instances\":2,"            \
    "\"workers\":4,\"lb\":\"least_outstanding\",\"lb_view\":\"" view "\","                         \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],\"clients\":[{\"name\":\"u\","     \
    "\"target\":\"s\",\"policy\":\"p\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":200}}],"  \
    "\"policies\":{\"p\":{\"timeout_ms\":100}},\"faults\":[{\"kind\":\"latency\",\"target\":\"s\"," \
    "\"instances\":1,\"first_instance\":1,\"at_s\":5,\"duration_s\":20,\"factor\":20}]}"

Test(lb, a_client_side_balancer_sees_only_its_own_outstanding_attempts)
{
    struct run_result caller = run_json(SLOW_HALF("caller"), NULL);
    struct run_result global = run_json(SLOW_HALF("global"), NULL);
    uint64_t tc = caller.total.failed[FAIL_TIMEOUT], tg = global.total.failed[FAIL_TIMEOUT];
    cr_assert_gt(tg, 0u);
    cr_assert_geq(tc, tg * 3 / 2, "caller's view %llu timeouts, global %llu",
                  (unsigned long long)tc, (unsigned long long)tg);
    cr_assert_gt(caller.services[0].wasted_ns, 1.5 * global.services[0].wasted_ns,
                 "and the slow instance's work for nobody with it");
}
