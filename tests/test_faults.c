/* Each fault kind starts and stops on time, does what it says and nothing
 * else. Constant-rate arrivals make every count exact: at 100/s a request
 * arrives every 10 ms, at t = 0.01, 0.02, ... s. Ties at a fault's edges
 * are broken by insertion order: a fault's start and end events are
 * scheduled before the arrivals at the same instant, so a request arriving
 * exactly at the start sees the fault and one arriving exactly at the end
 * does not. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* What a run leaves: the run's results, its events.csv rows as text, and
 * per-window counts. */
struct capture {
    struct run_result r;
    char events[64][128];
    uint32_t event_count;
    uint64_t offered[16], succeeded[16], failed[16];
};

static void on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                     const char *detail)
{
    struct capture *c = ctx;
    if (c->event_count < 64)
        snprintf(c->events[c->event_count++], 128, "%g %s %s %s", sim_time_to_s(at), kind,
                 subject, detail);
}

static void on_window(void *ctx, const struct window_report *w)
{
    struct capture *c = ctx;
    if (w->index < 16) {
        c->offered[w->index] = w->delta.offered;
        c->succeeded[w->index] = w->delta.succeeded;
        c->failed[w->index] = traffic_failed(&w->delta);
    }
}

static struct capture *run(const char *json)
{
    static struct capture c;
    memset(&c, 0, sizeof c);
    struct sim_observer obs = {.ctx = &c, .on_event = on_event, .on_window = on_window};
    c.r = run_json(json, &obs);
    return &c;
}

/* One service of 1 worker and a constant 1 ms of work; a 100/s constant
 * client with an optional policy; the fault(s) given. */
#define ONE_SERVICE(work_ms, instances, rate, policy, faults)                                      \
    "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"instances\":" #instances    \
    ",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":" #work_ms "}}],"        \
    "\"clients\":[{\"name\":\"c\",\"target\":\"s\"" policy ",\"arrival\":{\"process\":"          \
    "\"constant\",\"rate_rps\":" #rate "}}],\"policies\":{\"p\":{\"timeout_ms\":50}},"            \
    "\"faults\":[" faults "]}"

Test(faults, outage_refuse_fails_fast_exactly_inside_its_window)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"outage\",\"target\":\"s\",\"at_s\":2,"
                                       "\"duration_s\":1}"));
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 100u, "requests at 2.00..2.99 s are refused");
    cr_assert_eq(c->failed[1], 0u);
    cr_assert_eq(c->failed[2], 100u);
    cr_assert_eq(c->failed[3], 0u);
    cr_assert_eq(c->event_count, 2u);
    cr_assert_str_eq(c->events[0], "2 fault_start s s outage (refuse)");
    cr_assert_str_eq(c->events[1], "3 fault_end s s outage (refuse)");
}

Test(faults, outage_blackhole_is_noticed_only_by_timeouts)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, ",\"policy\":\"p\"",
                                       "{\"kind\":\"outage\",\"mode\":\"blackhole\",\"target\":"
                                       "\"s\",\"at_s\":2,\"duration_s\":1}"));
    cr_assert_eq(c->r.total.failed[FAIL_TIMEOUT], 100u);
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 0u);
    cr_assert_eq(c->r.services[0].lost, 100u);
    cr_assert_eq(c->r.services[0].arrivals, c->r.total.offered - 100);
}

Test(faults, pause_freezes_work_in_progress_and_resumes_it)
{
    /* Arrivals at 1, 2, 3, 4 s; 100 ms of work. The pause from 1.05 s to
     * 1.55 s freezes the first request with 50 ms left: it ends at 1.60 s. */
    struct capture *c = run(ONE_SERVICE(100, 1, 1, "",
                                       "{\"kind\":\"pause\",\"target\":\"s\",\"at_s\":1.05,"
                                       "\"duration_s\":0.5}"));
    cr_assert_eq(c->r.total.succeeded, 4u);
    cr_assert_float_eq(c->r.latency_max_ms, 600, 1e-6);
    cr_assert_float_eq(c->r.latency_sum_ms, 600 + 3 * 100, 1e-6);
}

