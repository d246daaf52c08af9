#include "../base/outfile.h"
#include "sweep_csv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/csv.h"
#include "../base/numfmt.h"
#include "../base/xalloc.h"
#include "metrics_read.h"

/* summary.json paths and their column names */
static const char *const METRICS[][2] = {
    {"offered", "offered"},
    {"succeeded", "succeeded"},
    {"goodput_ratio", "goodput_ratio"},
    {"amplification", "amplification"},
    {"latency_ms.p50", "latency_p50_ms"},
    {"latency_ms.p99", "latency_p99_ms"},
    {"failed.total", "failed"},
    {"recovered", "recovered"},
    {"recovery_s", "recovery_s"},
    {"wasted_work_s", "wasted_work_s"},
    {"breaker_open_s", "breaker_open_s"},
    {"peak.retries_rps", "peak_retries_rps"},
};
#define METRIC_COUNT (sizeof METRICS / sizeof METRICS[0])


char *sweep_csv_row(uint64_t point, const char *const *values, uint32_t axes,
                    const char *variant, uint64_t seed, const char *summary_json)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, "%llu", (unsigned long long)point);
    for (uint32_t k = 0; k < axes; k++) {
        fputc(',', f);
        csv_put_field(f, values[k]);
    }
    fputc(',', f);
    csv_put_field(f, variant);
    fprintf(f, ",%llu", (unsigned long long)seed);
    char buf[NUMFMT_LEN];
    for (size_t m = 0; m < METRIC_COUNT; m++) {
        struct measured v = metrics_lookup(summary_json, METRICS[m][0]);
        fputc(',', f);
        if (v.kind == MEASURED_NUMBER)
            fputs(numfmt_double(buf, v.number), f);
        else if (v.kind == MEASURED_BOOL)
            fputs(v.boolean ? "true" : "false", f);
        /* null (never recovered) and missing stay empty */
    }
    fputc('\n', f);
    fclose(f);
    return text;
}

static void write_header(FILE *f, const char *const *axis_paths, uint32_t axes)
{
    fputs("point", f);
    for (uint32_t k = 0; k < axes; k++) {
        fputc(',', f);
        csv_put_field(f, axis_paths[k]);
    }
    fputs(",variant,seed", f);
    for (size_t m = 0; m < METRIC_COUNT; m++)
        fprintf(f, ",%s", METRICS[m][1]);
    fputc('\n', f);
}

static int write_atomic(const char *path, const char *header, const char *const *rows,
                        uint64_t count, const char *const *axis_paths, uint32_t axes)
{
    struct outfile out;
    if (outfile_open(&out, path) != 0)
        return -1;
    FILE *f = out.f;
    if (header)
        fputs(header, f);
    else
        write_header(f, axis_paths, axes);
    for (uint64_t r = 0; r < count; r++)
        fputs(rows[r], f);
    return outfile_commit(&out);
}

int sweep_csv_write(const char *path, const char *const *axis_paths, uint32_t axes,
                    const char *const *rows, uint64_t count)
{
    return write_atomic(path, NULL, rows, count, axis_paths, axes);
}

/* ---- merge ---- */

/* Splits a copy of a CSV line; *copy must be freed. */
static uint32_t split(const char *line, char **copy, char **fields, uint32_t max)
{
    *copy = xstrdup(line);
    return csv_split(*copy, fields, max);
}

struct merged_row {
    unsigned long long point;
    uint32_t source, order; /* which file, and where in it: keeps variant order */
    char *line;
};

