/* Reading a result folder back into a series, for `stampede plot DIR`.
 * Columns are found by their header names, so files with more columns
 * (later versions) still load. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/base/csv.h"
#include "../sim/base/xalloc.h"
#include "series.h"

#define MAX_FIELDS 128

static uint32_t split(char *line, char **fields) { return csv_split(line, fields, MAX_FIELDS); }

static int column(char **header, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(header[i], name))
            return (int)i;
    return -1;
}

static double num(char **f, uint32_t n, int col)
{
    if (col < 0 || (uint32_t)col >= n || !*f[col] || !strcmp(f[col], "null"))
        return NAN;
    return strtod(f[col], NULL);
}

struct table {
    FILE *f;
    char *header_line, *line;
    size_t hcap, cap;
    char *header[MAX_FIELDS];
    uint32_t columns;
};

static bool table_open(struct table *t, const char *dir, const char *name)
{
    memset(t, 0, sizeof *t);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    t->f = fopen(path, "rb");
    if (!t->f || getline(&t->header_line, &t->hcap, t->f) <= 0)
        return false;
    t->columns = split(t->header_line, t->header);
    return true;
}

static uint32_t table_next(struct table *t, char **fields)
{
    if (getline(&t->line, &t->cap, t->f) <= 0)
        return 0;
    return split(t->line, fields);
}

static void table_close(struct table *t)
{
    if (t->f)
        fclose(t->f);
    free(t->header_line);
    free(t->line);
}

/* the window index of time t (windows start at multiples of window_s) */
static int64_t window_of(const struct viz_series *v, double t)
{
    if (!(v->window_s > 0) || t != t)
        return -1;
    double k = floor(t / v->window_s + 0.5); /* windows start at multiples of window_s */
    if (k < 0 || k >= v->n || fabs(v->t[(uint32_t)k] - t) > 1e-9)
        return -1;
    return (int64_t)k;
}

/* The position of `name` among count names stored `width` bytes apart (a
 * series' service, instance or policy names), or count if it is not there. */
static uint32_t index_of(const char *names, size_t width, uint32_t count, const char *name)
{
    uint32_t k = 0;
    while (k < count && strcmp(names + k * width, name) != 0)
        k++;
    return k;
}

/* The sum of some columns of a row; NaN when none of them is there. */
static double sum_columns(char **f, uint32_t n, const int *cols, int count)
{
    double sum = NAN;
    for (int k = 0; k < count; k++) {
        double x = num(f, n, cols[k]);
        if (x == x)
            sum = sum == sum ? sum + x : x;
    }
    return sum;
}