Test(faults, pause_parks_a_reply_until_the_process_wakes)
{
    /* api (1 ms) calls db (100 ms); api pauses from 1.05 to 1.5 s while it
     * waits: db's reply at 1.101 s is read at 1.5 s. */
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":3,\"services\":[{\"name\":\"api\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":\"db\"}]},"
        "{\"name\":\"db\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"process\":\"constant\","
        "\"rate_rps\":1}}],\"faults\":[{\"kind\":\"pause\",\"target\":\"api\",\"at_s\":1.05,"
        "\"duration_s\":0.45}]}");
    cr_assert_eq(c->r.total.succeeded, 2u);
    cr_assert_float_eq(c->r.latency_max_ms, 500, 1e-6);
    cr_assert_float_eq(c->r.latency_sum_ms, 500 + 101, 1e-6);
}

Test(faults, latency_adds_to_work_that_starts_inside_the_window)
{
    struct capture *c = run(ONE_SERVICE(100, 1, 1, "",
                                       "{\"kind\":\"latency\",\"target\":\"s\",\"at_s\":2,"
                                       "\"duration_s\":1,\"add_ms\":50,\"factor\":2}"));
    cr_assert_float_eq(c->r.latency_sum_ms, 100 + 250 + 100 + 100, 1e-6, "x2 then +50 ms");
}

Test(faults, errors_strike_at_the_given_rate_inside_the_window_only)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"errors\",\"target\":\"s\",\"at_s\":2,"
                                       "\"duration_s\":1,\"rate\":1}"));
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 100u);
    cr_assert_eq(c->failed[2], 100u);
}

Test(faults, lost_instance_leaves_the_rotation_and_fails_its_work)
{
    /* Two instances, 15 ms of work, round robin at 100/s. Instance 0 is lost
     * at 2 s, while running the request that arrived at 1.99 s: that one
     * fails; the rest go to instance 1 (which queues) and all succeed. */
    struct capture *c = run(ONE_SERVICE(15, 2, 100, "",
                                       "{\"kind\":\"capacity\",\"target\":\"s\",\"at_s\":2,"
                                       "\"duration_s\":1,\"instances\":1}"));
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 1u);
    /* the request sent at 4.99 s is still working when the run ends */
    cr_assert_eq(c->r.total.succeeded, c->r.total.offered - 2);
    cr_assert_str_eq(c->events[0], "2 fault_start s s capacity -1 workers on 1 of 2 instances");
}

Test(faults, lost_workers_slow_an_instance_but_keep_it_in_rotation)
{
    /* 2 workers, 15 ms work at 100/s: no queue. Losing one worker in [2, 3)
     * leaves 15 ms of work every 10 ms on one worker: a queue builds. */
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"workers\":2,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":15}}],\"clients\":[{\"name\":"
        "\"c\",\"target\":\"s\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],"
        "\"faults\":[{\"kind\":\"capacity\",\"target\":\"s\",\"at_s\":2,\"duration_s\":1,"
        "\"workers_lost\":1}]}");
    /* One worker completes 1 s / 15 ms = 67 requests of the window's 100;
     * the 33 left queue until two workers drain them after 3 s. */
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 0u);
    cr_assert_eq(c->succeeded[2], 67u);
    cr_assert_gt(c->r.latency_max_ms, 300.0);
}

Test(faults, partition_drops_one_callers_requests)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, ",\"policy\":\"p\"",
                                       "{\"kind\":\"partition\",\"target\":\"s\",\"from\":\"c\","
                                       "\"at_s\":2,\"duration_s\":1}"));
    cr_assert_eq(c->r.total.failed[FAIL_TIMEOUT], 100u);
    cr_assert_eq(c->r.services[0].lost, 100u);
    cr_assert_str_eq(c->events[0], "2 fault_start s s partition from c");
}

