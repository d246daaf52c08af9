/* Arrival-rate shapes: steps, ramps, spikes, sines and replayed traces.
 * Poisson counts are checked against the integral of the rate with five
 * standard deviations (a Poisson count's sd is the square root of its mean). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static const double PI = 3.14159265358979323846;

struct per_window {
    uint64_t offered[64];
};

static void count(void *ctx, const struct window_report *w)
{
    struct per_window *p = ctx;
    if (w->index < 64)
        p->offered[w->index] = w->delta.offered;
}

static struct per_window *windows_of(const char *arrival, double duration_s)
{
    static struct per_window p;
    memset(&p, 0, sizeof p);
    char json[2048];
    snprintf(json, sizeof json,
             "{\"name\":\"t\",\"duration_s\":%g,\"seed\":3,\"services\":[{\"name\":\"s\","
             "\"workers\":100000,\"service_time\":{\"dist\":\"constant\",\"value_ms\":0}}],"
             "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":%s}]}",
             duration_s, arrival);
    struct sim_observer obs = {.ctx = &p, .on_window = count};
    run_json(json, &obs);
    return &p;
}

static void assert_poisson(uint64_t got, double mean, const char *what)
{
    cr_assert(fabs((double)got - mean) <= 5 * sqrt(mean) + 1, "%s: %llu arrivals, expected %.1f",
              what, (unsigned long long)got, mean);
}

Test(workload, steps_change_a_constant_rate_on_time)
{
    struct per_window *p = windows_of(
        "{\"process\":\"constant\",\"shape\":{\"kind\":\"steps\",\"steps\":["
        "{\"at_s\":0,\"rate_rps\":100},{\"at_s\":2,\"rate_rps\":300},{\"at_s\":4,\"rate_rps\":0}]}}",
        6);
    cr_assert(p->offered[0] >= 99 && p->offered[0] <= 100);
    cr_assert_eq(p->offered[1], 100u);
    cr_assert(p->offered[2] >= 299 && p->offered[2] <= 301, "%llu",
              (unsigned long long)p->offered[2]);
    cr_assert(p->offered[3] >= 299 && p->offered[3] <= 301);
    cr_assert_leq(p->offered[4], 1u);
    cr_assert_eq(p->offered[5], 0u);
}

Test(workload, poisson_ramp_follows_the_integral_of_the_rate)
{
    /* 100/s rising linearly to 1100/s over 10 s: window i expects
     * 100 + 100 (i + 0.5) arrivals. */
    struct per_window *p = windows_of(
        "{\"rate_rps\":100,\"shape\":{\"kind\":\"ramp\",\"at_s\":0,\"duration_s\":10,"
        "\"to_rps\":1100}}",
        12);
    for (int i = 0; i < 10; i++)
        assert_poisson(p->offered[i], 100 + 100 * (i + 0.5), "ramp window");
    assert_poisson(p->offered[11], 1100, "after the ramp");
}

Test(workload, spike_then_back)
{
    struct per_window *p = windows_of(
        "{\"rate_rps\":100,\"shape\":{\"kind\":\"spike\",\"at_s\":3,\"duration_s\":1,"
        "\"rate_rps\":2000}}",
        6);
    assert_poisson(p->offered[2], 100, "before");
    assert_poisson(p->offered[3], 2000, "spike");
    assert_poisson(p->offered[4], 100, "after");
}

Test(workload, sine_swings_around_the_base_rate)
{
    /* 1000/s x (1 + sin(2 pi t / 20)): window [4, 5) expects
     * 1000 (1 + (cos(2 pi 4/20) - cos(2 pi 5/20)) 20 / (2 pi)) arrivals. */
    struct per_window *p = windows_of(
        "{\"rate_rps\":1000,\"shape\":{\"kind\":\"sine\",\"period_s\":20,\"amplitude\":1}}", 20);
    double total = 0;
    for (int i = 0; i < 20; i++) {
        double a = 2 * PI * i / 20, b = 2 * PI * (i + 1) / 20;
        double mean = 1000 * (1 + (cos(a) - cos(b)) * 20 / (2 * PI));
        assert_poisson(p->offered[i], mean, "sine window");
        total += (double)p->offered[i];
    }
    assert_poisson((uint64_t)total, 20000, "one whole period");
}