static void load_services(struct viz_series *v, const char *dir)
{
    struct table t;
    if (table_open(&t, dir, "services.csv")) {
        int ct = column(t.header, t.columns, "t_s"), cs = column(t.header, t.columns, "service");
        /* the CSV column of each metric; the queue is a window's peak, not
         * its last value, and wasted work is per window, made per second */
        static const char *const names[VIZ_SVC_METRICS] = {
            [VIZ_SVC_QUEUE] = "max_queue",           [VIZ_SVC_UTIL] = "utilization",
            [VIZ_SVC_WASTED] = "wasted_work_s",      [VIZ_SVC_AMPLIFICATION] = "amplification",
            [VIZ_SVC_CACHE_HIT] = "cache_hit_ratio", [VIZ_SVC_DUPLICATES] = "duplicates_rps",
            [VIZ_SVC_REPLAYED] = "replayed_rps",     [VIZ_SVC_CONFLICTS] = "conflicts_rps",
            [VIZ_SVC_RETRIES_OUT] = "retries_out_rps",
            [VIZ_SVC_SUPPRESSED_OUT] = "suppressed_out_rps",
            [VIZ_SVC_HEDGES_OUT] = "hedges_out_rps",
            [VIZ_SVC_REFUSED_OUT] = NULL /* the sum of the refusal columns, below */};
        int col[VIZ_SVC_METRICS];
        for (int m = 0; m < VIZ_SVC_METRICS; m++)
            col[m] = names[m] ? column(t.header, t.columns, names[m]) : -1;
        int refusal_col[8], refusals = 0;
        for (int k = 0; viz_refusal_columns[k] && refusals < 8; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s_out_rps", viz_refusal_columns[k]);
            refusal_col[refusals++] = column(t.header, t.columns, name);
        }
        char *f[MAX_FIELDS];
        uint32_t n;
        while ((n = table_next(&t, f)) > 0) {
            if (cs < 0 || (uint32_t)cs >= n)
                continue;
            uint32_t s = index_of(v->service_name[0], sizeof v->service_name[0], v->services, f[cs]);
            if (s == v->services) {
                if (s == VIZ_MAX_SERVICES)
                    continue;
                viz_series_use_services(v, s + 1);
                snprintf(v->service_name[s], sizeof v->service_name[s], "%s", f[cs]);
                v->services++;
                for (int m = 0; m < VIZ_SVC_METRICS; m++)
                    for (uint32_t i = 0; i < v->n; i++)
                        v->service[m][s][i] = NAN;
            }
            int64_t i = window_of(v, num(f, n, ct));
            if (i < 0)
                continue;
            for (int m = 0; m < VIZ_SVC_METRICS; m++)
                v->service[m][s][i] = num(f, n, col[m]);
            v->service[VIZ_SVC_REFUSED_OUT][s][i] = sum_columns(f, n, refusal_col, refusals);
            v->service[VIZ_SVC_WASTED][s][i] =
                v->window_s > 0 ? v->service[VIZ_SVC_WASTED][s][i] / v->window_s : NAN;
        }
    }
    table_close(&t);
}

static void load_instances(struct viz_series *v, const char *dir)
{
    struct table t;
    if (table_open(&t, dir, "instances.csv")) {
        int ct = column(t.header, t.columns, "t_s"), cs = column(t.header, t.columns, "service");
        int ci = column(t.header, t.columns, "instance");
        int cq = column(t.header, t.columns, "max_queue");
        char *f[MAX_FIELDS];
        uint32_t n;
        while ((n = table_next(&t, f)) > 0) {
            if (cs < 0 || ci < 0 || (uint32_t)cs >= n || (uint32_t)ci >= n)
                continue;
            char name[56];
            snprintf(name, sizeof name, "%.40s#%.8s", f[cs], f[ci]);
            uint32_t k = index_of(v->instance_name[0], sizeof v->instance_name[0], v->instances, name);
            if (k == v->instances) {
                if (k == VIZ_MAX_INSTANCES)
                    continue;
                viz_series_use_instances(v, k + 1);
                snprintf(v->instance_name[k], sizeof v->instance_name[k], "%s", name);
                snprintf(v->instance_service[k], sizeof v->instance_service[k], "%s", f[cs]);
                v->instances++;
                for (uint32_t i = 0; i < v->n; i++)
                    v->instance_queue[k][i] = NAN;
            }
            int64_t i = window_of(v, num(f, n, ct));
            if (i >= 0)
                v->instance_queue[k][i] = num(f, n, cq);
        }
    }
    table_close(&t);
}

