#include "results.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/csv.h"
#include "../base/numfmt.h"
#include "../base/xalloc.h"
#include "../base/outfile.h"
#include "summary.h"

enum { F_TIMESERIES, F_SERVICES, F_POLICIES, F_EDGES, F_INSTANCES, F_EVENTS, F_SUMMARY, F_COUNT };
static const char *const FILE_NAMES[F_COUNT] = {
    "timeseries.csv", "services.csv", "policies.csv", "edges.csv",
    "instances.csv",  "events.csv",   "summary.json"};
const char *const RESULT_FILE_NAMES[] = {
    "timeseries.csv", "services.csv", "policies.csv", "edges.csv", "instances.csv",
    "events.csv",     "summary.json", "plot.png",     ".stampede.lock", NULL};
static const char INSTANCES_HEADER[] = "t_s,service,instance,state,in_rotation,workers_up,"
                                       "queue_len,max_queue,busy,arrivals_rps,served_rps\n";

struct results {
    char *dir;
    int lock;                  /* one run at a time writes the folder */
    struct outfile out[F_COUNT];
    FILE *f[F_COUNT];          /* out[i].f */
    int error; /* first errno seen while writing, 0 if none */
};

int results_make_dirs(const char *dir)
{
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *c = p + 1; ; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char saved = *c;
        *c = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *c = saved;
        if (!saved)
            break;
    }
    free(p);
    return rc;
}

/* The failure columns follow FAILURE_KINDS, so a new kind cannot leave the
 * header and the rows out of step. */
static void write_timeseries_header(FILE *f)
{
    fputs("t_s,offered_rps,attempts_rps,retries_rps,goodput_rps,failed_rps,", f);
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        fprintf(f, "%s_rps,", failure_kind_names[i]);
    fputs("degraded_rps,fallback_answers_rps,good_rps,", f);
    for (int i = 0; i < PC_COUNT; i++)
        fprintf(f, "%s_rps,", policy_count_names[i]);
    fputs("latency_mean_ms,latency_p50_ms,latency_p90_ms,latency_p99_ms,in_flight,"
          "latency_all_p50_ms,latency_all_p99_ms,latency_failed_p99_ms,max_in_flight\n",
          f);
}

static void write_services_header(FILE *f)
{
    fputs("t_s,service,queue_len,busy,utilization,utilization_of_up,arrivals_rps,served_rps,errors_rps,"
          "rejected_rps,shed_rps,max_queue,mean_queue,mean_in_system,wasted_work_s,late_work_s,"
          "retries_out_rps",
          f);
    for (int i = 0; i < PC_COUNT; i++)
        fprintf(f, ",%s_out_rps", policy_count_names[i]);
    fputs(",amplification,cache_hit_ratio,duplicates_rps,replayed_rps,conflicts_rps\n", f);
}
static void write_edges_header(FILE *f)
{
    fputs("t_s,edge,caller,callee,policy,calls_rps,attempts_rps,retries_rps", f);
    for (int o = 0; o < OUTCOME_COUNT; o++)
        fprintf(f, ",%s_rps", outcome_names[o]);
    for (int i = 0; i < ATTEMPT_OUTCOME_COUNT; i++)
        fprintf(f, ",attempt_%s_rps", outcome_names[attempt_outcomes[i]]);
    for (int i = 0; i < PC_COUNT; i++)
        fprintf(f, ",%s_rps", policy_count_names[i]);
    fputs(",latency_p50_ms,latency_p99_ms\n", f);
}

static const char EVENTS_HEADER[] = "t_s,kind,subject,detail\n";
static const char POLICIES_HEADER[] =
    "t_s,edge,policy,breaker_state,breaker_open_s,breaker_opened,bulkhead_in_use,"
    "bulkhead_waiting,budget_level,throttle_p,processes,breakers_open\n";

struct results *results_open(const char *dir)
{
    if (results_make_dirs(dir) != 0)
        return NULL;
    struct results *r = xcalloc(1, sizeof *r);
    r->dir = xstrdup(dir);
    r->lock = outfile_lock(dir);
    if (r->lock < 0) {
        int saved = errno;
        results_discard(r);
        errno = saved == EAGAIN ? EBUSY : saved; /* "another run is writing here" */
        return NULL;
    }
    for (int i = 0; i < F_COUNT; i++) {
        size_t n = strlen(dir) + strlen(FILE_NAMES[i]) + 2;
        char *p = xmalloc(n);
        snprintf(p, n, "%s/%s", dir, FILE_NAMES[i]);
        int rc = outfile_open(&r->out[i], p);
        free(p);
        if (rc != 0) {
            int saved = errno;
            results_discard(r);
            errno = saved;
            return NULL;
        }
        r->f[i] = r->out[i].f;
    }
    write_timeseries_header(r->f[F_TIMESERIES]);
    write_services_header(r->f[F_SERVICES]);
    fputs(EVENTS_HEADER, r->f[F_EVENTS]);
    fputs(POLICIES_HEADER, r->f[F_POLICIES]);
    write_edges_header(r->f[F_EDGES]);
    fputs(INSTANCES_HEADER, r->f[F_INSTANCES]);
    return r;
}

