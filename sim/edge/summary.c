#include "summary.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../base/numfmt.h"
#include "jsonw.h"
#include "version.h"

double summary_ratio(double x, double y) { return y != 0 ? x / y : NAN; }

static double ms(sim_time t) { return sim_time_to_ms(t); }

static void write_failed(struct jsonw *w, const struct traffic *t)
{
    jsonw_begin_object(w, "failed");
    jsonw_uint(w, "total", traffic_failed(t));
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        jsonw_uint(w, failure_kind_names[i], t->failed[i]);
    jsonw_end_object(w);
}

static uint64_t answered(const struct traffic *t)
{
    return t->succeeded + t->degraded + t->fallback;
}

/* The three kinds of answer, each counted apart. */
static void write_answers(struct jsonw *w, const struct traffic *t)
{
    jsonw_uint(w, "succeeded", t->succeeded);
    jsonw_uint(w, "degraded", t->degraded);
    jsonw_uint(w, "fallback_answers", t->fallback);
    jsonw_uint(w, "good", t->good);
}

static void write_ratios(struct jsonw *w, const struct traffic *t)
{
    jsonw_double(w, "goodput_ratio", summary_ratio((double)t->succeeded, (double)t->offered));
    jsonw_double(w, "answered_ratio", summary_ratio((double)answered(t), (double)t->offered));
    jsonw_double(w, "good_ratio", summary_ratio((double)t->good, (double)t->offered));
}

static void write_policy_counts(struct jsonw *w, const struct traffic *t)
{
    for (int i = 0; i < PC_COUNT; i++)
        jsonw_uint(w, policy_count_names[i], t->calls.policy[i]);
}

/* Percentiles of `h` under `key`; with nothing recorded each is 0, or null
 * when `null_if_empty` (the newer keys: no value is not a zero latency). */
static void write_latency_as(struct jsonw *w, const char *key, const struct histogram *h,
                             bool null_if_empty)
{
    double none = null_if_empty && !h->count ? NAN : 0;
    jsonw_begin_object(w, key);
    jsonw_double(w, "mean", h->count ? histogram_mean_ns(h) / 1e6 : none);
    jsonw_double(w, "p50", h->count ? ms(histogram_percentile(h, 50)) : none);
    jsonw_double(w, "p90", h->count ? ms(histogram_percentile(h, 90)) : none);
    jsonw_double(w, "p99", h->count ? ms(histogram_percentile(h, 99)) : none);
    jsonw_double(w, "p999", h->count ? ms(histogram_percentile(h, 99.9)) : none);
    jsonw_double(w, "max", h->count ? ms(h->max_ns) : none);
    jsonw_end_object(w);
}

static void write_latency(struct jsonw *w, const struct histogram *h)
{
    write_latency_as(w, "latency_ms", h, false);
}

