/* Bad input gets one precise line per problem. Each case is a small scenario
 * and the exact message (or, for syntax errors, the first line) it must
 * produce; valid cases check the defaults and overrides. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/edge/loader.h"

/* A valid scenario with a hole (%s) where each case puts its own text. */
#define BASE(services, extra)                                                                      \
    "{\"name\":\"t\",\"duration_s\":10," extra "\"services\":[" services "],"                     \
    "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"rate_rps\":10}}]}"
#define API "{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}"

struct bad_case {
    const char *json;
    const char *message; /* the whole expected line */
};

static char *run_loader(const char *json, const char *const *sets, uint32_t nsets,
                        enum loader_status *st, uint32_t *errors)
{
    struct diag d;
    diag_init(&d, "a.json");
    struct scenario_set set;
    *st = loader_load_text("a.json", json, sets, nsets, NULL, &set, &d);
    size_t len = 1;
    for (uint32_t i = 0; i < d.count; i++)
        len += strlen(d.lines[i]) + 1;
    char *all = malloc(len);
    all[0] = '\0';
    for (uint32_t i = 0; i < d.count; i++) {
        strcat(all, d.lines[i]);
        strcat(all, "\n");
    }
    *errors = d.errors;
    if (*st == LOAD_OK)
        scenario_set_release(&set);
    diag_release(&d);
    return all;
}