static int by_point(const void *a, const void *b)
{
    const struct merged_row *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static const char MERGE_USAGE[] =
    "usage: stampede merge SHARD... [-o FILE]\n"
    "\n"
    "Joins the sweep.csv files of a sweep's shards (files, or folders holding\n"
    "one) into the sweep.csv a single run would have written (FILE, default\n"
    "sweep.csv). Checks that the shards come from the same sweep and that\n"
    "every point of the grid is there exactly once.\n";

int sweep_csv_merge_main(int argc, char **argv)
{
    const char *out = "sweep.csv";
    const char **inputs = xcalloc((size_t)argc + 1, sizeof *inputs);
    uint32_t input_count = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(MERGE_USAGE, stdout);
            free(inputs);
            return 0;
        }
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "stampede: error: merge: unknown option '%s'\n%s", argv[i],
                    MERGE_USAGE);
            free(inputs);
            return 2;
        } else
            inputs[input_count++] = argv[i];
    }
    if (!input_count) {
        fputs(MERGE_USAGE, stderr);
        free(inputs);
        return 2;
    }
    char *header = NULL;
    struct merged_row *rows = NULL;
    uint64_t count = 0;
    uint32_t axes = 0;
    int rc = 0;
    for (uint32_t s = 0; s < input_count && !rc; s++) {
        char path[4200];
        struct stat st;
        if (stat(inputs[s], &st) == 0 && S_ISDIR(st.st_mode))
            snprintf(path, sizeof path, "%s/sweep.csv", inputs[s]);
        else
            snprintf(path, sizeof path, "%s", inputs[s]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "stampede: error: %s: %s\n", path, strerror(errno));
            rc = 3;
            break;
        }
        char *line = NULL;
        size_t cap = 0;
        uint32_t order = 0;
        bool first = true;
        while (getline(&line, &cap, f) > 0 && !rc) {
            if (first) {
                first = false;
                if (!header) {
                    header = xstrdup(line);
                    char *fields[512], *copy;
                    uint32_t n = split(line, &copy, fields, 512);
                    for (uint32_t k = 1; k < n && strcmp(fields[k], "variant"); k++)
                        axes++;
                    bool sweep = n > 2 && !strcmp(fields[0], "point") && axes + 1 < n;
                    free(copy);
                    if (!sweep) {
                        fprintf(stderr, "stampede: error: %s: not a sweep.csv (its header "
                                        "should start with point,...,variant)\n", path);
                        rc = 2;
                    }
                } else if (strcmp(header, line) != 0) {
                    fprintf(stderr, "stampede: error: %s: its header differs from %s's: not a "
                                    "shard of the same sweep\n", path, inputs[0]);
                    rc = 2;
                }
                continue;
            }
            char *end;
            unsigned long long p = strtoull(line, &end, 10);
            if (end == line || *end != ',') {
                fprintf(stderr, "stampede: error: %s: a row without a point number\n", path);
                rc = 2;
                break;
            }
            rows = xreallocarray(rows, count + 1, sizeof *rows);
            rows[count++] = (struct merged_row){p, s, order++, xstrdup(line)};
        }
        free(line);
        fclose(f);
    }
    if (!rc && (!header || count == 0)) { /* a header alone is no sweep either */
        fprintf(stderr, "stampede: error: merge: the shards hold no points\n");
        rc = 2;
    }
    if (!rc) {
        qsort(rows, count, sizeof *rows, by_point);
        /* the grid has as many points as the product of each axis' distinct values */
        uint64_t points = 1;
        for (uint32_t k = 0; k < axes; k++) {
            char **seen = xcalloc(count + 1, sizeof *seen);
            uint64_t distinct = 0;
            for (uint64_t r = 0; r < count; r++) {
                char *fields[512], *copy;
                uint32_t n = split(rows[r].line, &copy, fields, 512);
                bool known = false;
                for (uint64_t i = 0; i < distinct && !known && k + 1 < n; i++)
                    known = !strcmp(seen[i], fields[k + 1]);
                if (!known && k + 1 < n)
                    seen[distinct++] = xstrdup(fields[k + 1]);
                free(copy);
            }
            points *= distinct;
            for (uint64_t i = 0; i < distinct; i++)
                free(seen[i]);
            free(seen);
        }
        uint64_t next = 0;
        for (uint64_t r = 0; r < count && !rc; r++) {
            if (r > 0 && rows[r].point == rows[r - 1].point) {
                if (rows[r].source != rows[r - 1].source) {
                    fprintf(stderr, "stampede: error: merge: point %llu is in two shards\n",
                            rows[r].point);
                    rc = 2;
                }
                continue;
            }
            if (rows[r].point != next) {
                fprintf(stderr, "stampede: error: merge: point %llu is missing\n",
                        (unsigned long long)next);
                rc = 2;
            }
            next++;
        }
        if (!rc && next != points) {
            fprintf(stderr, "stampede: error: merge: %llu of the grid's %llu points are "
                            "there\n", (unsigned long long)next, (unsigned long long)points);
            rc = 2;
        }
    }
    if (!rc) {
        const char **lines = xcalloc(count + 1, sizeof *lines);
        for (uint64_t r = 0; r < count; r++)
            lines[r] = rows[r].line;
        if (write_atomic(out, header, lines, count, NULL, 0) != 0) {
            fprintf(stderr, "stampede: error: %s: cannot write: %s\n", out, strerror(errno));
            rc = 3;
        } else {
            printf("%llu rows from %u shards in %s\n", (unsigned long long)count, input_count,
                   out);
        }
        free(lines);
    }
    for (uint64_t r = 0; r < count; r++)
        free(rows[r].line);
    free(rows);
    free(header);
    free(inputs);
    return rc;
}
