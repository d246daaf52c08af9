/* `stampede compare`: a scenario's variants side by side.
 *
 * Every variant runs on the same seeds, so they see the same arrivals,
 * service times and faults (common random numbers) and differ by their
 * policies alone. One table, variants as columns, the metrics that matter
 * first as rows; the best value of each row is marked. With
 * --replications R each cell is the mean over R seeds with its 95% Student
 * t interval, and a variant whose interval overlaps the best one's is
 * marked as not really different from it. compare.csv holds the same. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/numfmt.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "loader.h"
#include "metrics_read.h"
#include "../base/outfile.h"

static const char USAGE[] =
    "usage: stampede compare FILE [--replications R] [--seed N] [--set PATH=VALUE]...\n"
    "                             [--out DIR] [--metric NAME[:low|:high]]...\n"
    "\n"
    "Runs every variant of the scenario on the same seeds and prints one table,\n"
    "variants side by side: goodput ratio, p99 and p50 latency of every request\n"
    "that ended (and p99 of the successes, unranked), amplification,\n"
    "recovery time, failures, wasted work, breaker open time, peak retries. The\n"
    "best value of each row is marked '*'. Writes compare.csv (and each\n"
    "variant's results) under results/<scenario>/ or DIR.\n"
    "\n"
    "  --replications R   run each variant on R seeds (seed, seed+1, ...); cells\n"
    "                     show the mean +- its 95% interval, and '~' marks a\n"
    "                     variant whose interval overlaps the best one's\n"
    "  --metric NAME      compare this summary.json metric instead of the default\n"
    "                     rows (repeatable; dotted paths; ':low' or ':high' says\n"
    "                     which way is better)\n"
    CLI_LIMITS_HELP;

enum better { BETTER_HIGH, BETTER_LOW, BETTER_NONE };

struct row {
    const char *metric, *label;
    enum better better;
};

static const struct row DEFAULT_ROWS[] = {
    {"goodput_ratio", "goodput ratio", BETTER_HIGH},
    {"answered_ratio", "answered ratio", BETTER_HIGH},
    {"good_ratio", "good ratio (SLO)", BETTER_HIGH},
    /* ranked on every request that ended: a variant that fails fast must
     * not look fast; the successes' p99 is shown beside, unranked */
    {"latency_all_ms.p99", "p99 ms (all)", BETTER_LOW},
    {"latency_all_ms.p50", "p50 ms (all)", BETTER_LOW},
    {"latency_ms.p99", "p99 ms (ok)", BETTER_NONE},
    {"amplification", "amplification", BETTER_LOW},
    {"max_service_amplification", "max service amp.", BETTER_LOW},
    {"recovery_s", "recovery s", BETTER_LOW},
    {"failed.total", "failed", BETTER_LOW},
    {"wasted_work_s", "wasted work s", BETTER_LOW},
    {"breaker_open_s", "breaker open s", BETTER_NONE},
    {"peak.retries_rps", "peak retries/s", BETTER_LOW},
};

struct compare_options {
    const char *file;
    struct cli_common c;
    struct row *rows;
    uint32_t row_count;
};

/* One cell: the metric over the replications of one variant. A recovery
 * that never came (null) makes the cell "never", worse than any number;
 * one that could not be judged (recovered null) makes it "unknown", which
 * ranks nowhere. */
struct cell {
    struct interval iv;
    bool missing, never, unknown;
};

/* recovery_s is null both when the system did not come back and when that
 * could not be judged; `recovered` tells them apart. */
static bool unjudged(const char *summary, const char *metric)
{
    return strcmp(metric, "recovery_s") == 0 &&
           metrics_lookup(summary, "recovered").kind == MEASURED_NULL;
}

static struct cell measure(char **summaries, uint32_t reps, const char *metric)
{
    struct cell c = {0};
    double *v = xcalloc(reps, sizeof *v);
    uint32_t n = 0;
    for (uint32_t r = 0; r < reps; r++) {
        struct measured m = metrics_lookup(summaries[r], metric);
        if (m.kind == MEASURED_NUMBER)
            v[n++] = m.number;
        else if (m.kind == MEASURED_BOOL)
            v[n++] = m.boolean;
        else if (m.kind == MEASURED_NULL && unjudged(summaries[r], metric))
            c.unknown = true;
        else if (m.kind == MEASURED_NULL)
            c.never = true;
        else
            c.missing = true;
    }
    c.iv = interval_of(v, n);
    free(v);
    c.unknown = c.unknown && n == 0 && !c.never; /* else judged on the seeds that could be */
    if (c.unknown)
        c.missing = false;
    if (c.missing && n == 0 && !c.never)
        return c;
    c.missing = false;
    return c;
}

static bool better_than(const struct cell *a, const struct cell *b, enum better dir)
{
    if (a->missing || a->never || a->unknown)
        return false;
    if (b->missing || b->never || b->unknown)
        return true;
    return dir == BETTER_HIGH ? a->iv.mean > b->iv.mean : a->iv.mean < b->iv.mean;
}