static struct bad_case bad_cases[] = {
    {"{\"name\": \"t\",\n  \"duration_s\": 10,,\n}", "a.json:2:20: error: invalid JSON"},
    {"[1, 2]", "a.json: error: $: expected an object, got an array"},
    {BASE(API, ""), NULL}, /* the base itself is valid */
    {"{\"duration_s\":10,\"services\":[" API "],\"clients\":[{\"name\":\"c\",\"target\":\"api\","
     "\"arrival\":{\"rate_rps\":1}}]}",
     "a.json: error: $: missing required key 'name'"},
    {BASE(API, "\"timout\":1,"), "a.json: error: $: unknown key 'timout'"},
    {BASE(API, "\"duraton_s\":1,"), "a.json: error: $: unknown key 'duraton_s' (did you mean "
                                    "'duration_s'?)"},
    {BASE(API, "\"seed\":1,\"seed\":2,"), "a.json: error: $.seed: duplicate key 'seed'"},
    {BASE(API, "\"Name\":\"x\","), "a.json: error: $: unknown key 'Name' (did you mean 'name'?)"},
    {BASE("{\"name\":\"api\",\"workers\":0,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].workers: expected integer >= 1, got 0"},
    {BASE("{\"name\":\"api\",\"workers\":2.5,\"service_time\":{\"dist\":\"constant\",\"value_ms\":"
          "1}}",
          ""),
     "a.json: error: $.services[0].workers: expected integer >= 1, got 2.5"},
    {BASE("{\"name\":\"api\",\"workers\":\"8\",\"service_time\":{\"dist\":\"constant\","
          "\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].workers: expected integer >= 1, got \"8\""},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"expo\",\"mean_ms\":1}}",
          ""),
     "a.json: error: $.services[0].service_time.dist: unknown dist 'expo' (expected one of: "
     "constant, uniform, exponential, lognormal, normal, pareto, mixture, empirical)"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"exponential\","
          "\"mean_ms\":-3}}",
          ""),
     "a.json: error: $.services[0].service_time.mean_ms: expected number > 0, got -3"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"lognormal\","
          "\"median_ms\":5}}",
          ""),
     "a.json: error: $.services[0].service_time: missing required key 'p99_ms'"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"lognormal\","
          "\"median_ms\":5,\"p99_ms\":2}}",
          ""),
     "a.json: error: $.services[0].service_time.p99_ms: must be >= median_ms"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"error_rate\":1.5,\"service_time\":{\"dist\":"
          "\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].error_rate: expected number in [0, 1], got 1.5"},
    {BASE("{\"name\":\"api\",\"workers\":1}", ""),
     "a.json: error: $.services[0]: missing required key 'service_time'"},
    {BASE(API ",{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\","
              "\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[1].name: duplicate name 'api' (also at $.services[0])"},
    {BASE("{\"name\":\"a pi\",\"workers\":1,\"service_time\":{\"dist\":\"constant\","
          "\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].name: invalid name 'a pi' (letters, digits, '-' and '_', at "
     "most 64)"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"dbx\"}]}",
          ""),
     "a.json: error: $.services[0].calls[0].service: unknown service 'dbx'"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"db\"}]},{\"name\":\"db\",\"workers\":1,\"service_time\":{"
          "\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":\"api\"}]}",
          ""),
     "a.json: error: $.services: call cycle: 'db' calls 'api', which leads back to it"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"api\",\"policy\":\"nope\"}]}",
          ""),
     "a.json: error: $.services[0].calls[0].policy: unknown policy 'nope'"},
    {BASE(API, "\"queue\":1,"), "a.json: error: $: unknown key 'queue'"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"queue\":{\"capacity\":-1,\"discipline\":\"fifo\"},"
          "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].queue.capacity: expected integer >= 0, got -1"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"queue\":{\"discipline\":\"random\"},"
          "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].queue.discipline: unknown discipline 'random' (expected one "
     "of: fifo, lifo)"},
    {"{\"name\":\"t\",\"duration_s\":0,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"api\",\"arrival\":{\"rate_rps\":1}}]}",
     "a.json: error: $.duration_s: expected number > 0, got 0"},
    {"{\"name\":\"t\",\"duration_s\":5,\"services\":[],\"clients\":[]}",
     "a.json: error: $.services: expected at least one element"},
    {"{\"name\":\"t\",\"duration_s\":5,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"api\"}]}",
     "a.json: error: $.clients[0]: a client needs either 'arrival' (open loop) or 'users' with "
     "'think_time' (closed loop)"},
    {"{\"name\":\"t\",\"duration_s\":5,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"api\",\"users\":3}]}",
     "a.json: error: $.clients[0]: missing required key 'think_time' (closed-loop clients think "
     "between requests)"},
    {"{\"name\":\"t\",\"duration_s\":5,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"db\",\"arrival\":{\"rate_rps\":1}}]}",
     "a.json: error: $.clients[0].target: unknown service 'db'"},
    {"{\"name\":\"t\",\"duration_s\":5,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"api\",\"arrival\":{\"process\":\"bursty\",\"rate_rps\":1}}]}",
     "a.json: error: $.clients[0].arrival.process: unknown process 'bursty' (expected one of: "
     "poisson, constant)"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"max_attempts\":0}}},"),
     "a.json: error: $.policies.p.retry.max_attempts: expected integer in [1, 100], got 0"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"base_ms\":500,\"max_ms\":100}}},"),
     "a.json: error: $.policies.p.retry.max_ms: the cap must not be below base_ms"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"on\":[\"timeout\",\"oops\"]}}},"),
     "a.json: error: $.policies.p.retry.on[1]: expected one of timeout, error, rejected, "
     "breaker_open, or an HTTP status (503)"},
    /* "two successes close it" with the default single permit once stayed
     * half-open for ever; given alone, success_threshold now sets the
     * permits too (gobreaker), and fewer permits than successes is refused */
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"success_threshold\":2}}},"), NULL},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"success_threshold\":2,"
               "\"half_open_calls\":1}}},"),
     "a.json: error: $.policies.p.circuit_breaker.half_open_calls: 1 trial calls cannot give 2 "
     "successes in a row: once they are used the breaker stays half-open for ever (gobreaker "
     "makes both one number, MaxRequests); give at least 2, or 0 for no limit (pybreaker)"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"failure_count\":5}}},"),
     "a.json: error: $.policies.p.circuit_breaker.failure_count: counts failures in a count or "
     "time window (window: \"count\" or \"time\"); a consecutive breaker has "
     "consecutive_failures"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"window\":\"count\",\"size\":4,"
               "\"failure_count\":5}}},"),
     "a.json: error: $.policies.p.circuit_breaker.failure_count: 5 failures cannot fit in a "
     "window of 4 calls"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"window\":\"time\",\"size\":60,"
               "\"failure_count\":5,\"failure_rate\":0.5}}},"),
     "a.json: error: $.policies.p.circuit_breaker.failure_count: open on a failure rate or on a "
     "failure count, not both"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"window\":\"time\",\"interval_s\":60}}},"),
     "a.json: error: $.policies.p.circuit_breaker.interval_s: clears a consecutive breaker's count "
     "(gobreaker's Interval); a count or time window forgets old calls by itself"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"jitter\":\"full\",\"factor\":0.2}}},"),
     "a.json: error: $.policies.p.retry.factor: belongs to proportional or upward jitter (this "
     "retry's jitter is 'full')"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"jitter\":\"upward\",\"jitter_ms\":20}}},"),
     "a.json: error: $.policies.p.retry.jitter_ms: belongs to additive jitter (this retry's jitter "
     "is 'upward')"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"jitter\":\"additive\",\"jitter_ms\":20}}},"), NULL},
    {BASE(API, "\"policies\":{\"p\":{\"bulkhead\":{\"kind\":\"thread_pool\",\"max_concurrent\":4}}},"),
     "a.json: error: $.policies.p.bulkhead.max_concurrent: belongs to a semaphore bulkhead (this "
     "one is a thread_pool)"},
    {BASE(API, "\"policies\":{\"p\":{\"bulkhead\":{\"kind\":\"thread_pool\",\"queue\":4}}},"),
     "a.json: error: $.policies.p.bulkhead.queue: a thread pool's queue needs the policy's "
     "timeout_ms (the longest an attempt waits in it, as in Hystrix)"},
    {BASE(API, "\"policies\":{\"p\":{\"bulkhead\":{\"kind\":\"thread_pool\"},\"retry\":{},"
               "\"order\":[\"bulkhead\",\"retry\"]}},"),
     "a.json: error: $.policies.p.order: a thread pool holds one thread per attempt: place the "
     "bulkhead inside the retry"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"on\":[\"timeout\",600]}}},"),
     "a.json: error: $.policies.p.retry.on[1]: expected an HTTP status from 400 to 599, got 600"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{\"on\":[\"timeuot\"]}}},"),
     "a.json: error: $.policies.p.retry.on[0]: expected one of timeout, error, rejected, "
     "breaker_open, or an HTTP status (503)"},
    {BASE(API, "\"policies\":{\"p\":{\"fallback\":{\"on\":[]}}},"),
     "a.json: error: $.policies.p.fallback.on: an empty list: leave 'on' out to answer for every "
     "failure"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"ignore_status\":[\"404\"]}}},"),
     "a.json: error: $.policies.p.circuit_breaker.ignore_status[0]: expected an HTTP status from "
     "400 to 599"},
    {BASE(API, "\"policies\":{\"p\":{\"circuit_breaker\":{\"failure_rate\":1.5}}},"),
     "a.json: error: $.policies.p.circuit_breaker.failure_rate: expected number in (0, 1], got 1.5"},
    {BASE(API, "\"policies\":{\"p\":{\"retry_budget\":{\"kind\":\"ratio\"}}},"),
     "a.json: error: $.policies.p.retry_budget: a retry budget needs a 'retry' block to limit"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{},\"hedge\":{\"delay_ms\":10}}},"),
     "a.json: error: $.policies.p.hedge: a policy hedges or retries, not both (as in gRPC)"},
    {BASE(API, "\"policies\":{\"p\":{\"rate_limit\":{\"rate_rps\":5,\"limit_for_period\":3}}},"),
     "a.json: error: $.policies.p.rate_limit: expected either 'rate_rps' (token bucket) or 'limit_for_period' (fixed window)"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{},\"timeout_ms\":5,\"order\":[\"retry\",\"retry\",\"timeout\"]}},"),
     "a.json: error: $.policies.p.order[1]: 'retry' is named twice"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{},\"timeout_ms\":5,\"order\":[\"retry\"]}},"),
     "a.json: error: $.policies.p.order: does not place 'timeout' (name every block of the policy once)"},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{},\"bulkhead\":{},\"order\":[\"bulkhead\",\"retry\"]}},"),
     NULL /* valid: a bulkhead outside the retry holds its slot across the attempts */},
    {BASE(API, "\"policies\":{\"p\":{\"retry\":{},\"order\":[\"retry\",\"bulkhead\"]}},"),
     "a.json: error: $.policies.p.order[1]: the policy has no 'bulkhead' to place"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"shed\":{\"codel\":{\"target_ms\":200,\"interval_ms\":100}}}", ""),
     "a.json: error: $.services[0].shed.codel: target_ms must be below interval_ms"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"concurrency_limit\":{\"min\":50,\"max\":10}}", ""),
     "a.json: error: $.services[0].concurrency_limit.min: must not be above max"},
    {BASE(API, "\"policies\":{\"p\":{\"timeout_ms\":0}},"),
     "a.json: error: $.policies.p.timeout_ms: expected number > 0, got 0"},
    {BASE(API, "\"policies\":{\"p\":{\"timout_ms\":5}},"),
     "a.json: error: $.policies.p: unknown key 'timout_ms' (did you mean 'timeout_ms'?)"},
    {BASE(API, "\"variants\":[{\"name\":\"v\",\"set\":{\"services.api.workers\":0}}],"),
     "a.json: error: variant 'v': $.services[0].workers: expected integer >= 1, got 0"},
    {BASE(API, "\"variants\":[{\"name\":\"v\",\"set\":{\"services.dbx.workers\":2}}],"),
     "a.json: error: variant 'v': $.variants[0].set.services.dbx.workers: $.services: no "
     "element named 'dbx'"},
    {BASE(API, "\"expect\":[3],"), "a.json: error: $.expect[0]: expected a string, got 3"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"parallel\":[{\"service\":\"api2\",\"optional\":true}],\"wait\":\"first\"}]},"
          "{\"name\":\"api2\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].calls[0].parallel[0]: 'optional' needs a sequential call or a "
     "parallel group that waits for all (with 'first' or 'quorum' every branch is already "
     "allowed to fail)"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"parallel\":[{\"service\":\"api2\"}],\"wait\":\"quorum\",\"quorum\":2}]},"
          "{\"name\":\"api2\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].calls[0].quorum: expected integer in [1, 1], got 2"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"parallel\":[{\"service\":\"api2\"}],\"quorum\":1}]},"
          "{\"name\":\"api2\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].calls[0]: 'quorum' goes with \"wait\": \"quorum\""},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"api2\",\"probability\":1.5}]},"
          "{\"name\":\"api2\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}",
          ""),
     "a.json: error: $.services[0].calls[0].probability: expected number in [0, 1], got 1.5"},
    {BASE(API, "\"faults\":[{\"kind\":\"meteor\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1}],"),
     "a.json: error: $.faults[0].kind: unknown kind 'meteor' (expected one of: outage, pause, "
     "latency, errors, capacity, partition, surge, restart, herd, cache_flush, breaker_open, "
     "breaker_reset)"},
    {BASE(API, "\"faults\":[{\"kind\":\"breaker_reset\",\"target\":\"api\",\"at_s\":1}],"),
     "a.json: error: $.faults[0].target: expected an edge 'caller->callee' (as in policies.csv), "
     "got 'api'"},
    {BASE(API, "\"faults\":[{\"kind\":\"breaker_open\",\"target\":\"c->api\",\"at_s\":1,"
               "\"duration_s\":1}],"),
     "a.json: error: $.faults[0].target: 'c->api' has no circuit breaker to act on"},
    {BASE(API, "\"faults\":[{\"kind\":\"breaker_open\",\"target\":\"api->c\",\"at_s\":1,"
               "\"duration_s\":1}],"),
     "a.json: error: $.faults[0].target: unknown service 'c'"},
    {BASE(API, "\"faults\":[{\"kind\":\"outage\",\"target\":\"db\",\"at_s\":1,\"duration_s\":1}],"),
     "a.json: error: $.faults[0].target: unknown service 'db'"},
    {BASE(API, "\"faults\":[{\"kind\":\"outage\",\"target\":\"api\",\"at_s\":10,\"duration_s\":1}],"),
     "a.json: error: $.faults[0].at_s: the fault starts at or after the end of the run "
     "(duration_s)"},
    {BASE(API, "\"faults\":[{\"kind\":\"errors\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1,"
               "\"rate\":2}],"),
     "a.json: error: $.faults[0].rate: expected number in (0, 1], got 2"},
    {BASE(API, "\"faults\":[{\"kind\":\"surge\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1,"
               "\"factor\":2}],"),
     "a.json: error: $.faults[0].target: unknown client 'api' (a surge fault targets a client)"},
    {BASE(API, "\"faults\":[{\"kind\":\"outage\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1,"
               "\"instances\":2}],"),
     "a.json: error: $.faults[0].instances: expected integer in [1, 1], got 2"},
    {BASE(API, "\"faults\":[{\"kind\":\"latency\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1}],"),
     "a.json: error: $.faults[0]: a latency fault needs 'add_ms', 'factor' or both"},
    {BASE(API, "\"faults\":[{\"kind\":\"outage\",\"target\":\"api\",\"at_s\":1,\"duration_s\":1,"
               "\"add_ms\":5}],"),
     "a.json: error: $.faults[0]: unknown key 'add_ms'"},
    {BASE(API, "\"faults\":[{\"kind\":\"outage\",\"target\":\"api\",\"at_s\":1,\"duration_s\":2,"
               "\"every_s\":1,\"count\":3}],"),
     "a.json: error: $.faults[0]: occurrences overlap: 'every_s' must exceed one occurrence's "
     "length"},
    /* once crashed check, compare and sweep, and made run write nothing */
    {BASE(API, "\"variants\":[],"),
     "a.json: error: $.variants: an empty list: leave 'variants' out for one default run, or "
     "name at least one variant"},
    {"{\"name\":\"t\",\"duration_s\":10,\"services\":[" API "],\"clients\":[{\"name\":\"c\","
     "\"target\":\"api\",\"slo_ms\":0,\"arrival\":{\"rate_rps\":10}}]}",
     "a.json: error: $.clients[0].slo_ms: expected number > 0, got 0"},
    {BASE(API, "\"recovery\":{\"tolerance\":0},"),
     "a.json: error: $.recovery.tolerance: expected number in (0, 0.99], got 0"},
    /* a 300,000-key path once overflowed the stack freeing what it built */
    {BASE(API, "\"variants\":[{\"name\":\"v\",\"set\":{\"k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k\":1}}],"),
     "a.json: error: variant 'v': $.variants[0].set.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k: a path of 33 keys: no scenario key is "
     "deeper than 32"},
    {BASE(API, "\"recovery\":{\"hold\":3},"),
     "a.json: error: $.recovery: unknown key 'hold' (did you mean 'hold_s'?)"},
    /* operations */