static void write_service(struct jsonw *w, const struct service_window *s, double duration_ns,
                          uint64_t offered)
{
    const struct service_stats *t = &s->delta;
    jsonw_begin_object(w, s->name);
    jsonw_double(w, "utilization", summary_ratio(t->busy_area_ns, s->capacity * duration_ns));
    jsonw_double(w, "utilization_of_up", summary_ratio(t->busy_area_ns, t->up_area_ns));
    jsonw_double(w, "capacity_up", summary_ratio(t->up_area_ns, s->capacity * duration_ns));
    jsonw_uint(w, "arrivals", t->arrivals);
    jsonw_double(w, "amplification", summary_ratio((double)t->arrivals, (double)offered));
    jsonw_uint(w, "served", t->served);
    jsonw_uint(w, "ok", t->ok);
    jsonw_uint(w, "degraded", t->degraded);
    jsonw_uint(w, "errors", t->errors);
    jsonw_uint(w, "rejected", t->rejected);
    jsonw_uint(w, "lost", t->lost);
    jsonw_uint(w, "cache_hits", t->cache_hits);
    jsonw_uint(w, "cache_misses", t->cache_misses);
    jsonw_uint(w, "expired", t->expired);
    jsonw_uint(w, "max_queue", s->max_queue);
    jsonw_double(w, "mean_queue", summary_ratio(t->queue_area_ns, duration_ns));
    jsonw_double(w, "mean_in_system", summary_ratio(t->system_area_ns, duration_ns));
    jsonw_double(w, "mean_response_ms", summary_ratio(t->response_ns / 1e6, (double)t->served));
    jsonw_double(w, "wasted_work_s", t->wasted_ns / 1e9);
    jsonw_double(w, "wasted_share", summary_ratio(t->wasted_ns, t->busy_area_ns));
    jsonw_double(w, "late_work_s", t->late_ns / 1e9);
    jsonw_uint(w, "shed", t->shed);
    jsonw_uint(w, "duplicates", t->duplicates);
    jsonw_uint(w, "replayed", t->replayed);
    jsonw_uint(w, "conflicts", t->conflicts);
    jsonw_uint(w, "retries_out", t->calls_out.retries);
    for (int i = 0; i < PC_COUNT; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s_out", policy_count_names[i]);
        jsonw_uint(w, key, t->calls_out.policy[i]);
    }
    if (s->operation_count) { /* what each kind of request got from the service */
        jsonw_begin_object(w, "operations");
        for (uint32_t k = 0; k < s->operation_count; k++) {
            const struct operation_stats *o = &s->operation_stats[k];
            jsonw_begin_object(w, s->operations[k].name);
            jsonw_uint(w, "arrivals", o->arrivals);
            jsonw_uint(w, "ok", o->ok);
            jsonw_uint(w, "errors", o->errors);
            jsonw_uint(w, "rejected", o->rejected);
            jsonw_uint(w, "shed", o->shed);
            write_latency_as(w, "latency_ms", o->latency, true);
            jsonw_end_object(w);
        }
        jsonw_end_object(w);
    }
    jsonw_end_object(w);
}

static void write_client(struct jsonw *w, const char *name, const struct traffic *t)
{
    jsonw_begin_object(w, name);
    jsonw_uint(w, "offered", t->offered);
    jsonw_uint(w, "attempts", t->calls.attempts);
    jsonw_uint(w, "retries", t->calls.retries);
    write_policy_counts(w, t);
    write_answers(w, t);
    write_failed(w, t);
    write_ratios(w, t);
    jsonw_end_object(w);
}

static void write_call_counts(struct jsonw *w, const struct call_counts *c)
{
    jsonw_uint(w, "attempts", c->attempts);
    jsonw_uint(w, "retries", c->retries);
    for (int i = 0; i < PC_COUNT; i++)
        jsonw_uint(w, policy_count_names[i], c->policy[i]);
}

/* Attempts that went out, by how they ended (attempt_outcomes, metrics.h:
 * the caller's own refusals are policy counts). */
static void write_attempt_outcomes(struct jsonw *w, const struct edge_stats *e)
{
    jsonw_begin_object(w, "attempt_outcomes");
    for (int i = 0; i < ATTEMPT_OUTCOME_COUNT; i++)
        jsonw_uint(w, outcome_names[attempt_outcomes[i]], e->attempt_outcome[attempt_outcomes[i]]);
    jsonw_end_object(w);
}

static void write_edge(struct jsonw *w, const struct edge_window *e)
{
    const struct edge_stats *d = &e->delta;
    jsonw_begin_object(w, e->name);
    jsonw_string(w, "caller", e->caller);
    jsonw_string(w, "callee", e->callee);
    if (e->policy)
        jsonw_string(w, "policy", e->policy);
    else
        jsonw_null(w, "policy");
    jsonw_uint(w, "calls", d->calls);
    write_call_counts(w, &d->counts);
    jsonw_double(w, "amplification", summary_ratio((double)d->counts.attempts, (double)d->calls));
    jsonw_begin_object(w, "outcomes");
    for (int o = 0; o < OUTCOME_COUNT; o++)
        jsonw_uint(w, outcome_names[o], d->outcome[o]);
    jsonw_end_object(w);
    write_attempt_outcomes(w, d);
    if (e->attempts_taken) { /* "1": 9120, "2": 610, "3": 270: how many tries the calls took */
        jsonw_begin_object(w, "attempts_per_call");
        for (uint32_t k = 0; k <= e->most_attempts; k++) {
            char key[16];
            snprintf(key, sizeof key, "%u", k);
            jsonw_uint(w, key, e->attempts_taken[k]);
        }
        jsonw_end_object(w);
    }
    write_latency_as(w, "latency_ms", e->latency, true);
    jsonw_end_object(w);
}