static void load_policies(struct viz_series *v, const char *dir)
{
    struct table t;
    if (table_open(&t, dir, "policies.csv")) {
        int ct = column(t.header, t.columns, "t_s"), ce = column(t.header, t.columns, "edge");
        int cb = column(t.header, t.columns, "breaker_state");
        int co = column(t.header, t.columns, "breaker_open_s");
        int cl = column(t.header, t.columns, "budget_level");
        char *f[MAX_FIELDS];
        uint32_t n;
        while ((n = table_next(&t, f)) > 0) {
            if (ce < 0 || (uint32_t)ce >= n)
                continue;
            uint32_t p = index_of(v->policy_edge[0], sizeof v->policy_edge[0], v->policies, f[ce]);
            if (p == v->policies) {
                if (p == VIZ_MAX_POLICIES)
                    continue;
                snprintf(v->policy_edge[p], sizeof v->policy_edge[p], "%s", f[ce]);
                v->policies++;
                for (uint32_t i = 0; i < v->n; i++)
                    v->breaker[p][i] = -1, v->budget[p][i] = NAN;
            }
            int64_t i = window_of(v, num(f, n, ct));
            if (i < 0)
                continue;
            const char *state = cb >= 0 && (uint32_t)cb < n ? f[cb] : "";
            double open = num(f, n, co);
            v->breaker[p][i] = (int8_t)(!*state                 ? -1
                                        : open > 0              ? 1
                                        : !strcmp(state, "open") ? 1
                                        : !strcmp(state, "forced_open") ? 1
                                        : !strcmp(state, "half_open") ? 2
                                                                     : 0);
            v->budget[p][i] = num(f, n, cl);
        }
    }
    table_close(&t);
}

static void load_events(struct viz_series *v, const char *dir)
{
    struct table t;
    if (table_open(&t, dir, "events.csv")) {
        char *f[MAX_FIELDS];
        uint32_t n;
        while ((n = table_next(&t, f)) >= 4)
            viz_series_on_event(v, sim_time_from_s(strtod(f[0], NULL)), f[1], f[2], f[3]);
    }
    table_close(&t);
    v->narration[0] = '\0';
}

/* The recovery verdict, from the run's top-level "recovered" and
 * "recovery_s" lines (two-space indent: not a per-client figure). */
static void load_recovery(struct viz_series *v, const char *line)
{
    static const char RECOVERED[] = "  \"recovered\": ", SECONDS[] = "  \"recovery_s\": ";
    if (!strncmp(line, RECOVERED, sizeof RECOVERED - 1)) {
        const char *at = line + sizeof RECOVERED - 1;
        v->recovery = !strncmp(at, "true", 4)    ? VIZ_RECOVERY_BACK
                      : !strncmp(at, "false", 5) ? VIZ_RECOVERY_NOT_BACK
                                                 : VIZ_RECOVERY_UNKNOWN;
    } else if (!strncmp(line, SECONDS, sizeof SECONDS - 1)) {
        const char *at = line + sizeof SECONDS - 1;
        double s = strncmp(at, "null", 4) ? strtod(at, NULL) : NAN;
        v->recovery_s = s >= 0 && s < 1e12 ? s : NAN;
    }
}

/* A JSON string's text from just after its opening quote: escapes undone
 * (\uXXXX as UTF-8), up to the closing quote; malloc'ed. */
static char *json_text(const char *at)
{
    char *out = xmalloc(strlen(at) * 3 + 1), *o = out; /* \uXXXX: 6 in, at most 3 out */
    for (const char *p = at; *p && *p != '"'; p++) {
        if (*p != '\\' || !p[1]) {
            *o++ = *p;
            continue;
        }
        char e = *++p;
        if (e == 'n' || e == 't' || e == 'r')
            *o++ = ' '; /* captions are one paragraph */
        else if (e == 'u' && strlen(p) >= 5) {
            unsigned cp = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 4;
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *o++ = (char)(0xE0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            }
        } else
            *o++ = e; /* \" \\ \/ */
    }
    *o = '\0';
    return out;
}

/* Name, variant, title and description from summary.json, without a JSON
 * library (viz reads only the simulator's public outputs): the writer puts
 * each key on a line of its own. */
