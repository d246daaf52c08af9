/* The up-front estimate behind --max-events and --max-output-mb, on
 * scenarios small enough to count by hand. */
#include <criterion/criterion.h>
#include <math.h>

#include "../sim/edge/loader.h"
#include "../sim/model/estimate.h"

static struct scenario_set load(const char *json)
{
    struct diag d;
    diag_init(&d, "e.json");
    struct scenario_set set;
    enum loader_status st = loader_load_text("e.json", json, NULL, 0, NULL, &set, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    cr_assert_eq(st, LOAD_OK);
    return set;
}

/* 10 requests/s for 100 s = 1,000 requests. Each visits the api (1) and,
 * half the time, the db with up to 3 attempts (0.5 x 3 = 1.5): 2.5 visits,
 * 3 events a visit, 7,500 events. Per 1 s window: a timeseries row, 2
 * service rows, 2 edge rows (client -> api, api -> db), 1 policy row and 3
 * instance rows (api 1, db 2) = 9 rows, for 100 windows. */
Test(estimate, counts_requests_visits_and_rows_by_hand)
{
    struct scenario_set set = load(
        "{\"name\":\"e\",\"duration_s\":100,"
        "\"policies\":{\"p\":{\"timeout_ms\":100,\"retry\":{\"max_attempts\":3}}},"
        "\"services\":[{\"name\":\"api\",\"workers\":1,\"service_time\":{\"dist\":\"constant\","
        "\"value_ms\":1},\"calls\":[{\"service\":\"db\",\"policy\":\"p\",\"probability\":0.5}]},"
        "{\"name\":\"db\",\"instances\":2,\"workers\":1,\"service_time\":{\"dist\":\"constant\","
        "\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"rate_rps\":10}}]}");
    struct estimate e;
    scenario_estimate(set.items[0], &e);
    cr_assert_float_eq(e.requests, 1000.0, 1e-9);
    cr_assert_float_eq(e.top_client_visits, 2.5, 1e-12);
    cr_assert_float_eq(e.events, 7500.0, 1e-6);
    cr_assert_float_eq(e.windows, 100.0, 1e-12);
    cr_assert_float_eq(e.rows_per_window, 9.0, 1e-12);
    cr_assert(e.output_bytes > 100 * 9 * 30.0 && e.output_bytes < 100 * 9 * 150.0);
    scenario_set_release(&set);
}

/* Three tiers of a 100-wide parallel fan-out: 1 + 100 + 100^2 + 100^3
 * visits a request, the case that once ran for ever saying nothing. */
Test(estimate, a_fan_out_multiplies_down_the_tree)
{
    char json[16384];
    int n = snprintf(json, sizeof json, "{\"name\":\"f\",\"duration_s\":10,\"services\":[");
    const char *names[] = {"a", "b", "c", "d"};
    for (int t = 0; t < 4; t++) {
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"name\":\"%s\",\"workers\":1,\"service_time\":{\"dist\":\"constant\","
                      "\"value_ms\":1}",
                      t ? "," : "", names[t]);
        if (t < 3) {
            n += snprintf(json + n, sizeof json - (size_t)n, ",\"calls\":[{\"parallel\":[");
            for (int k = 0; k < 100; k++)
                n += snprintf(json + n, sizeof json - (size_t)n, "%s{\"service\":\"%s\"}",
                              k ? "," : "", names[t + 1]);
            n += snprintf(json + n, sizeof json - (size_t)n, "]}]");
        }
        n += snprintf(json + n, sizeof json - (size_t)n, "}");
    }
    snprintf(json + n, sizeof json - (size_t)n,
             "],\"clients\":[{\"name\":\"c\",\"target\":\"a\",\"arrival\":{\"rate_rps\":1}}]}");
    struct scenario_set set = load(json);
    struct estimate e;
    scenario_estimate(set.items[0], &e);
    cr_assert_float_eq(e.top_client_visits, 1010101.0, 1e-6);
    cr_assert_float_eq(e.events, 10 * 1010101.0 * 3, 1e-3);
    scenario_set_release(&set);
}

/* Closed loop: 50 users, 90 ms think + 10 ms of service = a request every
 * 100 ms each, 500/s, over 20 s. */
Test(estimate, a_closed_loop_sends_once_per_think_and_service_time)
{
    struct scenario_set set = load(
        "{\"name\":\"e\",\"duration_s\":20,\"services\":[{\"name\":\"api\",\"workers\":1,"
        "\"service_time\":{\"dist\":\"constant\",\"value_ms\":10}}],"
        "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"users\":50,"
        "\"think_time\":{\"dist\":\"constant\",\"value_ms\":90}}]}");
    struct estimate e;
    scenario_estimate(set.items[0], &e);
    cr_assert_float_eq(e.requests, 10000.0, 1e-6);
    scenario_set_release(&set);
}