/* A CSV number: round-trip form, or an empty field for "no value". */
static void csv_num(FILE *f, double x, char sep)
{
    char buf[NUMFMT_LEN];
    if (x == x)
        fputs(numfmt_double(buf, x), f);
    fputc(sep, f);
}

/* A percentile in ms, or an empty field when nothing was recorded. */
static void csv_percentile(FILE *f, const struct histogram *h, double p, char sep)
{
    csv_num(f, histogram_is_empty(h) ? NAN : sim_time_to_ms(histogram_percentile(h, p)), sep);
}

static void write_timeseries_row(FILE *f, const struct window_report *w, double secs)
{
    const struct traffic *t = &w->delta;
    const struct histogram *h = w->latency;
    bool any = !histogram_is_empty(h);
    csv_num(f, sim_time_to_s(w->start_ns), ',');
    csv_num(f, (double)t->offered / secs, ',');
    csv_num(f, (double)t->calls.attempts / secs, ',');
    csv_num(f, (double)t->calls.retries / secs, ',');
    csv_num(f, (double)t->succeeded / secs, ',');
    csv_num(f, (double)traffic_failed(t) / secs, ',');
    for (int i = 0; i < FAIL_KIND_COUNT; i++)
        csv_num(f, (double)t->failed[i] / secs, ',');
    csv_num(f, (double)t->degraded / secs, ',');
    csv_num(f, (double)t->fallback / secs, ',');
    csv_num(f, (double)t->good / secs, ',');
    for (int i = 0; i < PC_COUNT; i++)
        csv_num(f, (double)t->calls.policy[i] / secs, ',');
    csv_num(f, any ? histogram_mean_ns(h) / 1e6 : NAN, ',');
    csv_num(f, any ? sim_time_to_ms(histogram_percentile(h, 50)) : NAN, ',');
    csv_num(f, any ? sim_time_to_ms(histogram_percentile(h, 90)) : NAN, ',');
    csv_num(f, any ? sim_time_to_ms(histogram_percentile(h, 99)) : NAN, ',');
    fprintf(f, "%" PRIu64 ",", w->in_flight);
    csv_percentile(f, w->latency_all, 50, ',');
    csv_percentile(f, w->latency_all, 99, ',');
    csv_percentile(f, w->latency_failed, 99, ',');
    fprintf(f, "%" PRIu64 "\n", w->max_in_flight);
}

static void write_service_row(FILE *f, const struct window_report *w,
                              const struct service_window *s, double secs)
{
    const struct service_stats *d = &s->delta;
    double span_ns = (double)(w->end_ns - w->start_ns);
    csv_num(f, sim_time_to_s(w->start_ns), ',');
    fprintf(f, "%s,%u,%u,", s->name, s->queue_len, s->busy);
    csv_num(f, summary_ratio(d->busy_area_ns, s->capacity * span_ns), ',');
    csv_num(f, summary_ratio(d->busy_area_ns, d->up_area_ns), ',');
    csv_num(f, (double)d->arrivals / secs, ',');
    csv_num(f, (double)d->served / secs, ',');
    csv_num(f, (double)d->errors / secs, ',');
    csv_num(f, (double)d->rejected / secs, ',');
    csv_num(f, (double)d->shed / secs, ',');
    fprintf(f, "%u,", s->max_queue);
    csv_num(f, summary_ratio(d->queue_area_ns, span_ns), ',');
    csv_num(f, summary_ratio(d->system_area_ns, span_ns), ',');
    csv_num(f, d->wasted_ns / 1e9, ',');
    csv_num(f, d->late_ns / 1e9, ',');
    csv_num(f, (double)d->calls_out.retries / secs, ',');
    for (int i = 0; i < PC_COUNT; i++)
        csv_num(f, (double)d->calls_out.policy[i] / secs, ',');
    /* arrivals per request the clients offered in this window: where a
     * storm multiplies, tier by tier (empty when nothing was offered) */
    csv_num(f, summary_ratio((double)d->arrivals, (double)w->delta.offered), ',');
    csv_num(f, summary_ratio((double)d->cache_hits, (double)(d->cache_hits + d->cache_misses)),
            ',');
    csv_num(f, (double)d->duplicates / secs, ',');
    csv_num(f, (double)d->replayed / secs, ',');
    csv_num(f, (double)d->conflicts / secs, '\n');
}

/* A CSV text field and its separator. */
static void csv_text(FILE *f, const char *text, char sep)
{
    csv_put_field(f, text);
    fputc(sep, f);
}

void results_on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                      const char *detail)
{
    struct results *r = ctx;
    FILE *f = r->f[F_EVENTS];
    csv_num(f, sim_time_to_s(at), ',');
    csv_text(f, kind, ',');
    csv_text(f, subject, ',');
    csv_text(f, detail, '\n');
}