Test(workload, trace_replays_rates_from_a_csv)
{
    /* beside the scenario ("t.json", in the working folder): a scenario
     * reads no file outside its own folder */
    char path[] = ".stampede-trace-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("t_s,rate_rps\n0,50\n2,500\n3,50\n", f);
    fclose(f);
    char arrival[256];
    snprintf(arrival, sizeof arrival,
             "{\"process\":\"constant\",\"shape\":{\"kind\":\"trace\",\"file\":\"%s\"}}", path);
    struct per_window *p = windows_of(arrival, 5);
    remove(path);
    cr_assert(p->offered[0] >= 49 && p->offered[0] <= 50);
    cr_assert_eq(p->offered[1], 50u);
    cr_assert(p->offered[2] >= 499 && p->offered[2] <= 501);
    cr_assert(p->offered[3] >= 49 && p->offered[3] <= 51);
}

Test(workload, bad_shapes_get_clear_errors)
{
    struct {
        const char *arrival, *message;
    } cases[] = {
        {"{\"shape\":{\"kind\":\"sine\",\"period_s\":10,\"amplitude\":0.5}}",
         "t.json: error: $.clients[0].arrival.shape: a sine shape varies the client's "
         "'rate_rps', which is missing"},
        {"{\"rate_rps\":5,\"shape\":{\"kind\":\"steps\",\"steps\":[{\"at_s\":0,\"rate_rps\":1}]}}",
         "t.json: error: $.clients[0].arrival.shape: a steps shape gives the rates itself: remove "
         "the client's 'rate_rps'"},
        {"{\"shape\":{\"kind\":\"steps\",\"steps\":[{\"at_s\":5,\"rate_rps\":1},{\"at_s\":2,"
         "\"rate_rps\":3}]}}",
         "t.json: error: $.clients[0].arrival.shape.steps[1]: steps must be in order of at_s"},
        {"{\"shape\":{\"kind\":\"trace\",\"file\":\"nonexistent/trace.csv\"}}",
         "t.json: error: $.clients[0].arrival.shape.file: cannot read trace "
         "'nonexistent/trace.csv': No such file or directory"},
        /* a scenario reads no file outside its own folder */
        {"{\"shape\":{\"kind\":\"trace\",\"file\":\"/etc/passwd\"}}",
         "t.json: error: $.clients[0].arrival.shape.file: cannot read trace '/etc/passwd': a "
         "trace is named relative to the scenario's folder, not by an absolute path"},
        {"{\"shape\":{\"kind\":\"trace\",\"file\":\"../../../../../../../../etc/passwd\"}}",
         "t.json: error: $.clients[0].arrival.shape.file: cannot read trace "
         "'../../../../../../../../etc/passwd': outside the scenario's folder"},
        {"{\"rate_rps\":5,\"shape\":{\"kind\":\"sine\",\"period_s\":10,\"amplitude\":2}}",
         "t.json: error: $.clients[0].arrival.shape.amplitude: expected number in [0, 1], got 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"name\":\"t\",\"duration_s\":5,\"services\":[{\"name\":\"s\",\"workers\":1,"
                 "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],\"clients\":[{"
                 "\"name\":\"c\",\"target\":\"s\",\"arrival\":%s}]}",
                 cases[i].arrival);
        struct diag d;
        diag_init(&d, "t.json");
        struct scenario_set set;
        cr_assert_eq(loader_load_text("t.json", json, NULL, 0, NULL, &set, &d), LOAD_BAD_INPUT);
        cr_assert_geq(d.count, 1u);
        cr_assert_str_eq(d.lines[0], cases[i].message, "case %zu", i);
        diag_release(&d);
    }
}