#define OPS_DB "{\"name\":\"db\",\"workers\":1,\"operations\":[{\"name\":\"read\"," \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}},{\"name\":\"write\",\"weight\":0," \
    "\"service_time\":{\"dist\":\"constant\",\"value_ms\":2}}]}"
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"db\",\"operation\":\"wrte\"}]}," OPS_DB, ""),
     "a.json: error: $.services[0].calls[0].operation: unknown operation 'wrte' (did you mean "
     "'write'?)"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[{\"service\":\"db\",\"operation\":\"write\"}]}," OPS_DB, ""),
     NULL},
    {BASE(API ",{\"name\":\"db\",\"workers\":1,\"service_time\":{\"dist\":\"constant\","
          "\"value_ms\":1},\"calls\":[{\"service\":\"api\",\"operation\":\"read\"}]}", ""),
     "a.json: error: $.services[1].calls[0].operation: 'api' declares no operations to choose "
     "from"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"operations\":[{\"name\":\"a\"}]}", ""),
     "a.json: error: $.services[0].operations[0]: missing 'service_time' (here, or for the whole "
     "service)"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"calls\":[],\"operations\":[{\"name\":\"a\"}]}", ""),
     "a.json: error: $.services[0].calls: a service with 'operations' lists each operation's own "
     "calls"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"operations\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", ""),
     "a.json: error: $.services[0].operations[1].name: duplicate name 'a' (also at "
     "$.services[0].operations[0])"},
    {BASE("{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
          "\"operations\":[{\"name\":\"a\",\"weight\":0}]}", ""),
     "a.json: error: $.services[0].operations: the operations' weights add up to 0: requests that "
     "name none would have nowhere to go"},
};

