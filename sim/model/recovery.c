#include "recovery.h"

#include <math.h>
#include <stdlib.h>

#include "../base/xalloc.h"

static const double SMOOTHING_S = 5.0;
static const double BASELINE_S = 30.0; /* the level just before the first fault */
static const double BAND = 0.05;

struct recovery *recovery_new(const struct scenario *sc)
{
    struct recovery *r = xcalloc(1, sizeof *r);
    r->candidate = SIM_TIME_NEVER;
    r->first_start = SIM_TIME_NEVER;
    for (uint32_t f = 0; f < sc->fault_count; f++) {
        const struct fault_cfg *fc = &sc->faults[f];
        for (uint32_t k = 0; k < fc->count; k++) {
            sim_time start = fc->at_ns + (sim_time)k * fc->every_ns;
            if (start >= sc->duration_ns)
                break;
            r->has_faults = true;
            if (start < r->first_start)
                r->first_start = start;
            if (fault_end_of(fc, k) > r->last_end)
                r->last_end = fault_end_of(fc, k);
        }
    }
    double windows = SMOOTHING_S / sim_time_to_s(sc->window_ns);
    r->span = windows < 1 ? 1 : windows > RECOVERY_SPAN_MAX ? RECOVERY_SPAN_MAX
                                                            : (uint32_t)ceil(windows);
    return r;
}

void recovery_free(struct recovery *r) { free(r); }

static double base_rate(const struct recovery *r)
{
    return r->base_time > 0 ? r->base_count / sim_time_to_s(r->base_time) : NAN;
}

void recovery_on_window(struct recovery *r, sim_time start, sim_time end, uint64_t succeeded)
{
    if (!r->has_faults)
        return;
    if (end <= r->first_start) {
        if (start == 0 && !r->skipped_first && r->first_start >= 3 * (end - start)) {
            r->skipped_first = true; /* warm-up: the system starts empty */
            return;
        }
        if (start < r->first_start - sim_time_from_s(BASELINE_S))
            return; /* too early to say what the level was when the fault hit */
        r->base_count += (double)succeeded;
        r->base_time += end - start;
        return;
    }
    if (start < r->last_end || !(r->base_time > 0))
        return;
    r->ring[r->next] = succeeded;
    r->ring_start[r->next] = start;
    r->ring_len_ns[r->next] = end - start;
    r->next = (r->next + 1) % r->span;
    if (r->filled < r->span)
        r->filled++;
    if (r->filled < r->span)
        return;
    double count = 0, secs = 0;
    sim_time span_start = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < r->span; i++) {
        count += (double)r->ring[i];
        secs += sim_time_to_s(r->ring_len_ns[i]);
        if (r->ring_start[i] < span_start)
            span_start = r->ring_start[i];
    }
    r->judged = true;
    double base = base_rate(r), rate = count / secs;
    double allowance = fmax(BAND * base, 3 * sqrt(base * secs) / secs);
    if (rate >= base - allowance) { /* above the baseline is recovered too (a catch-up) */
        if (r->candidate == SIM_TIME_NEVER)
            r->candidate = span_start;
    } else {
        r->candidate = SIM_TIME_NEVER;
    }
}

bool recovery_has_faults(const struct recovery *r) { return r->has_faults; }
bool recovery_known(const struct recovery *r)
{
    return r->has_faults && r->base_time > 0 && r->judged;
}
bool recovery_recovered(const struct recovery *r)
{
    return recovery_known(r) && r->candidate != SIM_TIME_NEVER;
}

double recovery_seconds(const struct recovery *r)
{
    if (!recovery_recovered(r))
        return NAN;
    sim_time t = r->candidate - r->last_end;
    return sim_time_to_s(t < 0 ? 0 : t);
}
