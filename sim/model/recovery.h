/* recovery: did goodput come back after the chaos, and how long did it take?
 *
 * The baseline is the mean goodput over the 30 s before the first fault
 * starts (fewer when the fault comes earlier; never the first window when
 * there are three or more, as the system starts empty). After the last
 * fault ends, goodput is smoothed over a trailing span of 5 s (at least one
 * window) and compared with the baseline: "back" means no more than 5%
 * below it (above it is a catch-up, and counts), the 5% widened to three
 * standard deviations of a Poisson count over the span when the rate is too
 * low for 5% to be measurable. The recovery time runs from the end of the
 * last fault to the start of the first span that is back and after which
 * every span stays back. Computed online: memory is fixed. */
#ifndef STAMPEDE_RECOVERY_H
#define STAMPEDE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"
#include "scenario.h"

#define RECOVERY_SPAN_MAX 64 /* windows in the smoothing span, at most */

struct recovery {
    bool has_faults;
    sim_time first_start, last_end;
    double base_count;           /* successes in the baseline windows */
    sim_time base_time;
    uint32_t base_windows;
    bool skipped_first;
    uint32_t span;               /* windows per smoothing span */
    uint64_t ring[RECOVERY_SPAN_MAX];
    sim_time ring_start[RECOVERY_SPAN_MAX];
    sim_time ring_len_ns[RECOVERY_SPAN_MAX];
    uint32_t filled, next;
    sim_time candidate;          /* start of the span that came back, or NEVER */
    bool judged;                 /* at least one full span after the last fault */
};

struct recovery *recovery_new(const struct scenario *sc);
void recovery_free(struct recovery *r);
void recovery_on_window(struct recovery *r, sim_time start, sim_time end, uint64_t succeeded);

/* After the run: whether there were faults; whether recovery could be judged
 * (a baseline before the first fault, and one full span after the last);
 * whether goodput came back, and when (seconds after the last fault ended;
 * NaN when it did not or could not be judged). */
bool recovery_has_faults(const struct recovery *r);
bool recovery_known(const struct recovery *r);
bool recovery_recovered(const struct recovery *r);
double recovery_seconds(const struct recovery *r);

#endif
