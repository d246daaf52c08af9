/* sweep_csv: the rows of sweep.csv, written by `sweep` and joined by
 * `merge`. Columns: point, one per grid axis (named by its path), variant,
 * seed, then the summary metrics. Rows are in point order and, within a
 * point, in the scenario's variant order. */
#ifndef STAMPEDE_SWEEP_CSV_H
#define STAMPEDE_SWEEP_CSV_H

#include <stdint.h>

/* One row, newline included (malloc'ed). */
char *sweep_csv_row(uint64_t point, const char *const *values, uint32_t axes,
                    const char *variant, uint64_t seed, const char *summary_json);
/* Writes the header and the rows to `path` atomically (a temporary file
 * renamed when complete); 0 or -1 with errno. */
int sweep_csv_write(const char *path, const char *const *axis_paths, uint32_t axes,
                    const char *const *rows, uint64_t count);
/* `stampede merge` (merge.c). */
int sweep_csv_merge_main(int argc, char **argv);

#endif