Test(loader, every_bad_input_gets_its_precise_message)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        enum loader_status st;
        uint32_t errors;
        char *out = run_loader(bad_cases[i].json, NULL, 0, &st, &errors);
        if (!bad_cases[i].message) {
            cr_assert_eq(st, LOAD_OK, "case %zu should be valid:\n%s", i, out);
            free(out);
            continue;
        }
        cr_assert_eq(st, LOAD_BAD_INPUT, "case %zu accepted: %s", i, bad_cases[i].json);
        char *first = strtok(out, "\n");
        cr_assert_str_eq(first, bad_cases[i].message, "case %zu: got %s", i, first);
        free(out);
    }
}

Test(loader, syntax_error_shows_the_line_and_a_caret)
{
    enum loader_status st;
    uint32_t errors;
    char *out = run_loader("{\"name\": \"t\",\n  \"duration_s\": 10,,\n}", NULL, 0, &st, &errors);
    cr_assert_str_eq(out, "a.json:2:20: error: invalid JSON\n"
                          "      \"duration_s\": 10,,\n"
                          "                       ^\n");
    free(out);
}

Test(loader, reports_every_problem_not_just_the_first)
{
    enum loader_status st;
    uint32_t errors;
    char *out = run_loader("{\"name\":\"t\",\"duration_s\":-1,\"window_s\":0,\"services\":[{\"name\":\"api\","
               "\"workers\":0,\"service_time\":{\"dist\":\"exponential\",\"mean_ms\":0}}],"
               "\"clients\":[{\"name\":\"c\",\"target\":\"nowhere\",\"arrival\":{\"rate_rps\":-5}}]}",
               NULL, 0, &st, &errors);
    cr_assert_eq(st, LOAD_BAD_INPUT);
    cr_assert_eq(errors, 6, "%s", out);
    free(out);
}