/* The service with the most arrivals per client request (the first of
 * equals), or NO service (-1) without any. */
static int worst_amplified(const struct run_report *r)
{
    int worst = -1;
    for (uint32_t i = 0; i < r->service_count; i++)
        if (worst < 0 || r->services[i].delta.arrivals > r->services[worst].delta.arrivals)
            worst = (int)i;
    return worst;
}

void summary_write_json(FILE *out, const struct scenario *sc, uint64_t seed,
                        const struct run_report *r)
{
    struct jsonw w;
    jsonw_init(&w, out);
    const struct traffic *t = &r->total;
    double duration_ns = (double)r->duration_ns;
    jsonw_begin_object(&w, NULL);
    jsonw_string(&w, "scenario", sc->name);
    jsonw_string(&w, "variant", sc->variant);
    jsonw_string(&w, "title", sc->title ? sc->title : sc->name);
    jsonw_string(&w, "description", sc->description ? sc->description : ""); /* for captions */
    if (sc->view_panels) /* the scenario's own choice of panels, for plot */
        jsonw_string(&w, "view_panels", sc->view_panels);
    jsonw_uint(&w, "seed", seed);
    jsonw_begin_object(&w, "provenance"); /* enough to run it again, and to know it changed */
    jsonw_string(&w, "program", "stampede " STAMPEDE_VERSION);
    /* the file's name only: its folder differs from machine to machine, and
     * results must not; the digest says which text it was */
    const char *file = sc->source_file ? sc->source_file : "";
    const char *slash = strrchr(file, '/');
    jsonw_string(&w, "file", slash ? slash + 1 : file);
    jsonw_string(&w, "sha256", sc->source_sha256);
    jsonw_begin_array(&w, "overrides");
    for (uint32_t i = 0; i < sc->override_count; i++)
        jsonw_string(&w, NULL, sc->overrides[i]);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    jsonw_double(&w, "duration_s", sim_time_to_s(r->duration_ns));
    jsonw_uint(&w, "offered", t->offered);
    jsonw_uint(&w, "attempts", t->calls.attempts);
    jsonw_uint(&w, "retries", t->calls.retries);
    write_policy_counts(&w, t);
    write_answers(&w, t);
    write_failed(&w, t);
    jsonw_uint(&w, "unfinished", r->in_flight);
    write_ratios(&w, t);
    jsonw_double(&w, "amplification", summary_ratio((double)t->calls.attempts, (double)t->offered));
    int worst = worst_amplified(r);
    if (worst >= 0) { /* arrivals at the most loaded service per client request */
        jsonw_double(&w, "max_service_amplification",
                     summary_ratio((double)r->services[worst].delta.arrivals, (double)t->offered));
        jsonw_string(&w, "max_amplification_service", r->services[worst].name);
    }
    jsonw_double(&w, "goodput_rps", summary_ratio((double)t->succeeded, duration_ns / 1e9));
    write_latency(&w, r->latency);
    write_latency_as(&w, "latency_all_ms", r->latency_all, true);
    write_latency_as(&w, "latency_failed_ms", r->latency_failed, true);
    /* the share of the requests that ended which latency_ms describes */
    jsonw_double(&w, "latency_ok_share",
                 summary_ratio((double)r->latency->count, (double)r->latency_all->count));
    jsonw_begin_object(&w, "peak"); /* the busiest window */
    jsonw_double(&w, "attempts_rps", r->peak.attempts_rps);
    jsonw_double(&w, "retries_rps", r->peak.retries_rps);
    jsonw_double(&w, "failed_rps", r->peak.failed_rps);
    jsonw_uint(&w, "in_flight", r->peak.in_flight);
    jsonw_end_object(&w);
    if (r->had_faults) { /* null, with the reason, when it cannot be judged */
        if (r->recovery_known)
            jsonw_bool(&w, "recovered", r->recovered);
        else
            jsonw_null(&w, "recovered");
        jsonw_double(&w, "recovery_s", r->recovery_s);
        if (r->recovery_unknown)
            jsonw_string(&w, "recovery_unknown", r->recovery_unknown);
    }
    jsonw_begin_object(&w, "services");
    for (uint32_t i = 0; i < r->service_count; i++)
        write_service(&w, &r->services[i], duration_ns, t->offered);
    jsonw_end_object(&w);
    jsonw_begin_object(&w, "clients");
    for (uint32_t i = 0; i < r->client_count; i++)
        write_client(&w, sc->clients[i].name, &r->clients[i]);
    jsonw_end_object(&w);
    jsonw_begin_object(&w, "policies"); /* per caller edge: what its breaker went through */
    for (uint32_t i = 0; i < r->policy_count; i++) {
        const struct policy_window *p = &r->policies[i];
        jsonw_begin_object(&w, p->edge);
        jsonw_string(&w, "policy", p->policy);
        if (p->breaker_state >= 0) {
            jsonw_double(&w, "breaker_open_s", p->breaker_open_s);
            jsonw_uint(&w, "breaker_opened", p->breaker_opened);
        }
        if (p->instances > 1) { /* each calling process keeps its own state */
            jsonw_uint(&w, "processes", p->instances);
            if (p->breaker_state >= 0)
                jsonw_uint(&w, "breakers_open", p->breakers_open);
        }
        jsonw_end_object(&w);
    }
    jsonw_end_object(&w);
    jsonw_begin_object(&w, "edges"); /* every caller edge, counted at the caller */
    struct edge_stats system = {0};
    for (uint32_t i = 0; i < r->edge_count; i++) {
        write_edge(&w, &r->edges[i]);
        edge_stats_add(&system, &r->edges[i].delta);
    }
    jsonw_end_object(&w);
    jsonw_begin_object(&w, "system"); /* all edges together: every call anywhere */
    jsonw_uint(&w, "calls", system.calls);
    write_call_counts(&w, &system.counts);
    write_attempt_outcomes(&w, &system);
    jsonw_end_object(&w);
    jsonw_uint(&w, "events", r->events);
    jsonw_end_object(&w);
}