/* Ties with the best are best too. */
static bool is_best(const struct cell *cells, uint32_t best, uint32_t v)
{
    if (best == NO_INDEX)
        return false;
    const struct cell *c = &cells[v], *b = &cells[best];
    return v == best || (!c->missing && !c->never && !c->unknown && c->iv.mean == b->iv.mean);
}

static bool overlaps(const struct cell *a, const struct cell *b)
{
    if (a->missing || b->missing || a->never || b->never || a->unknown || b->unknown)
        return false;
    return a->iv.mean - a->iv.half <= b->iv.mean + b->iv.half &&
           b->iv.mean - b->iv.half <= a->iv.mean + a->iv.half;
}

static void format_cell(char *out, size_t size, const struct cell *c, uint32_t reps)
{
    char a[NUMFMT_LEN], b[NUMFMT_LEN];
    if (c->missing)
        snprintf(out, size, "-");
    else if (c->unknown)
        snprintf(out, size, "unknown");
    else if (c->never)
        snprintf(out, size, "never");
    else if (reps > 1)
        snprintf(out, size, "%s +- %s", numfmt_short(a, c->iv.mean), numfmt_short(b, c->iv.half));
    else
        snprintf(out, size, "%s", numfmt_short(a, c->iv.mean));
}

static int parse_options(int argc, char **argv, struct compare_options *o)
{
    o->c.accepts = CLI_OPT_SEED | CLI_OPT_SET | CLI_OPT_OUT | CLI_OPT_REPLICATIONS | CLI_OPT_LIMITS;
    o->c.replications = 1;
    o->c.sets = xcalloc((size_t)argc + 1, sizeof *o->c.sets);
    /* room for every --metric, or for the default rows */
    o->rows = xcalloc((size_t)argc + sizeof DEFAULT_ROWS / sizeof DEFAULT_ROWS[0], sizeof *o->rows);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        int common = cli_common_option(&o->c, argc, argv, &i);
        if (common == 2)
            return 2;
        if (common)
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "--metric") && has_value) {
            char *name = argv[++i], *dir = strchr(name, ':');
            enum better b = BETTER_NONE;
            if (dir) {
                *dir++ = '\0';
                if (!strcmp(dir, "low"))
                    b = BETTER_LOW;
                else if (!strcmp(dir, "high"))
                    b = BETTER_HIGH;
                else {
                    fprintf(stderr, "stampede: error: --metric %s: expected ':low' or ':high' "
                                    "after the name, got ':%s'\n", name, dir);
                    return 2;
                }
            }
            o->rows[o->row_count++] = (struct row){name, name, b};
        } else if (a[0] == '-' && a[1]) {
            return cli_bad_option("compare", a, USAGE);
        } else if (!o->file) {
            o->file = a;
        } else {
            fprintf(stderr, "stampede: error: compare takes one FILE, got '%s' too\n", a);
            return 2;
        }
    }
    if (!o->file) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (!o->row_count) {
        o->row_count = sizeof DEFAULT_ROWS / sizeof DEFAULT_ROWS[0];
        memcpy(o->rows, DEFAULT_ROWS, sizeof DEFAULT_ROWS);
    }
    return CLI_GO_ON;
}

static int write_csv(const char *dir, const struct compare_options *o,
                     const struct scenario_set *set, struct cell *cells, const uint32_t *best)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    struct outfile out;
    if (outfile_open(&out, path) != 0)
        return -1;
    FILE *f = out.f;
    fputs("metric,variant,mean,half_width,runs,best,overlaps_best\n", f);
    char a[NUMFMT_LEN], b[NUMFMT_LEN];
    for (uint32_t r = 0; r < o->row_count; r++)
        for (uint32_t v = 0; v < set->count; v++) {
            const struct cell *c = &cells[r * set->count + v];
            bool top = is_best(&cells[r * set->count], best[r], v);
            bool near = best[r] != NO_INDEX && !top &&
                        overlaps(c, &cells[r * set->count + best[r]]);
            fprintf(f, "%s,%s,%s,%s,%u,%s,%s\n", o->rows[r].metric, set->items[v]->variant,
                    c->missing || c->never || c->unknown
                        ? (c->never ? "never" : c->unknown ? "unknown" : "")
                        : numfmt_double(a, c->iv.mean),
                    c->missing || c->never || c->unknown ? "" : numfmt_double(b, c->iv.half),
                    c->iv.n,
                    top ? "true" : "false", near ? "true" : "false");
        }
    return outfile_commit(&out);
}

