/* `stampede check`: run each scenario's variants and judge its expect lines.
 * One line per expectation and variant, PASS or FAIL with the measured value
 * and the threshold, then "N passed, N failed"; exit 1 if any failed. With
 * --replications R every variant runs on R seeds (seed, seed + 1, ...) and a
 * line passes if the mean holds (booleans: if it holds in every run); the
 * 95% Student t interval of the mean is printed. --junit FILE writes the
 * same judgements as JUnit XML for CI systems. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../base/outfile.h"
#include "../base/numfmt.h"
#include "../base/spell.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "json.h"
#include "loader.h"
#include "metrics_read.h"
#include "results.h"

static const char USAGE[] =
    "usage: stampede check FILE... [--seed N] [--set PATH=VALUE]... [--out DIR]\n"
    "                              [--replications R] [--junit FILE] [--allow-empty]\n"
    "\n"
    "Runs every variant of each scenario, writes its results as `run` does, and\n"
    "judges the scenario's `expect` lines: one PASS or FAIL line each with the\n"
    "measured value, then 'N passed, N failed'. Exit 0 when all pass, 1 when any\n"
    "fails, 2 for bad input.\n"
    "\n"
    "  --replications R   run each variant on R seeds; judge the mean and show\n"
    "                     its 95% confidence interval (booleans: every run)\n"
    "  --junit FILE       also write the judgements as JUnit XML\n"
    "  --allow-empty      a file with no expect lines passes (by default it fails:\n"
    "                     a guard that checks nothing is a mistake)\n"
    CLI_LIMITS_HELP;

struct check_options {
    const char **files;
    uint32_t file_count;
    struct cli_common c;
    const char *junit;
    bool allow_empty;
};

struct verdict {
    char *scenario, *variant, *line, *measured;
    bool pass;
};

struct verdicts {
    struct verdict *v;
    uint32_t count, failed;
};

/* Judges one expectation over the replications of one variant. */
static bool judge(const struct expectation *e, char **summaries, uint32_t reps, char *shown,
                  size_t shown_size, bool *missing)
{
    double *values = xcalloc(reps, sizeof *values);
    uint32_t numbers = 0, bools_held = 0;
    bool any_null = false, pass = false;
    *missing = false;
    char a[NUMFMT_LEN], b[NUMFMT_LEN];
    for (uint32_t r = 0; r < reps; r++) {
        struct measured m = metrics_lookup(summaries[r], e->metric);
        if (m.kind == MEASURED_MISSING) {
            *missing = true;
            goto out;
        }
        if (m.kind == MEASURED_NULL)
            any_null = true;
        if (m.kind == MEASURED_NUMBER)
            values[numbers++] = m.number;
        if (m.kind == MEASURED_BOOL) {
            bools_held += expect_holds(e, &m);
            if (reps == 1)
                snprintf(shown, shown_size, "%s", m.boolean ? "true" : "false");
        }
    }
    if (e->is_bool) {
        if (reps > 1)
            snprintf(shown, shown_size, "held in %u of %u runs", bools_held, reps);
        pass = bools_held == reps;
        goto out;
    }
    if (any_null || numbers == 0) {
        snprintf(shown, shown_size, "null");
        goto out;
    }
    struct interval iv = interval_of(values, numbers);
    if (numbers == 1)
        snprintf(shown, shown_size, "%s", numfmt_double(a, iv.mean));
    else
        snprintf(shown, shown_size, "mean %s +- %s (95%%, %u runs)", numfmt_double(a, iv.mean),
                 numfmt_double(b, iv.half), numbers);
    pass = expect_holds(e, &(struct measured){.kind = MEASURED_NUMBER, .number = iv.mean});
out:
    free(values);
    return pass;
}

/* Judges "METRIC OP [FACTOR *] VARIANT.METRIC": the means over the
 * replications (of the same seeds), or, for booleans, run by run. */
static bool judge_reference(const struct expectation *e, char **mine, char **theirs,
                            uint32_t reps, char *shown, size_t shown_size, bool *missing)
{
    double a_sum = 0, b_sum = 0;
    uint32_t bools = 0, bools_held = 0;
    bool any_null = false;
    *missing = false;
    for (uint32_t r = 0; r < reps; r++) {
        struct measured a = metrics_lookup(mine[r], e->metric);
        struct measured b = metrics_lookup(theirs[r], e->ref_metric);
        if (a.kind == MEASURED_MISSING || b.kind == MEASURED_MISSING) {
            *missing = true;
            return false;
        }
        if (a.kind == MEASURED_NULL || b.kind == MEASURED_NULL || a.kind != b.kind) {
            any_null = true;
        } else if (a.kind == MEASURED_BOOL) {
            bools++;
            bools_held += (a.boolean == b.boolean) == (e->op == EXPECT_EQ);
        } else {
            a_sum += a.number, b_sum += b.number;
        }
    }
    if (any_null) {
        snprintf(shown, shown_size, "null");
        return false;
    }
    if (bools) {
        snprintf(shown, shown_size, "held in %u of %u runs", bools_held, reps);
        return bools_held == reps && (e->op == EXPECT_EQ || e->op == EXPECT_NE);
    }
    double a = a_sum / reps, b = b_sum / reps, limit = e->number * b;
    char x[NUMFMT_LEN], y[NUMFMT_LEN], f[NUMFMT_LEN], z[NUMFMT_LEN];
    if (e->number == 1)
        snprintf(shown, shown_size, "%s%s against %s's %s", reps > 1 ? "mean " : "",
                 numfmt_double(x, a), e->ref_variant, numfmt_double(y, b));
    else
        snprintf(shown, shown_size, "%s%s against %s x %s's %s = %s", reps > 1 ? "mean " : "",
                 numfmt_double(x, a), numfmt_double(f, e->number), e->ref_variant,
                 numfmt_double(y, b), numfmt_double(z, limit));
    struct expectation plain = *e;
    plain.ref_variant = plain.ref_metric = NULL;
    plain.number = limit;
    return expect_holds(&plain, &(struct measured){.kind = MEASURED_NUMBER, .number = a});
}