/* One line of what the policies did, naming only the primitives that acted. */
static void print_policy_line(FILE *out, const struct traffic *t)
{
    bool any = t->calls.retries > 0;
    for (int i = 0; i < PC_COUNT; i++)
        any |= t->calls.policy[i] > 0;
    if (!any)
        return;
    fprintf(out, "  %-12s %.3f attempts per request, retries %" PRIu64, "policy",
            summary_ratio((double)t->calls.attempts, (double)t->offered), t->calls.retries);
    for (int i = 0; i < PC_COUNT; i++)
        if (t->calls.policy[i])
            fprintf(out, ", %s %" PRIu64, policy_count_names[i], t->calls.policy[i]);
    fputc('\n', out);
}

void summary_print_table(FILE *out, const struct scenario *sc, uint64_t seed,
                         const struct run_report *r, double wall_s)
{
    const struct traffic *t = &r->total;
    char a[NUMFMT_LEN];
    fprintf(out, "%s [%s]  seed %" PRIu64 ", %s s simulated", sc->name, sc->variant, seed,
            numfmt_double(a, sim_time_to_s(r->duration_ns)));
    if (wall_s >= 0)
        fprintf(out, " in %.2f s", wall_s);
    fprintf(out, "\n");
    fprintf(out, "  %-12s %12s %12s %10s %9s %9s %9s\n", "requests", "offered", "succeeded",
            "failed", "goodput", "p50 ms", "p99 ms");
    fprintf(out, "  %-12s %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " %9.4f %9.2f %9.2f\n", "",
            t->offered, t->succeeded, traffic_failed(t),
            t->offered ? (double)t->succeeded / (double)t->offered : 0.0,
            ms(histogram_percentile(r->latency, 50)), ms(histogram_percentile(r->latency, 99)));
    if (traffic_failed(t))
    {
        fprintf(out, "  %-12s", "failed by");
        const char *sep = " ";
        for (int i = 0; i < FAIL_KIND_COUNT; i++)
            if (t->failed[i] || i <= FAIL_REJECTED) {
                fprintf(out, "%s%s %" PRIu64, sep, failure_kind_names[i], t->failed[i]);
                sep = ", ";
            }
        fprintf(out, "\n");
    }
    bool slo = false;
    for (uint32_t i = 0; i < sc->client_count; i++)
        slo |= sc->clients[i].slo_ns > 0;
    if (slo)
        fprintf(out, "  %-12s good %.4f of offered (full answers within the clients' slo_ms)\n",
                "objective", summary_ratio((double)t->good, (double)t->offered));
    if (t->degraded || t->fallback) /* answers, but not full ones: never hidden in goodput */
        fprintf(out, "  %-12s degraded %" PRIu64 ", by a fallback %" PRIu64
                     " (answered %.4f of offered, goodput counts full answers only)\n",
                "partial", t->degraded, t->fallback,
                summary_ratio((double)answered(t), (double)t->offered));
    if (traffic_failed(t)) /* success latency alone flatters a run that fails fast */
        fprintf(out, "  %-12s every request that ended: p50 %.2f ms, p99 %.2f ms; failures p99 "
                     "%.2f ms\n",
                "latency", ms(histogram_percentile(r->latency_all, 50)),
                ms(histogram_percentile(r->latency_all, 99)),
                ms(histogram_percentile(r->latency_failed, 99)));
    print_policy_line(out, t);
    int worst = worst_amplified(r);
    if (worst >= 0 && r->services[worst].delta.arrivals > t->offered && t->offered)
        fprintf(out, "  %-12s %.2f arrivals at %s per client request (the most of any service)\n",
                "amplified", (double)r->services[worst].delta.arrivals / (double)t->offered,
                r->services[worst].name);
    if (r->had_faults) {
        if (!r->recovery_known)
            fprintf(out, "  %-12s cannot be judged: %s\n", "recovery", r->recovery_unknown);
        else if (r->recovered)
            fprintf(out, "  %-12s %.1f s after the last fault ended (then within %g%% of the "
                         "pre-fault answered ratio over every %g s to the end)\n",
                    "recovered", r->recovery_s, sc->recovery.tolerance * 100,
                    sim_time_to_s(sc->recovery.hold_ns));
        else
            fprintf(out, "  %-12s NO: the answered ratio did not stay within %g%% of its "
                         "pre-fault level over %g s spans\n",
                    "recovered", sc->recovery.tolerance * 100,
                    sim_time_to_s(sc->recovery.hold_ns));
    }
    fprintf(out, "  %-12s %12s %8s %12s %10s %9s %9s\n", "service", "util", "of up", "served",
            "max queue", "resp ms", "wasted s");
    for (uint32_t i = 0; i < r->service_count; i++) {
        const struct service_window *s = &r->services[i];
        double util = summary_ratio(s->delta.busy_area_ns, s->capacity * (double)r->duration_ns);
        double resp = summary_ratio(s->delta.response_ns / 1e6, (double)s->delta.served);
        double of_up = summary_ratio(s->delta.busy_area_ns, s->delta.up_area_ns);
        fprintf(out, "  %-12s %12.3f %8.3f %12" PRIu64 " %10u %9.2f %9.2f\n", s->name,
                isnan(util) ? 0 : util, isnan(of_up) ? 0 : of_up, s->delta.served, s->max_queue,
                isnan(resp) ? 0 : resp, s->delta.wasted_ns / 1e9);
    }
}
