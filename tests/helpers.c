#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

struct scenario_set load_or_fail(const char *file, const char *const *sets, uint32_t nsets)
{
    struct diag d;
    diag_init(&d, file);
    struct scenario_set set;
    enum loader_status st = loader_load(file, sets, nsets, NULL, &set, &d);
    if (st != LOAD_OK) {
        diag_print(&d, stderr);
        cr_assert_fail("cannot load %s", file);
    }
    diag_release(&d);
    return set;
}

struct run_result run_json(const char *json, const struct sim_observer *obs)
{
    struct diag d;
    diag_init(&d, "t.json");
    struct scenario_set set;
    enum loader_status st = loader_load_text("t.json", json, NULL, 0, NULL, &set, &d);
    diag_print(&d, stderr);
    cr_assert_eq(st, LOAD_OK);
    diag_release(&d);
    struct sim *s = sim_new(set.items[0], set.items[0]->seed);
    if (obs)
        sim_set_observer(s, obs);
    sim_run(s);
    const struct run_report *r = sim_report(s);
    struct run_result out = {
        .total = r->total,
        .in_flight = r->in_flight,
        .latency_count = r->latency->count,
        .latency_sum_ms = r->latency->sum_ns / 1e6,
        .latency_max_ms = sim_time_to_ms(r->latency->max_ns),
        .latency_p99_ms = sim_time_to_ms(histogram_percentile(r->latency, 99)),
        .had_faults = r->had_faults,
        .recovery_known = r->recovery_known,
        .recovered = r->recovered,
        .recovery_s = r->recovery_s,
        .peak = r->peak,
    };
    for (uint32_t i = 0; i < r->service_count && i < 8; i++) {
        out.services[i] = r->services[i].delta;
        for (uint32_t k = 0; k < r->services[i].operation_count && k < 4; k++) {
            const struct operation_stats *o = &r->services[i].operation_stats[k];
            out.operations[i][k].arrivals = o->arrivals;
            out.operations[i][k].ok = o->ok;
            out.operations[i][k].errors = o->errors;
        }
    }
    out.edge_count = r->edge_count;
    for (uint32_t i = 0; i < r->edge_count && i < 8; i++) {
        out.edges[i] = r->edges[i].delta;
        out.edge_latency_count[i] = r->edges[i].latency->count;
        for (uint32_t k = 0; k <= r->edges[i].most_attempts && k < 8; k++)
            out.edge_attempts_taken[i][k] = r->edges[i].attempts_taken[k];
    }
    for (uint32_t i = 0; i < r->policy_count && i < 8; i++) {
        out.breaker_open_s[i] = r->policies[i].breaker_open_s;
        out.breaker_opened[i] = r->policies[i].breaker_opened;
    }
    sim_free(s);
    scenario_set_release(&set);
    return out;
}

struct collector {
    struct batches *b;
    uint32_t warmup;
};

static void collect(void *ctx, const struct window_report *w)
{
    struct collector *c = ctx;
    if (w->index < c->warmup || c->b->count == MAX_BATCHES)
        return;
    uint32_t i = c->b->count++;
    c->b->mean_latency_ms[i] = histogram_mean_ns(w->latency) / 1e6;
    c->b->successes[i] = w->delta.succeeded;
    c->b->blocked_ratio[i] =
        w->delta.offered ? (double)w->delta.failed[FAIL_REJECTED] / (double)w->delta.offered : 0;
    c->b->mean_in_system[i] =
        w->services[0].delta.system_area_ns / (double)(w->end_ns - w->start_ns);
}

struct batches run_batches(const struct scenario *sc, uint32_t warmup, struct run_report *out)
{
    static struct batches b;
    memset(&b, 0, sizeof b);
    struct collector c = {&b, warmup};
    struct sim *s = sim_new(sc, sc->seed);
    struct sim_observer obs = {.ctx = &c, .on_window = collect};
    sim_set_observer(s, &obs);
    sim_run(s);
    if (out)
        *out = *sim_report(s);
    sim_free(s);
    return b;
}

/* Two-sided 99% Student t quantiles for 1..40 degrees of freedom. */
static const double T_995[41] = {
    0,     63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
    3.106, 3.055,  3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831,
    2.819, 2.807,  2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750, 2.744, 2.738,
    2.733, 2.728,  2.724, 2.719, 2.715, 2.712, 2.708, 2.704};

struct interval batch_interval(const double *v, uint32_t n)
{
    double sum = 0, sq = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += v[i];
    double mean = sum / n;
    for (uint32_t i = 0; i < n; i++)
        sq += (v[i] - mean) * (v[i] - mean);
    double sd = sqrt(sq / (n - 1));
    double t = n - 1 <= 40 ? T_995[n - 1] : 2.576;
    return (struct interval){mean, t * sd / sqrt(n)};
}