/* A count that a policy may not have (-1): empty when it does not. */
static void csv_count(FILE *f, int64_t n, char sep)
{
    if (n >= 0)
        fprintf(f, "%" PRId64, n);
    fputc(sep, f);
}

static void write_policy_row(FILE *f, const struct window_report *w, const struct policy_window *p)
{
    csv_num(f, sim_time_to_s(w->start_ns), ',');
    csv_text(f, p->edge, ',');
    csv_text(f, p->policy, ',');
    fprintf(f, "%s,", p->breaker_state >= 0
                          ? breaker_state_name((enum breaker_state)p->breaker_state)
                          : "");
    csv_num(f, p->breaker_state >= 0 ? p->breaker_open_s : NAN, ',');
    csv_count(f, p->breaker_state >= 0 ? (int64_t)p->breaker_opened : -1, ',');
    csv_count(f, p->bulkhead_in_use, ',');
    csv_count(f, p->bulkhead_waiting, ',');
    csv_num(f, p->budget_level, ',');
    csv_num(f, p->throttle_p, ',');
    fprintf(f, "%u,", p->instances);
    csv_count(f, p->breaker_state >= 0 ? (int64_t)p->breakers_open : -1, '\n');
}

static void write_edge_row(FILE *f, const struct window_report *w, const struct edge_window *e,
                           double secs)
{
    const struct edge_stats *d = &e->delta;
    csv_num(f, sim_time_to_s(w->start_ns), ',');
    csv_text(f, e->name, ',');
    csv_text(f, e->caller, ',');
    csv_text(f, e->callee, ',');
    csv_text(f, e->policy ? e->policy : "", ',');
    csv_num(f, (double)d->calls / secs, ',');
    csv_num(f, (double)d->counts.attempts / secs, ',');
    csv_num(f, (double)d->counts.retries / secs, ',');
    for (int o = 0; o < OUTCOME_COUNT; o++)
        csv_num(f, (double)d->outcome[o] / secs, ',');
    for (int i = 0; i < ATTEMPT_OUTCOME_COUNT; i++)
        csv_num(f, (double)d->attempt_outcome[attempt_outcomes[i]] / secs, ',');
    for (int i = 0; i < PC_COUNT; i++)
        csv_num(f, (double)d->counts.policy[i] / secs, ',');
    csv_percentile(f, e->latency, 50, ',');
    csv_percentile(f, e->latency, 99, '\n');
}

static void write_instance_row(FILE *f, const struct window_report *w,
                               const struct instance_window *in, double secs)
{
    csv_num(f, sim_time_to_s(w->start_ns), ',');
    csv_text(f, in->service, ',');
    fprintf(f, "%u,%s,%s,%u,%u,%u,%u,", in->instance, in->state,
            in->in_rotation ? "true" : "false", in->workers_up, in->queue_len, in->max_queue,
            in->busy);
    csv_num(f, (double)in->arrivals / secs, ',');
    csv_num(f, (double)in->served / secs, '\n');
}

void results_on_window(void *ctx, const struct window_report *w)
{
    struct results *r = ctx;
    double secs = sim_time_to_s(w->end_ns - w->start_ns);
    if (secs <= 0)
        return;
    write_timeseries_row(r->f[F_TIMESERIES], w, secs);
    for (uint32_t i = 0; i < w->service_count; i++)
        write_service_row(r->f[F_SERVICES], w, &w->services[i], secs);
    for (uint32_t i = 0; i < w->policy_count; i++)
        write_policy_row(r->f[F_POLICIES], w, &w->policies[i]);
    for (uint32_t i = 0; i < w->edge_count; i++)
        write_edge_row(r->f[F_EDGES], w, &w->edges[i], secs);
    for (uint32_t i = 0; i < w->instance_count; i++)
        write_instance_row(r->f[F_INSTANCES], w, &w->instances[i], secs);
}

int results_commit(struct results *r, const struct scenario *sc, uint64_t seed,
                   const struct run_report *report)
{
    summary_write_json(r->f[F_SUMMARY], sc, seed, report);
    /* Rename only once every file is complete: a failure leaves the old
     * results (or none), never a mix of half-written ones. */
    for (int i = 0; i < F_COUNT && !r->error; i++)
        if (fflush(r->f[i]) != 0 || ferror(r->f[i]))
            r->error = errno ? errno : EIO;
    for (int i = 0; i < F_COUNT && !r->error; i++) {
        r->f[i] = NULL;
        if (outfile_commit(&r->out[i]) != 0)
            r->error = errno;
    }
    if (r->error) {
        int saved = r->error;
        results_discard(r);
        errno = saved;
        return -1;
    }
    outfile_unlock(r->lock);
    free(r->dir);
    free(r);
    return 0;
}

void results_discard(struct results *r)
{
    if (!r)
        return;
    for (int i = 0; i < F_COUNT; i++)
        outfile_discard(&r->out[i]);
    if (r->lock > 0)
        outfile_unlock(r->lock);
    free(r->dir);
    free(r);
}