static struct scenario_set load_ok(const char *json, const char *const *sets, uint32_t n)
{
    struct diag d;
    diag_init(&d, "a.json");
    struct scenario_set set;
    enum loader_status st = loader_load_text("a.json", json, sets, n, NULL, &set, &d);
    diag_print(&d, stderr);
    cr_assert_eq(st, LOAD_OK);
    diag_release(&d);
    return set;
}

Test(loader, contract_defaults)
{
    struct scenario_set set = load_ok(BASE(API, ""), NULL, 0);
    const struct scenario *sc = set.items[0];
    cr_assert_eq(sc->seed, 1u);
    cr_assert_eq(sc->window_ns, SIM_S(1));
    cr_assert_str_eq(sc->variant, "default");
    cr_assert_eq(sc->services[0].instances, 1u);
    cr_assert_eq(sc->services[0].queue_capacity, QUEUE_UNBOUNDED);
    cr_assert_eq(sc->services[0].discipline, QUEUE_FIFO);
    cr_assert_eq(sc->clients[0].policy, NO_INDEX);
    cr_assert_eq(sc->clients[0].process, ARRIVAL_POISSON);
    scenario_set_release(&set);
}

Test(loader, set_overrides_any_key_by_name_and_adds_whole_blocks)
{
    const char *sets[] = {"services.api.workers=16", "clients.c.arrival.rate_rps=250",
                          "policies={\"edge\": {\"timeout_ms\": 300}}", "clients.c.policy=edge",
                          "title=hello world"};
    struct scenario_set set = load_ok(BASE(API, ""), sets, 5);
    const struct scenario *sc = set.items[0];
    cr_assert_eq(sc->services[0].workers, 16u);
    cr_assert_eq(sc->clients[0].rate_rps, 250.0);
    cr_assert_eq(sc->policy_count, 1u);
    cr_assert_eq(sc->policies[0].timeout_ns, SIM_MS(300));
    cr_assert_eq(sc->clients[0].policy, 0u);
    cr_assert_str_eq(sc->title, "hello world");
    scenario_set_release(&set);
}