static void load_names(struct viz_series *v, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    struct {
        const char *key;
        char *out;
        size_t size;
    } want[] = {{"  \"scenario\": \"", v->name, sizeof v->name},
                {"  \"variant\": \"", v->variant, sizeof v->variant},
                {"  \"title\": \"", v->title, sizeof v->title},
                {"  \"view_panels\": \"", v->view_panels, sizeof v->view_panels}};
    static const char DESCRIPTION[] = "  \"description\": \"";
    while (f && getline(&line, &cap, f) > 0) {
        load_recovery(v, line);
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
            if (!*want[k].out && !strncmp(line, want[k].key, strlen(want[k].key))) {
                char *text = json_text(line + strlen(want[k].key));
                snprintf(want[k].out, want[k].size, "%s", text);
                free(text);
            }
        if ((!v->description || !*v->description) &&
            !strncmp(line, DESCRIPTION, strlen(DESCRIPTION))) {
            free(v->description);
            v->description = json_text(line + strlen(DESCRIPTION));
        }
    }
    free(line);
    if (f)
        fclose(f);
    if (!*v->title)
        snprintf(v->title, sizeof v->title, "%s", v->name);
}

struct viz_series *viz_series_load(const char *dir, char *err, size_t err_size)
{
    struct table t;
    if (!table_open(&t, dir, "timeseries.csv")) {
        snprintf(err, err_size, "%s/timeseries.csv: %s", dir,
                 errno ? strerror(errno) : "empty or unreadable");
        table_close(&t);
        return NULL;
    }
    struct scenario sc = {.name = (char *)"", .variant = (char *)""};
    struct viz_series *v = viz_series_new(&sc);
    int ct = column(t.header, t.columns, "t_s");
    int cols[] = {column(t.header, t.columns, "offered_rps"),
                  column(t.header, t.columns, "attempts_rps"),
                  column(t.header, t.columns, "goodput_rps"),
                  column(t.header, t.columns, "failed_rps"),
                  column(t.header, t.columns, "latency_p50_ms"),
                  column(t.header, t.columns, "latency_p90_ms"),
                  column(t.header, t.columns, "latency_p99_ms"),
                  column(t.header, t.columns, "shed_rps"),
                  column(t.header, t.columns, "throttled_rps"),
                  column(t.header, t.columns, "retries_rps"),
                  column(t.header, t.columns, "suppressed_rps"),
                  column(t.header, t.columns, "hedges_rps")};
    /* the outcomes, in the order of enum viz_outcome */
    static const char *const OUTCOME_COLUMNS[VIZ_OUTCOMES] = {
        "goodput_rps", "degraded_rps", "fallback_answers_rps", "timeout_rps", "error_rps",
        "rejected_rps", "breaker_open_rps", "shed_rps", "throttled_rps"};
    int refusal_col[8], refusals = 0;
    for (int k = 0; viz_refusal_columns[k] && refusals < 8; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s_rps", viz_refusal_columns[k]);
        refusal_col[refusals++] = column(t.header, t.columns, name);
    }
    int outcome_cols[VIZ_OUTCOMES];
    for (int k = 0; k < VIZ_OUTCOMES; k++)
        outcome_cols[k] = column(t.header, t.columns, OUTCOME_COLUMNS[k]);
    char *f[MAX_FIELDS];
    uint32_t n;
    while ((n = table_next(&t, f)) > 0) {
        if (v->n == v->cap)
            viz_series_grow(v);
        uint32_t i = v->n++;
        v->t[i] = num(f, n, ct);
        double *dst[] = {v->offered, v->attempts, v->goodput, v->failed,     v->p50,
                         v->p90,     v->p99,      v->shed,    v->throttled,  v->retries,
                         v->suppressed, v->hedges};
        for (size_t k = 0; k < sizeof dst / sizeof dst[0]; k++)
            dst[k][i] = num(f, n, cols[k]);
        for (int k = 0; k < VIZ_OUTCOMES; k++)
            v->outcome[k][i] = num(f, n, outcome_cols[k]);
        v->refused[i] = sum_columns(f, n, refusal_col, refusals);
    }
    table_close(&t);
    if (v->n >= 2)
        v->window_s = v->t[1] - v->t[0];
    else
        v->window_s = 1;
    v->duration_s = v->n ? v->t[v->n - 1] + v->window_s : 0;
    v->now_s = v->duration_s;
    v->finished = true;
    load_services(v, dir);
    load_policies(v, dir);
    load_instances(v, dir);
    load_events(v, dir);
    load_names(v, dir);
    return v;
}