/* The index in `set` of the variant named `name`, or set->count. */
static uint32_t variant_index(const struct scenario_set *set, const char *name)
{
    uint32_t i = 0;
    while (i < set->count && strcmp(set->items[i]->variant, name) != 0)
        i++;
    return i;
}

/* One metric name against a summary that has every key: 0, or 1 after
 * reporting it with the nearest name. */
static uint32_t check_name(const char *file, const struct expectation *e, const char *metric,
                           const char *summary, char **paths)
{
    if (metrics_lookup(summary, metric).kind != MEASURED_MISSING)
        return 0;
    const char *closest = spell_closest(metric, (const char *const *)paths);
    fprintf(stderr, "%s: error: $.expect[%d]: summary.json has no metric '%s'%s%s%s\n", file,
            e->index, metric, closest ? " (did you mean '" : "", closest ? closest : "",
            closest ? "'?)" : " (docs/metrics.md lists them)");
    return 1;
}

uint32_t cli_check_expect_names(const char *file, const struct scenario_set *set)
{
    uint32_t errors = 0;
    for (uint32_t k = 0; k < set->expect_count; k++) {
        const struct expectation *e = &set->expect[k];
        if (e->ref_variant && variant_index(set, e->ref_variant) == set->count) {
            fprintf(stderr, "%s: error: $.expect[%d]: no variant named '%s' to compare with\n",
                    file, e->index, e->ref_variant);
            errors++;
        }
    }
    for (uint32_t i = 0; i < set->count && set->expect_count; i++) { /* names differ by variant */
        char *summary = cli_summary_before_running(set->items[i]);
        char **paths = metrics_paths(summary);
        for (uint32_t k = 0; k < set->expect_count; k++) {
            const struct expectation *e = &set->expect[k];
            if (e->variant && strcmp(e->variant, set->items[i]->variant) != 0)
                continue;
            errors += check_name(file, e, e->metric, summary, paths);
        }
        for (uint32_t k = 0; k < set->expect_count; k++) { /* a reference, in its own variant */
            const struct expectation *e = &set->expect[k];
            if (e->ref_variant && strcmp(e->ref_variant, set->items[i]->variant) == 0)
                errors += check_name(file, e, e->ref_metric, summary, paths);
        }
        metrics_paths_free(paths);
        free(summary);
    }
    return errors;
}

static void add_verdict(struct verdicts *vs, const char *scenario, const char *variant,
                        const char *line, const char *shown, bool pass)
{
    vs->v = xreallocarray(vs->v, vs->count + 1, sizeof *vs->v);
    vs->v[vs->count++] = (struct verdict){xstrdup(scenario), xstrdup(variant), xstrdup(line),
                                          xstrdup(shown), pass};
    vs->failed += !pass;
    printf("%s  %s [%s]  %s   (measured %s)\n", pass ? "PASS" : "FAIL", scenario, variant, line,
           shown);
}