Test(faults, surge_multiplies_the_rate_for_its_window)
{
    /* At 2 s the grid restarts at 300/s: 2 + k/300 for k = 1..299; at 3 s it
     * returns to 100/s. */
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"surge\",\"target\":\"c\",\"at_s\":2,"
                                       "\"duration_s\":1,\"factor\":3}"));
    cr_assert_eq(c->offered[1], 100u);
    cr_assert_eq(c->offered[2], 299u);
    cr_assert_eq(c->offered[3], 99u);
    cr_assert_eq(c->offered[4], 100u);
}

Test(faults, rolling_restart_takes_instances_down_one_after_another)
{
    /* Three instances, round robin at 300/s: while one is down a third of
     * the requests are refused, 100 per second, for three seconds. */
    struct capture *c = run(ONE_SERVICE(1, 3, 300, "",
                                       "{\"kind\":\"restart\",\"target\":\"s\",\"at_s\":1,"
                                       "\"duration_s\":1,\"mode\":\"rolling\"}"));
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 300u);
    cr_assert_eq(c->failed[1], 100u);
    cr_assert_eq(c->failed[2], 100u);
    cr_assert_eq(c->failed[3], 100u);
    const char *want[] = {"1 fault_start s s restart (rolling)",
                          "1 instance_down s[0] s restart (rolling)",
                          "2 instance_up s[0] s restart (rolling)",
                          "2 instance_down s[1] s restart (rolling)",
                          "3 instance_up s[1] s restart (rolling)",
                          "3 instance_down s[2] s restart (rolling)",
                          "4 instance_up s[2] s restart (rolling)",
                          "4 fault_end s s restart (rolling)"};
    cr_assert_eq(c->event_count, 8u);
    for (int i = 0; i < 8; i++)
        cr_assert_str_eq(c->events[i], want[i]);
}

Test(faults, herd_fires_every_thinking_user_at_once)
{
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"workers\":100,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"users\":100,\"think_time\":{\"dist\":\"constant\",\"value_ms\":"
        "10000}}],\"faults\":[{\"kind\":\"herd\",\"target\":\"c\",\"at_s\":2}]}");
    cr_assert_eq(c->r.total.offered, 100u);
    cr_assert_eq(c->offered[2], 100u);
    cr_assert_eq(c->r.total.succeeded, 100u);
}

Test(faults, repeating_fault_occurs_count_times)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"outage\",\"target\":\"s\",\"at_s\":1,"
                                       "\"duration_s\":0.5,\"every_s\":1,\"count\":3}"));
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 150u);
    cr_assert_eq(c->event_count, 6u);
    cr_assert_str_eq(c->events[4], "3 fault_start s s outage (refuse)");
}

Test(faults, goodput_recovers_after_a_pause_and_says_when)
{
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":40,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":5}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"arrival\":{\"rate_rps\":100}}],\"faults\":[{\"kind\":\"pause\","
        "\"target\":\"s\",\"at_s\":10,\"duration_s\":2}]}");
    cr_assert(c->r.had_faults && c->r.recovery_known);
    cr_assert(c->r.recovered);
    cr_assert(c->r.recovery_s >= 0 && c->r.recovery_s < 6, "recovery_s = %g", c->r.recovery_s);
}

Test(faults, recovery_is_unknown_when_the_run_ends_too_soon_after_the_fault)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"outage\",\"target\":\"s\",\"at_s\":2,"
                                       "\"duration_s\":1}"));
    cr_assert(c->r.had_faults);
    cr_assert_not(c->r.recovery_known, "2 s after the fault is less than the 5 s span");
}

Test(faults, recovery_is_unknown_without_a_baseline)
{
    struct capture *c = run(ONE_SERVICE(1, 1, 100, "",
                                       "{\"kind\":\"outage\",\"target\":\"s\",\"at_s\":0,"
                                       "\"duration_s\":1}"));
    cr_assert(c->r.had_faults);
    cr_assert_not(c->r.recovery_known);
    cr_assert(isnan(c->r.recovery_s));
}

