/* results: a run's files on disk, each complete or absent.
 *
 * Rows of timeseries.csv and services.csv are streamed as windows close (so
 * memory does not grow with simulated time) into hidden temporary files in
 * the result folder; results_commit writes summary.json the same way and
 * renames all of them into place. results_discard removes the temporaries.
 * I/O failures return -1 with errno set; the caller reports them (exit 3). */
#ifndef STAMPEDE_RESULTS_H
#define STAMPEDE_RESULTS_H

#include "../model/metrics.h"
#include "../model/scenario.h"

struct results;

/* Creates `dir` (and its parents) and opens the temporary files. NULL and
 * errno on failure. */
struct results *results_open(const char *dir);
/* The sim_observer callback: appends one window's rows. */
void results_on_window(void *results, const struct window_report *w);
/* The sim_observer callback: appends one row to events.csv. */
void results_on_event(void *results, sim_time at, const char *kind, const char *subject,
                      const char *detail);
/* Writes the summary and moves every file into place; frees `r`. */
int results_commit(struct results *r, const struct scenario *sc, uint64_t seed,
                   const struct run_report *report);
/* Removes the temporaries and frees `r` (results_discard(NULL) does nothing). */
void results_discard(struct results *r);

/* Every name a run may leave in its folder (plot.png with --plot, the
 * lock), NULL-terminated. */
extern const char *const RESULT_FILE_NAMES[];

/* After a run of every variant into `parent`: removes the folders of
 * variants the scenario no longer has (a summary.json of scenario
 * `scenario` and nothing but RESULT_FILE_NAMES), so a plot or gallery of
 * `parent` cannot show a variant that is gone. A folder with other files is
 * left and named. Notes on stderr. */
void results_remove_stale(const char *parent, const char *scenario,
                          const char *const *variants, uint32_t variant_count);

/* Writes parent/variants.txt: the variant names in the scenario's order,
 * one a line (what `plot PARENT` draws, in that order). 0, or -1 after
 * reporting why. */
int results_write_variant_list(const char *parent, const char *const *variants,
                               uint32_t variant_count);

/* mkdir -p; 0 or -1 with errno. */
int results_make_dirs(const char *dir);

#endif
