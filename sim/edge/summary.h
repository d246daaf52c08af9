/* summary: the whole-run figures users read and `expect` lines judge, derived
 * once from a run report so that summary.json and the terminal table agree. */
#ifndef STAMPEDE_SUMMARY_H
#define STAMPEDE_SUMMARY_H

#include <stdio.h>

#include "../model/metrics.h"
#include "../model/scenario.h"

/* x / y, or NaN (printed as null) when y is 0. */
double summary_ratio(double x, double y);

/* Writes summary.json's contents to `out`. */
void summary_write_json(FILE *out, const struct scenario *sc, uint64_t seed,
                        const struct run_report *r);

/* Prints the compact table for a terminal. `wall_s` is how long it took. */
void summary_print_table(FILE *out, const struct scenario *sc, uint64_t seed,
                         const struct run_report *r, double wall_s);

#endif
