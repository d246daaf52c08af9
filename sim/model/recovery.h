/* recovery: did the system come back after the chaos, and when?
 *
 * Judged on the ratio of full answers to offered requests, so that arrival
 * noise and the catch-up after a fault (a backlog answered at once) do not
 * decide it. The baseline is that ratio over the 30 s before the first
 * fault starts (less when it starts earlier; the first window left out
 * when there are three or more before it, as the system starts empty).
 * After the last fault ends, the ratio is measured over every span of
 * `hold` (default 10 s) starting at an instant from then on, to a
 * resolution of hold/50: the system is back at the first instant after
 * which every span up to the end of the run is no more than `tolerance`
 * (default 5%, relative) below the baseline. The recovery time runs from
 * the end of the last fault to that instant.
 *
 * It cannot be judged, and says why, when there is no baseline (the fault
 * starts too early or nothing was answered before it), when a span holds
 * too few requests for the tolerance to be measurable (the noise of the
 * ratio over a span, three standard deviations, exceeds the tolerance), or
 * when the run ends before a whole span after the last fault (or after the
 * instant it came back). Computed online: memory is fixed. */
#ifndef STAMPEDE_RECOVERY_H
#define STAMPEDE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"
#include "scenario.h"

#define RECOVERY_BUCKETS 50 /* a span, in buckets: the resolution of the instant */

struct recovery {
    bool has_faults;
    sim_time first_start, last_end, end;
    double tolerance;
    sim_time hold_ns, bucket_ns;
    sim_time base_from;                /* the baseline: [base_from, first_start) */
    uint64_t base_offered, base_ok;
    double base_latency_ns;            /* of those answers, for requests in flight */
    /* after last_end: the buckets of the current span, a ring */
    uint64_t offered[RECOVERY_BUCKETS], ok[RECOVERY_BUCKETS];
    uint64_t span_offered, span_ok;    /* sums over the ring */
    int64_t bucket;                    /* the bucket now filling (0: from last_end) */
    sim_time candidate;                /* the instant it is back, if every span from it is */
    bool finished;
    const char *unknown;               /* why it cannot be judged, or NULL */
};

/* A judge for a run of [0, end) with faults from first_start to last_end;
 * `warm_ns` (the system starts empty) is left out of the baseline. */
void recovery_init(struct recovery *r, sim_time first_start, sim_time last_end, sim_time end,
                   sim_time warm_ns, double tolerance, sim_time hold_ns);
/* The judge for a scenario (its faults, duration, window and settings). */
struct recovery *recovery_new(const struct scenario *sc);
void recovery_free(struct recovery *r);

/* A client request was offered at `now`; one was answered in full at `now`
 * after `latency`. */
void recovery_on_offer(struct recovery *r, sim_time now);
void recovery_on_answer(struct recovery *r, sim_time now, sim_time latency);
/* The run ended at r->end: judge. */
void recovery_finish(struct recovery *r);

/* After recovery_finish: whether there were faults; whether recovery could
 * be judged; whether the system came back, and when (seconds after the
 * last fault ended; NaN when it did not or could not be judged); and why
 * it could not be judged (NULL when it could). */
bool recovery_has_faults(const struct recovery *r);
bool recovery_known(const struct recovery *r);
bool recovery_recovered(const struct recovery *r);
double recovery_seconds(const struct recovery *r);
const char *recovery_unknown_reason(const struct recovery *r);

#endif
