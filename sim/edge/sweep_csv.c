#include "../base/outfile.h"
#include "sweep_csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int write_atomic(const char *path, const char *const *rows, uint64_t count,
                        const char *const *axis_paths, uint32_t axes)
{
    struct outfile out;
    if (outfile_open(&out, path) != 0)
        return -1;
    write_header(out.f, axis_paths, axes);
    for (uint64_t r = 0; r < count; r++)
        fputs(rows[r], out.f);
    return outfile_commit(&out);
}

int sweep_csv_write(const char *path, const char *const *axis_paths, uint32_t axes,
                    const char *const *rows, uint64_t count)
{
    return write_atomic(path, rows, count, axis_paths, axes);
}
