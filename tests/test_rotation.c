/* What takes an instance out of the balancer's rotation: readiness probes
 * and outlier ejection, through whole runs. The probe and outlier
 * primitives are tested alone in test_health.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

struct changes {
    uint32_t count;
    double t[32];
    char kind[32][24];
};

static void on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                     const char *detail)
{
    (void)detail;
    struct changes *c = ctx;
    if (strncmp(kind, "instance_", 9) != 0 || c->count == 32)
        return;
    cr_assert_str_eq(subject, "api[0]");
    c->t[c->count] = sim_time_to_s(at);
    snprintf(c->kind[c->count], sizeof c->kind[0], "%s", kind);
    c->count++;
}

/* Four instances behind round robin, 400 requests/s; instance 0 refuses
 * connections from 10 s to 40 s. */
#define REFUSING(health)                                                                           \
    "{\"name\":\"t\",\"duration_s\":60,\"services\":[{\"name\":\"api\",\"instances\":4,"          \
    "\"workers\":10," health "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"         \
    "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","      \
    "\"rate_rps\":400}}],\"faults\":[{\"kind\":\"outage\",\"target\":\"api\","                   \
    "\"first_instance\":0,\"instances\":1,\"at_s\":10,\"duration_s\":30}]}"

Test(rotation, without_health_checks_a_refusing_instance_keeps_its_share)
{
    struct run_result r = run_json(REFUSING(""), NULL);
    /* a quarter of 400/s for 30 s */
    cr_assert_eq(r.total.failed[FAIL_ERROR], 3000u);
}

Test(rotation, readiness_probes_take_a_refusing_instance_out_and_bring_it_back)
{
    struct changes c = {0};
    struct sim_observer obs = {.ctx = &c, .on_event = on_event};
    struct run_result r = run_json(
        REFUSING("\"health_check\":{\"interval_ms\":1000,\"failure_threshold\":3},"), &obs);
    /* probed once a second: the third failed probe comes 2 to 3 s after
     * the outage starts; until then its quarter of the traffic fails */
    cr_assert_eq(c.count, 2u);
    cr_assert_str_eq(c.kind[0], "instance_unready");
    cr_assert(c.t[0] >= 12 && c.t[0] <= 13, "unready at %g", c.t[0]);
    cr_assert_str_eq(c.kind[1], "instance_ready");
    cr_assert(c.t[1] >= 40 && c.t[1] <= 41, "ready at %g", c.t[1]);
    uint64_t expected = (uint64_t)((c.t[0] - 10) * 100 + 0.5);
    cr_assert(r.total.failed[FAIL_ERROR] + 1 >= expected && r.total.failed[FAIL_ERROR] <= expected + 1,
              "%llu failed, expected %llu", (unsigned long long)r.total.failed[FAIL_ERROR],
              (unsigned long long)expected);
}

/* Instance 0 hangs (black hole) from 10 s to 60 s; callers time out after
 * 100 ms. Five timeouts in a row eject it (always_eject_one: with four
 * hosts, 10% would eject none); it comes back at the first 1 s tick after
 * its 5 s ejection, fails five more calls, and is ejected for 10 s. */
Test(rotation, outlier_detection_ejects_a_hanging_instance_for_longer_each_time)
{
    struct changes c = {0};
    struct sim_observer obs = {.ctx = &c, .on_event = on_event};
    struct run_result r = run_json(
        "{\"name\":\"t\",\"duration_s\":40,\"services\":[{\"name\":\"api\",\"instances\":4,"
        "\"workers\":10,\"outlier_detection\":{\"consecutive_5xx\":5,\"interval_ms\":1000,"
        "\"base_ejection_s\":5,\"always_eject_one\":true},"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"policy\":\"p\",\"arrival\":{"
        "\"process\":\"constant\",\"rate_rps\":400}}],\"policies\":{\"p\":{\"timeout_ms\":100}},"
        "\"faults\":[{\"kind\":\"outage\",\"mode\":\"blackhole\",\"target\":\"api\","
        "\"first_instance\":0,\"instances\":1,\"at_s\":10,\"duration_s\":50}]}",
        &obs);
    cr_assert_geq(c.count, 3u);
    cr_assert_str_eq(c.kind[0], "instance_ejected");
    /* the fifth request to it was sent at about 10.05 s and timed out 100 ms later */
    cr_assert(c.t[0] > 10.1 && c.t[0] < 10.2, "ejected at %g", c.t[0]);
    cr_assert_str_eq(c.kind[1], "instance_returned");
    cr_assert(c.t[1] >= c.t[0] + 5 && c.t[1] <= c.t[0] + 6, "returned at %g", c.t[1]);
    cr_assert_str_eq(c.kind[2], "instance_ejected");
    if (c.count > 3)
        cr_assert_geq(c.t[3] - c.t[2], 10, "the second ejection lasts twice as long");
    /* each episode costs the calls sent to it before the fifth timed out:
     * a quarter of 400/s over 100 ms plus the five */
    cr_assert_leq(r.total.failed[FAIL_TIMEOUT], (uint64_t)c.count * 20);
}