static void print_table(const struct compare_options *o, const struct scenario_set *set,
                        struct cell *cells, const uint32_t *best)
{
    const struct scenario *sc = set->items[0];
    printf("%s: %u variants, %u run%s each, seed %llu%s\n", sc->name, set->count,
           o->c.replications, o->c.replications > 1 ? "s" : "",
           (unsigned long long)(o->c.has_seed ? o->c.seed : sc->seed),
           o->c.replications > 1 ? " onwards" : "");
    int width = 16;
    for (uint32_t v = 0; v < set->count; v++) {
        int w = (int)strlen(set->items[v]->variant) + 2;
        if (w > width)
            width = w;
    }
    if (o->c.replications > 1 && width < 22)
        width = 22;
    printf("  %-16s", "");
    for (uint32_t v = 0; v < set->count; v++)
        printf(" %*s", width, set->items[v]->variant);
    printf("\n");
    bool any_near = false;
    for (uint32_t r = 0; r < o->row_count; r++) {
        printf("  %-16s", o->rows[r].label);
        for (uint32_t v = 0; v < set->count; v++) {
            const struct cell *c = &cells[r * set->count + v];
            char text[96], shown[100];
            format_cell(text, sizeof text, c, o->c.replications);
            bool top = is_best(&cells[r * set->count], best[r], v);
            bool near = o->c.replications > 1 && best[r] != NO_INDEX && !top &&
                        overlaps(c, &cells[r * set->count + best[r]]);
            any_near |= near;
            snprintf(shown, sizeof shown, "%s%s", text, top ? " *" : near ? " ~" : "  ");
            printf(" %*s", width, shown);
        }
        printf("\n");
    }
    printf("  * best of the row");
    if (o->c.replications > 1)
        printf("%s", any_near ? "; ~ its 95% interval overlaps the best's: no real difference"
                              : "; no interval overlaps the best's");
    printf("\n");
}

int cli_compare(int argc, char **argv)
{
    struct compare_options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_GO_ON) {
        free(o.c.sets), free(o.rows);
        return rc;
    }
    rc = 0;
    char *file = cli_resolve_scenario(o.file);
    struct diag d;
    diag_init(&d, file);
    struct scenario_set set;
    enum loader_status st = loader_load(file, o.c.sets, o.c.set_count, NULL, &set, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    free(file);
    if (st != LOAD_OK) {
        free(o.c.sets), free(o.rows);
        return (int)st;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", o.c.out ? o.c.out : "");
    if (!o.c.out)
        snprintf(dir, sizeof dir, "results/%s", set.items[0]->name);
    bool several = set.count > 1 || strcmp(set.items[0]->variant, "default") != 0;
    char ***summaries = xcalloc(set.count, sizeof *summaries);
    for (uint32_t v = 0; v < set.count && !rc; v++) {
        summaries[v] = xcalloc(o.c.replications, sizeof **summaries);
        for (uint32_t r = 0; r < o.c.replications && !rc; r++) {
            uint64_t seed = (o.c.has_seed ? o.c.seed : set.items[v]->seed) + r;
            struct variant_run run = {.sc = set.items[v], .limits = o.c.limits, .out = dir, .several = several,
                                      .quiet = true, .no_files = r > 0, .has_seed = true,
                                      .seed = seed};
            rc = cli_run_variant(&run, &summaries[v][r]);
            if (!rc && !summaries[v][r])
                rc = 3;
        }
    }
    struct cell *cells = xcalloc((size_t)o.row_count * set.count, sizeof *cells);
    uint32_t *best = xcalloc(o.row_count, sizeof *best);
    for (uint32_t r = 0; r < o.row_count && !rc; r++) {
        best[r] = NO_INDEX;
        for (uint32_t v = 0; v < set.count; v++) {
            struct cell *c = &cells[r * set.count + v];
            *c = measure(summaries[v], o.c.replications, o.rows[r].metric);
            if (o.rows[r].better != BETTER_NONE &&
                (best[r] == NO_INDEX ||
                 better_than(c, &cells[r * set.count + best[r]], o.rows[r].better)))
                best[r] = v;
        }
        if (best[r] != NO_INDEX) { /* nothing to mark when no variant has a number */
            const struct cell *b = &cells[r * set.count + best[r]];
            if (b->missing || b->never)
                best[r] = NO_INDEX;
        }
    }
    if (!rc && several)
        rc = cli_variant_folder_done(dir, &set);
    if (!rc) {
        print_table(&o, &set, cells, best);
        if (write_csv(dir, &o, &set, cells, best) != 0) {
            fprintf(stderr, "stampede: error: %s/compare.csv: cannot write: %s\n", dir,
                    strerror(errno));
            rc = 3;
        } else {
            printf("  compare.csv and each variant's results in %s/\n", dir);
        }
    }
    for (uint32_t v = 0; v < set.count; v++) {
        for (uint32_t r = 0; summaries[v] && r < o.c.replications; r++)
            free(summaries[v][r]);
        free(summaries[v]);
    }
    free(summaries);
    free(cells);
    free(best);
    scenario_set_release(&set);
    free(o.c.sets), free(o.rows);
    return rc;
}
