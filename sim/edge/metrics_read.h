/* metrics_read: reading a run's summary.json (as text) back, for the
 * commands that judge, compare and tabulate runs, and the confidence
 * interval of a mean over replications. */
#ifndef STAMPEDE_METRICS_READ_H
#define STAMPEDE_METRICS_READ_H

#include <stdint.h>

#include "expect.h"

/* The value at a dotted path ("services.db.utilization"). Two derived
 * metrics are also known: "wasted_work_s" (summed over services) and
 * "breaker_open_s" (summed over the policies' breakers). */
struct measured metrics_lookup(const char *summary_json, const char *metric);

/* Every metric metrics_lookup knows in this summary: the dotted paths of
 * its numbers, booleans and nulls, and the two derived ones; a
 * NULL-terminated list, freed with metrics_paths_free. */
char **metrics_paths(const char *summary_json);
void metrics_paths_free(char **paths);

/* Mean and 95% Student t half-width of n values (half-width 0 for n < 2). */
struct interval {
    double mean, half;
    uint32_t n;
};
struct interval interval_of(const double *values, uint32_t n);

#endif