Test(loader, a_bad_override_is_reported_like_the_file)
{
    const char *sets[] = {"services.api.workers=0", "services.nope.workers=1", "nodot"};
    enum loader_status st;
    uint32_t errors;
    char *out = run_loader(BASE(API, ""), sets, 3, &st, &errors);
    cr_assert_eq(st, LOAD_BAD_INPUT);
    cr_assert(strstr(out, "a.json: error: --set services.nope.workers: $.services: no element "
                          "named 'nope'\n"),
              "%s", out);
    cr_assert(strstr(out, "a.json: error: --set: expected PATH=VALUE, got 'nodot'\n"), "%s", out);
    cr_assert(strstr(out, "a.json: error: $.services[0].workers: expected integer >= 1, got 0\n"),
              "%s", out);
    free(out);
}

/* A path whose parent is missing is an error, never a block made up on
 * the way: `policies.clinet.timeout_ms` once created a policy nobody used. */
Test(loader, an_override_path_must_exist_up_to_its_last_key)
{
    const char *json = BASE(API, "\"policies\":{\"edge\":{\"timeout_ms\":100}},"
                                 "\"variants\":[{\"name\":\"plain\"},{\"name\":\"retrying\","
                                 "\"set\":{\"policies.edge.retry\":{\"max_attempts\":2}}}],");
    const char *cases[][2] = {
        {"policies.egde.timeout_ms=5",
         "a.json: error: --set policies.egde.timeout_ms: $.policies: no key 'egde' (did you mean 'edge'?)\n"},
        {"policies.edge.hedge.delay_ms=5",
         "a.json: error: --set policies.edge.hedge.delay_ms: $.policies.edge: no 'hedge' block to set a key "
         "in (add one whole: --set 'policies.edge.hedge={...}')\n"},
        {"services.apj.workers=2",
         "a.json: error: --set services.apj.workers: $.services: no element named 'apj' (did you mean 'api'?)\n"},
        {"policies.edge.retry.max_attempts=3",
         "a.json: error: --set policies.edge.retry.max_attempts: the path exists only in variant "
         "'retrying' (choose with --variant)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum loader_status st;
        uint32_t errors;
        char *out = run_loader(json, &cases[i][0], 1, &st, &errors);
        cr_assert_eq(st, LOAD_BAD_INPUT, "%s", cases[i][0]);
        cr_assert_str_eq(out, cases[i][1]);
        free(out);
    }
    const char *only[] = {"policies.edge.retry.max_attempts=3"};
    struct diag d;
    diag_init(&d, "a.json");
    struct scenario_set set;
    cr_assert_eq(loader_load_text("a.json", json, only, 1, "retrying", &set, &d), LOAD_OK,
                 "chosen with --variant, the path is there");
    cr_assert_eq(set.items[0]->policies[0].retry.max_attempts, 3u);
    scenario_set_release(&set);
    diag_release(&d);
}

/* null removes a block: a variant without the file's retry, and the same
 * from the command line (it once read as "expected an object, got null"). */
Test(loader, null_removes_a_block)
{
    const char *json = BASE(API, "\"policies\":{\"edge\":{\"timeout_ms\":100,\"retry\":{"
                                 "\"max_attempts\":3}}},"
                                 "\"variants\":[{\"name\":\"with\"},{\"name\":\"without\","
                                 "\"set\":{\"policies.edge.retry\":null}}],");
    struct scenario_set set = load_ok(json, NULL, 0);
    cr_assert_eq(set.items[0]->policies[0].retry.max_attempts, 3u);
    cr_assert_eq(set.items[1]->policies[0].retry.max_attempts, 1u, "no retry: one attempt");
    scenario_set_release(&set);
    const char *sets[] = {"policies.edge.retry=null"};
    set = load_ok(json, sets, 1);
    cr_assert_eq(set.items[0]->policies[0].retry.max_attempts, 1u);
    cr_assert_eq(set.items[1]->policies[0].retry.max_attempts, 1u);
    scenario_set_release(&set);
}

/* A scenario may name the panels it teaches with; a typo is a load error. */
Test(loader, a_view_block_names_panels)
{
    struct scenario_set set = load_ok(BASE(API, "\"view\":{\"panels\":[\"load\",\"waste\"]},"),
                                      NULL, 0);
    cr_assert_str_eq(set.items[0]->view_panels, "load,waste");
    scenario_set_release(&set);
    enum loader_status st;
    uint32_t errors;
    char *out = run_loader(BASE(API, "\"view\":{\"panels\":[\"lod\"]},"), NULL, 0, &st, &errors);
    cr_assert_eq(st, LOAD_BAD_INPUT);
    cr_assert(strstr(out, "a.json: error: $.view.panels[0]: no panel 'lod' (did you mean 'load'?)"),
              "%s", out);
    free(out);
}

/* An override's value is JSON only when all of it is: "1s" once ran as 1
 * (ms), "12abc" as 12 and "truex" as true. */
Test(loader, an_override_value_is_whole_json_or_a_string)
{
    const char *cases[][2] = {
        {"services.api.workers=1s", "a.json: error: $.services[0].workers: expected integer >= 1, got \"1s\"\n"},
        {"services.api.workers=12abc", "a.json: error: $.services[0].workers: expected integer >= 1, got \"12abc\"\n"},
        {"services.api.drop_expired=truex", "a.json: error: $.services[0].drop_expired: expected true or false, got \"truex\"\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum loader_status st;
        uint32_t errors;
        char *out = run_loader(BASE(API, ""), &cases[i][0], 1, &st, &errors);
        cr_assert_eq(st, LOAD_BAD_INPUT, "%s", cases[i][0]);
        cr_assert_str_eq(out, cases[i][1]);
        free(out);
    }
}

Test(loader, variants_each_build_their_own_scenario)
{
    struct scenario_set set = load_ok(
        BASE(API, "\"variants\":[{\"name\":\"one\"},{\"name\":\"four\",\"set\":{"
                  "\"services.api.workers\":4}}],\"expect\":[\"four: goodput_ratio > 0.5\"],"),
        NULL, 0);
    cr_assert_eq(set.count, 2u);
    cr_assert_str_eq(set.items[0]->variant, "one");
    cr_assert_eq(set.items[0]->services[0].workers, 1u);
    cr_assert_str_eq(set.items[1]->variant, "four");
    cr_assert_eq(set.items[1]->services[0].workers, 4u);
    cr_assert_eq(set.expect_count, 1u);
    scenario_set_release(&set);
}

/* The command line wins over a variant's own `set` (it lost, so a sweep
 * could not vary what a variant sets). */
Test(loader, command_line_overrides_win_over_a_variant)
{
    const char *sets[] = {"services.api.workers=8"};
    struct scenario_set set = load_ok(
        BASE(API, "\"variants\":[{\"name\":\"one\"},{\"name\":\"four\",\"set\":{"
                  "\"services.api.workers\":4}}],"),
        sets, 1);
    cr_assert_eq(set.items[0]->services[0].workers, 8u);
    cr_assert_eq(set.items[1]->services[0].workers, 8u, "not the variant's 4");
    scenario_set_release(&set);
}

/* A chain of services `n` long: s0 calls s1 calls ... s(n-1). */
static char *chain(uint32_t n)
{
    size_t cap = 200 + (size_t)n * 120, len = 0;
    char *json = malloc(cap);
    len += (size_t)snprintf(json + len, cap - len, "{\"name\":\"t\",\"duration_s\":1,\"services\":[");
    for (uint32_t i = 0; i < n; i++) {
        len += (size_t)snprintf(json + len, cap - len,
                                "%s{\"name\":\"s%u\",\"workers\":1,\"service_time\":{\"dist\":"
                                "\"constant\",\"value_ms\":1}",
                                i ? "," : "", i);
        if (i + 1 < n)
            len += (size_t)snprintf(json + len, cap - len, ",\"calls\":[{\"service\":\"s%u\"}]", i + 1);
        len += (size_t)snprintf(json + len, cap - len, "}");
    }
    snprintf(json + len, cap - len,
             "],\"clients\":[{\"name\":\"c\",\"target\":\"s0\",\"arrival\":{\"rate_rps\":1}}]}");
    return json;
}

/* A reply climbs a chain in one go, so a 20,000-service chain once
 * overflowed the stack (and the loader's own cycle search recursed as
 * deep): chains are searched iteratively and limited to 100 services. */
Test(loader, a_call_chain_deeper_than_100_is_refused)
{
    enum loader_status st;
    uint32_t errors;
    char *ok = chain(100), *deep = chain(20000);
    free(run_loader(ok, NULL, 0, &st, &errors));
    cr_assert_eq(st, LOAD_OK);
    char *msg = run_loader(deep, NULL, 0, &st, &errors);
    cr_assert_neq(st, LOAD_OK);
    cr_assert_str_eq(msg, "a.json: error: $.services: a call chain of 20000 services from 's0': "
                          "at most 100\n");
    free(msg), free(ok), free(deep);
}