/* Runs and judges one file; returns an exit code (0, 2 or 3). */
static int check_file(const struct check_options *o, const char *arg, struct verdicts *vs)
{
    char *file = cli_resolve_scenario(arg);
    struct diag d;
    diag_init(&d, file);
    struct scenario_set set;
    enum loader_status st = loader_load(file, o->c.sets, o->c.set_count, NULL, &set, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    if (st != LOAD_OK) {
        free(file);
        return (int)st;
    }
    uint32_t bad_names = cli_check_expect_names(file, &set);
    free(file);
    if (bad_names) { /* before any run: a typo costs nothing */
        scenario_set_release(&set);
        return 2;
    }
    if (set.expect_count == 0 && !o->allow_empty) { /* nothing to judge: not a pass */
        add_verdict(vs, set.items[0]->name, "-", "has expect lines (--allow-empty to skip)",
                    "none", false);
        scenario_set_release(&set);
        return 0;
    }
    /* every variant first: an expectation may compare two of them */
    int rc = 0;
    bool several = set.count > 1 || strcmp(set.items[0]->variant, "default") != 0;
    char ***summaries = xcalloc(set.count, sizeof *summaries);
    for (uint32_t i = 0; i < set.count && rc == 0; i++) {
        const struct scenario *sc = set.items[i];
        summaries[i] = xcalloc(o->c.replications, sizeof **summaries);
        for (uint32_t r = 0; r < o->c.replications && rc == 0; r++) {
            uint64_t seed = (o->c.has_seed ? o->c.seed : sc->seed) + r;
            struct variant_run v = {.sc = sc, .limits = o->c.limits, .out = o->c.out,
                                    .several = several, .quiet = true, .no_files = r > 0,
                                    .has_seed = true, .seed = seed};
            rc = cli_run_variant(&v, &summaries[i][r]);
            if (!rc && !summaries[i][r])
                rc = 3;
        }
    }
    for (uint32_t i = 0; i < set.count && rc == 0; i++) {
        const struct scenario *sc = set.items[i];
        for (uint32_t k = 0; k < set.expect_count && rc == 0; k++) {
            const struct expectation *e = &set.expect[k];
            if (e->variant && strcmp(e->variant, sc->variant) != 0)
                continue;
            char shown[256] = "";
            bool missing;
            bool pass = e->ref_variant
                            ? judge_reference(e, summaries[i],
                                              summaries[variant_index(&set, e->ref_variant)],
                                              o->c.replications, shown, sizeof shown, &missing)
                            : judge(e, summaries[i], o->c.replications, shown, sizeof shown,
                                    &missing);
            if (missing) { /* the names were checked: a summary that lost a key is a bug */
                fprintf(stderr, "stampede: error: %s: $.expect[%d]: summary.json has no metric "
                                "'%s'\n",
                        arg, e->index, e->metric);
                rc = 2;
                break;
            }
            add_verdict(vs, sc->name, sc->variant, e->text, shown, pass);
        }
    }
    for (uint32_t i = 0; i < set.count; i++) {
        for (uint32_t r = 0; summaries[i] && r < o->c.replications; r++)
            free(summaries[i][r]);
        free(summaries[i]);
    }
    free(summaries);
    scenario_set_release(&set);
    return rc;
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* JUnit XML, written to a temporary name and renamed when complete. */
static int write_junit(const char *path, const struct verdicts *vs)
{
    struct outfile out;
    if (outfile_open(&out, path) != 0) {
        fprintf(stderr, "stampede: error: %s: %s\n", path, strerror(errno));
        return 3;
    }
    FILE *f = out.f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"%u\" failures=\"%u\">\n", vs->count, vs->failed);
    fprintf(f, "  <testsuite name=\"stampede check\" tests=\"%u\" failures=\"%u\">\n", vs->count,
            vs->failed);
    for (uint32_t i = 0; i < vs->count; i++) {
        const struct verdict *v = &vs->v[i];
        fputs("    <testcase classname=\"", f);
        xml_text(f, v->scenario);
        fputc('.', f);
        xml_text(f, v->variant);
        fputs("\" name=\"", f);
        xml_text(f, v->line);
        fputs("\">", f);
        if (!v->pass) {
            fputs("<failure message=\"measured ", f);
            xml_text(f, v->measured);
            fputs("\"/>", f);
        }
        fputs("</testcase>\n", f);
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    if (outfile_commit(&out) != 0) {
        fprintf(stderr, "stampede: error: %s: %s\n", path, strerror(errno));
        return 3;
    }
    return 0;
}

static int parse_options(int argc, char **argv, struct check_options *o)
{
    memset(o, 0, sizeof *o);
    o->c.accepts = CLI_OPT_SEED | CLI_OPT_SET | CLI_OPT_OUT | CLI_OPT_REPLICATIONS | CLI_OPT_LIMITS;
    o->c.replications = 1;
    o->files = xcalloc((size_t)argc + 1, sizeof *o->files);
    o->c.sets = xcalloc((size_t)argc + 1, sizeof *o->c.sets);
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
        } else if (!strcmp(a, "--junit") && has_value) {
            o->junit = argv[++i];
        } else if (!strcmp(a, "--allow-empty")) {
            o->allow_empty = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_bad_option("check", a, USAGE);
        } else {
            o->files[o->file_count++] = a;
        }
    }
    if (!o->file_count) {
        fputs(USAGE, stderr);
        return 2;
    }
    return CLI_GO_ON;
}

int cli_check(int argc, char **argv)
{
    struct check_options o;
    int rc = parse_options(argc, argv, &o);
    struct verdicts vs = {0};
    for (uint32_t i = 0; rc == CLI_GO_ON && i < o.file_count; i++) {
        int frc = check_file(&o, o.files[i], &vs);
        if (frc)
            rc = frc; /* bad input or I/O: stop, report nothing half-judged as success */
    }
    if (rc == CLI_GO_ON) {
        printf("%u passed, %u failed\n", vs.count - vs.failed, vs.failed);
        rc = vs.failed ? 1 : 0;
        if (o.junit && write_junit(o.junit, &vs))
            rc = 3;
    }
    for (uint32_t i = 0; i < vs.count; i++) {
        free(vs.v[i].scenario);
        free(vs.v[i].variant);
        free(vs.v[i].line);
        free(vs.v[i].measured);
    }
    free(vs.v);
    free(o.files);
    free(o.c.sets);
    return rc;
}