Test(faults, restarted_instances_come_back_cold_and_warm_up)
{
    /* One instance restarts at 1 s for 1 s and comes back 5x slower, the
     * slowness fading to nothing over 2 s. Work is 10 ms, one request per
     * 100 ms: a request that starts t seconds after the return takes
     * 10 x (1 + 4 (1 - t/2)) ms. The one at exactly 2.0 s takes 50 ms. */
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"faults\":[{\"kind\":\"restart\",\"target\":\"s\",\"at_s\":1,\"duration_s\":1,"
        "\"mode\":\"all\",\"cold_factor\":5,\"warmup_s\":2}]}");
    cr_assert_eq(c->r.total.failed[FAIL_ERROR], 10u, "refused while down: 1.0 .. 1.9 s");
    cr_assert_float_eq(c->r.latency_max_ms, 50, 1e-6);
    /* 20 requests in [2, 4): sum of 10 (1 + 4 (1 - k/20)) for k = 0..19 */
    double cold = 0;
    for (int k = 0; k < 20; k++)
        cold += 10 * (1 + 4 * (1 - k / 20.0));
    double warm = 10.0 * (double)(c->r.total.succeeded - 20);
    cr_assert_float_eq(c->r.latency_sum_ms, cold + warm, 1e-3);
}

#define TWO_INSTANCES_RESTARTED(drain)                                                             \
    "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"instances\":2,"           \
    "\"workers\":20," drain "\"service_time\":{\"dist\":\"constant\",\"value_ms\":100}}],"       \
    "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"process\":\"constant\","      \
    "\"rate_rps\":100}}],\"faults\":[{\"kind\":\"restart\",\"target\":\"s\",\"mode\":"        \
    "\"rolling\",\"at_s\":2,\"duration_s\":2,\"interval_s\":3}]}"

Test(faults, draining_finishes_work_in_flight_before_the_instance_goes)
{
    /* Two instances, 100 ms of work, 100/s: a rolling restart with a 1 s
     * drain takes each out of rotation, lets its work finish (at most
     * 100 ms), and only then takes it down: nothing fails, and the other
     * instance takes all the traffic meanwhile. Without draining the work
     * in flight and every request routed to the down instance fail. */
    struct run_result drained = run_json(TWO_INSTANCES_RESTARTED("\"drain_timeout_s\":1,"), NULL);
    cr_assert_eq(traffic_failed(&drained.total), 0u);
    struct run_result killed = run_json(TWO_INSTANCES_RESTARTED(""), NULL);
    /* half the traffic for 2 s per instance, plus the ~5 in flight on each */
    cr_assert_geq(traffic_failed(&killed.total), 200u);
}

/* An operator's hand on a breaker: forced open from 1 s to 2 s, every call
 * in between refused by the breaker (100 of them at 100/s, none reaching
 * the service), none of it counted as a trip; at 2 s the breaker is reset
 * to closed and calls go through again. Then a dependency failing from
 * 3 s trips the breaker on its 5th failure (open 60 s) and a reset at
 * 3.5 s closes it long before its open time is over. */
Test(faults, breaker_open_forces_and_breaker_reset_closes)
{
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"policy\":\"p\",\"arrival\":{\"process\":"
        "\"constant\",\"rate_rps\":100}}],"
        "\"policies\":{\"p\":{\"circuit_breaker\":{\"consecutive_failures\":5,\"open_s\":60}}},"
        "\"faults\":[{\"kind\":\"breaker_open\",\"target\":\"c->s\",\"at_s\":1,\"duration_s\":1},"
        "{\"kind\":\"errors\",\"target\":\"s\",\"at_s\":3,\"duration_s\":0.3,\"rate\":1},"
        "{\"kind\":\"breaker_reset\",\"target\":\"c->s\",\"at_s\":3.5}]}");
    cr_assert_eq(c->failed[1], 100u, "every call in [1 s, 2 s) refused");
    cr_assert_eq(c->r.total.failed[FAIL_BREAKER], 100u + (uint64_t)(c->failed[3] - 5),
                 "the forced refusals, then the tripped ones after five errors");
    cr_assert_eq(c->r.services[0].arrivals, c->r.total.offered - c->r.total.failed[FAIL_BREAKER],
                 "a refused call never reaches the service");
    cr_assert_eq(c->r.breaker_opened[0], 1u, "forcing is not a trip; the errors are one");
    cr_assert_eq(c->failed[4], 0u, "reset at 3.5 s: closed again");
    bool forced = false, released = false, reset = false;
    for (uint32_t i = 0; i < c->event_count; i++) {
        forced = forced || !strcmp(c->events[i], "1 breaker_forced_open c->s c->s breaker forced open");
        released = released || !strcmp(c->events[i], "2 breaker_reset c->s c->s breaker forced open");
        reset = reset || !strcmp(c->events[i], "3.5 breaker_reset c->s c->s breaker reset");
    }
    cr_assert(forced && released && reset, "events: %s | %s | %s ...", c->events[0], c->events[1],
              c->events[2]);
}