/* A liveness probe on an instance that hangs (a 20 s stop-the-world pause
 * from 10 s): three failed probes (each failing after its 1 s timeout) and
 * the kubelet restarts it: down and out of rotation for restart_s, its
 * work lost; it comes back still paused and is killed again: a crash
 * loop, as a too-eager liveness probe makes of a long GC pause. */
Test(rotation, a_failing_liveness_probe_restarts_the_instance)
{
    struct changes c = {0};
    struct sim_observer obs = {.ctx = &c, .on_event = on_event};
    run_json("{\"name\":\"t\",\"duration_s\":40,\"services\":[{\"name\":\"api\",\"instances\":2,"
             "\"workers\":10,\"health_check\":{\"kind\":\"liveness\",\"interval_ms\":1000,"
             "\"failure_threshold\":3,\"restart_s\":5},"
             "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
             "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"arrival\":{\"process\":"
             "\"constant\",\"rate_rps\":100}}],\"faults\":[{\"kind\":\"pause\",\"target\":\"api\","
             "\"first_instance\":0,\"instances\":1,\"at_s\":10,\"duration_s\":20}]}",
             &obs);
    cr_assert_geq(c.count, 4u);
    cr_assert_str_eq(c.kind[0], "instance_killed");
    /* probes at 10, 11, 12 s (instance 0's phase) each fail a second later */
    cr_assert(c.t[0] >= 12 && c.t[0] <= 14, "killed at %g", c.t[0]);
    cr_assert_str_eq(c.kind[1], "instance_restarted");
    cr_assert_float_eq(c.t[1] - c.t[0], 5, 1e-9);
    cr_assert_str_eq(c.kind[2], "instance_killed", "still paused: killed again");
    cr_assert_str_eq(c.kind[c.count - 1], "instance_restarted");
}

/* Outlier detection per calling process (Envoy: each sidecar its own) or
 * shared (scope "service"). Ten instances behind round robin, instance 0
 * failing every request; a client of 3 processes takes arrivals in turn
 * (3 and 10 coprime: every process meets instance 0). Each process must see
 * five failures there itself before it ejects it: 3 ejections, 15 failures.
 * One shared detector ejects it once, after 5. */
struct ejections {
    uint32_t count;
    char by[8][32];
};

static void on_ejection(void *ctx, sim_time at, const char *kind, const char *subject,
                        const char *detail)
{
    (void)at;
    struct ejections *e = ctx;
    if (strcmp(kind, "instance_ejected") != 0 || e->count == 8)
        return;
    cr_assert_str_eq(subject, "api[0]");
    snprintf(e->by[e->count++], sizeof e->by[0], "%s", detail);
}

#define FAILING_ONE(scope)                                                                         \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"api\",\"instances\":10,"         \
    "\"workers\":10,\"outlier_detection\":{" scope "\"consecutive_5xx\":5},"                      \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"                                   \
    "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"instances\":3,\"arrival\":{"               \
    "\"process\":\"constant\",\"rate_rps\":100}}],"                                               \
    "\"faults\":[{\"kind\":\"errors\",\"target\":\"api\",\"first_instance\":0,\"instances\":1,"   \
    "\"at_s\":0,\"duration_s\":10,\"rate\":1}]}"

Test(rotation, each_calling_process_ejects_outliers_on_its_own_unless_shared)
{
    struct ejections own = {0}, shared = {0};
    struct sim_observer o1 = {.ctx = &own, .on_event = on_ejection};
    struct sim_observer o2 = {.ctx = &shared, .on_event = on_ejection};
    struct run_result r_own = run_json(FAILING_ONE(""), &o1);
    struct run_result r_shared = run_json(FAILING_ONE("\"scope\":\"service\","), &o2);
    cr_assert_eq(own.count, 3u);
    bool seen[3] = {false, false, false};
    for (uint32_t i = 0; i < own.count; i++) {
        cr_assert(strncmp(own.by[i], "by u#", 5) == 0, "%s", own.by[i]);
        seen[own.by[i][5] - '0'] = true;
    }
    cr_assert(seen[0] && seen[1] && seen[2], "every process ejects it once");
    cr_assert_eq(r_own.total.failed[FAIL_ERROR], 15u);
    cr_assert_eq(shared.count, 1u);
    cr_assert_eq(r_shared.total.failed[FAIL_ERROR], 5u);
}