/* A black-holed instance accepts no connection: with a connect timeout of
 * 50 ms the caller learns so 50 ms after sending, and its retry goes to
 * the healthy instance; without one it waits out its 1 s timeout (and
 * its retry, a second later, may land in the hole again). Round robin over
 * two instances sends every other attempt into the hole. */
#define HOLE(connect)                                                                              \
    "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"instances\":2,"              \
    "\"workers\":10,\"lb\":\"round_robin\",\"service_time\":{\"dist\":\"constant\","               \
    "\"value_ms\":1}}],\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"policy\":\"p\","             \
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"                                     \
    "\"policies\":{\"p\":{\"timeout_ms\":1000" connect ",\"retry\":{\"max_attempts\":2,"           \
    "\"backoff\":\"constant\",\"base_ms\":0}}},"                                                  \
    "\"faults\":[{\"kind\":\"outage\",\"mode\":\"blackhole\",\"target\":\"s\",\"instances\":1,"     \
    "\"first_instance\":1,\"at_s\":1,\"duration_s\":3}]}"

Test(faults, a_connect_timeout_finds_a_black_holed_instance_long_before_the_read_timeout)
{
    struct capture *with = run(HOLE(",\"connect_timeout_ms\":50"));
    struct run_result w = with->r;
    struct capture *without = run(HOLE(""));
    struct run_result wo = without->r;
    cr_assert_eq(w.total.failed[FAIL_TIMEOUT], 0u, "every retry reached the healthy instance");
    cr_assert(w.latency_max_ms >= 50 && w.latency_max_ms < 52,
              "found at connect time: %.3f ms", w.latency_max_ms);
    cr_assert(wo.latency_max_ms >= 1000 && wo.latency_max_ms < 1002,
              "found at the read timeout: %.3f ms", wo.latency_max_ms);
    cr_assert_gt(w.total.calls.retries, 10u, "about half of 30 requests went into the hole");
    cr_assert_eq(w.services[0].lost, w.total.calls.retries, "each of those was lost there once");
}

/* Across a partition no connection is made either: every attempt fails at
 * its connect timeout, 50 ms after it was sent, so a call of two attempts
 * fails after 100 ms instead of 2 s. */
Test(faults, a_connect_timeout_notices_a_partition)
{
    struct capture *c = run(
        "{\"name\":\"t\",\"duration_s\":3,\"services\":[{\"name\":\"s\",\"workers\":10,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{\"name\":\"c\","
        "\"target\":\"s\",\"policy\":\"p\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":10}}],"
        "\"policies\":{\"p\":{\"timeout_ms\":1000,\"connect_timeout_ms\":50,\"retry\":"
        "{\"max_attempts\":2,\"backoff\":\"constant\",\"base_ms\":0}}},"
        "\"faults\":[{\"kind\":\"partition\",\"target\":\"s\",\"at_s\":1,\"duration_s\":1}]}");
    cr_assert_eq(c->failed[1], 9u, "sent at 1.0 .. 1.8 s, failed 100 ms later...");
    cr_assert_eq(c->failed[2], 1u, "...and the one sent at 1.9 s at 2.0 s, not 2 s later");
    cr_assert_eq(c->r.total.failed[FAIL_TIMEOUT], 10u, "...as a timeout");
    cr_assert_eq(c->offered[1], 10u);
    cr_assert_eq(c->r.services[0].lost, 20u, "two attempts each, both lost");
}
