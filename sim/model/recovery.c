#include "recovery.h"

#include <math.h>
#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"

static const double BASELINE_S = 30.0; /* the level just before the first fault */
/* Below this many requests expected in a span, a span with none at all is
 * plain arrival noise and says nothing; above it, it means nobody got an
 * answer (a closed loop whose users all wait on a stuck system). */
static const double EMPTY_SPAN_MEANS_STUCK = 30;

void recovery_init(struct recovery *r, sim_time first_start, sim_time last_end, sim_time end,
                   sim_time warm_ns, double tolerance, sim_time hold_ns)
{
    SIM_ASSERT(hold_ns >= RECOVERY_BUCKETS && tolerance > 0 && tolerance < 1);
    *r = (struct recovery){.has_faults = true, .first_start = first_start,
                           .last_end = last_end, .end = end, .tolerance = tolerance,
                           .hold_ns = hold_ns, .bucket_ns = hold_ns / RECOVERY_BUCKETS,
                           .candidate = last_end};
    sim_time from = first_start - sim_time_from_s(BASELINE_S);
    r->base_from = from > warm_ns ? from : warm_ns;
}

struct recovery *recovery_new(const struct scenario *sc)
{
    struct recovery *r = xcalloc(1, sizeof *r);
    sim_time first = SIM_TIME_NEVER, last = 0;
    for (uint32_t f = 0; f < sc->fault_count; f++) {
        const struct fault_cfg *fc = &sc->faults[f];
        for (uint32_t k = 0; k < fc->count; k++) {
            sim_time start = fc->at_ns + (sim_time)k * fc->every_ns;
            if (start >= sc->duration_ns)
                break;
            if (start < first)
                first = start;
            if (fault_end_of(fc, k) > last)
                last = fault_end_of(fc, k);
        }
    }
    if (first == SIM_TIME_NEVER)
        return r; /* no faults: nothing to recover from */
    /* the system starts empty: leave the first window out when there are
     * three or more before the fault */
    sim_time warm = first >= 3 * sc->window_ns ? sc->window_ns : 0;
    recovery_init(r, first, last, sc->duration_ns, warm, sc->recovery.tolerance,
                  sc->recovery.hold_ns);
    return r;
}

void recovery_free(struct recovery *r) { free(r); }

static double base_ratio(const struct recovery *r)
{
    return (double)r->base_ok / (double)r->base_offered;
}

/* Requests expected in a span at the baseline's rate. */
static double span_requests(const struct recovery *r)
{
    return (double)r->base_offered * (double)r->hold_ns / (double)(r->first_start - r->base_from);
}

/* Requests in flight at the baseline (Little: rate x mean latency). */
static double base_in_flight(const struct recovery *r)
{
    return r->base_latency_ns / (double)(r->first_start - r->base_from);
}

/* The span now in the ring (its buckets `first` ..) fell short of the
 * baseline, beyond what chance explains (the binomial noise of its count,
 * and the requests in flight across its two ends: a span's last request is
 * answered after it): the system cannot be back before the span after it
 * starts. */
static void judge_span(struct recovery *r, int64_t first)
{
    bool good;
    if (r->span_offered == 0 && r->span_ok == 0) {
        good = span_requests(r) < EMPTY_SPAN_MEANS_STUCK;
    } else {
        double n = (double)r->span_offered, p = fmin(base_ratio(r), 1);
        double chance = 3 * sqrt(n * p * (1 - p)) + 1 + base_in_flight(r);
        good = (double)r->span_ok >= p * (1 - r->tolerance) * n - chance;
    }
    if (!good)
        r->candidate = r->last_end + (first + 1) * r->bucket_ns;
}

/* Closes the bucket now filling: judges the span it ends, and makes room
 * for the next bucket by dropping the span's oldest. */
static void close_bucket(struct recovery *r)
{
    if (r->bucket >= RECOVERY_BUCKETS - 1)
        judge_span(r, r->bucket - (RECOVERY_BUCKETS - 1));
    r->bucket++;
    uint32_t slot = (uint32_t)(r->bucket % RECOVERY_BUCKETS);
    r->span_offered -= r->offered[slot];
    r->span_ok -= r->ok[slot];
    r->offered[slot] = r->ok[slot] = 0;
}

/* Brings the ring to the bucket holding `now`. A long silence is closed in
 * two steps: the buckets that still hold counts one by one, then every
 * span left (all empty, all judged alike) at once. */
static void advance(struct recovery *r, sim_time now)
{
    int64_t target = (now - r->last_end) / r->bucket_ns;
    if (target - r->bucket > 2 * RECOVERY_BUCKETS) {
        for (int i = 0; i < RECOVERY_BUCKETS; i++)
            close_bucket(r);
        SIM_ASSERT(r->span_offered == 0 && r->span_ok == 0);
        r->bucket = target - 1;
        judge_span(r, r->bucket - (RECOVERY_BUCKETS - 1)); /* the last of the empty spans */
        r->bucket = target;
        return;
    }
    while (r->bucket < target)
        close_bucket(r);
}

/* Whether `now` counts after the last fault (for the spans) or in the
 * baseline; neither during the faults. */
static bool in_spans(struct recovery *r, sim_time now)
{
    if (!r->has_faults || r->finished || now < r->last_end || now >= r->end)
        return false;
    advance(r, now);
    return true;
}

static bool in_baseline(const struct recovery *r, sim_time now)
{
    return r->has_faults && now >= r->base_from && now < r->first_start;
}

void recovery_on_offer(struct recovery *r, sim_time now)
{
    if (in_baseline(r, now)) {
        r->base_offered++;
    } else if (in_spans(r, now)) {
        r->offered[r->bucket % RECOVERY_BUCKETS]++;
        r->span_offered++;
    }
}

void recovery_on_answer(struct recovery *r, sim_time now, sim_time latency)
{
    if (in_baseline(r, now)) {
        r->base_ok++;
        r->base_latency_ns += (double)latency;
    } else if (in_spans(r, now)) {
        r->ok[r->bucket % RECOVERY_BUCKETS]++;
        r->span_ok++;
    }
}

/* Why there is nothing to compare with, or NULL. */
static const char *no_baseline(const struct recovery *r)
{
    if (r->first_start <= r->base_from || r->base_offered == 0)
        return "no traffic before the first fault to compare with";
    if (r->base_ok == 0)
        return "nothing was answered before the first fault";
    return NULL;
}

/* Whether a span's ratio at the baseline's traffic resolves the tolerance:
 * three times its noise (binomial, and one request plus those in flight
 * across its ends) must fit inside it. Below that a shortfall can still be
 * proven, but a recovery cannot be confirmed. */
static bool resolves_tolerance(const struct recovery *r)
{
    double n = span_requests(r), p = fmin(base_ratio(r), 1);
    double noise = sqrt(p * (1 - p) / n) + (1 + base_in_flight(r)) / n;
    return 3 * noise <= r->tolerance * p;
}

static sim_time judged_to(const struct recovery *r)
{
    return r->last_end + (r->end - r->last_end) / r->bucket_ns * r->bucket_ns;
}

void recovery_finish(struct recovery *r)
{
    if (!r->has_faults || r->finished)
        return;
    r->finished = true;
    r->unknown = no_baseline(r);
    if (!r->unknown && r->end - r->last_end < r->hold_ns)
        r->unknown = "the run ends less than recovery.hold_s after the last fault";
    if (r->unknown)
        return;
    advance(r, judged_to(r)); /* the buckets wholly inside the run */
    bool back = r->candidate + r->hold_ns <= judged_to(r);
    if (back && !resolves_tolerance(r))
        r->unknown = "the answered ratio looks back, but too few requests per span to confirm "
                     "it within the tolerance (raise recovery.hold_s or recovery.tolerance)";
}

bool recovery_has_faults(const struct recovery *r) { return r->has_faults; }

bool recovery_known(const struct recovery *r)
{
    return r->has_faults && r->finished && !r->unknown;
}

/* Back if a whole span from the candidate instant lies within the run:
 * every span from then on was judged and none fell short. */
bool recovery_recovered(const struct recovery *r)
{
    return recovery_known(r) && r->candidate + r->hold_ns <= judged_to(r);
}

double recovery_seconds(const struct recovery *r)
{
    return recovery_recovered(r) ? sim_time_to_s(r->candidate - r->last_end) : NAN;
}

const char *recovery_unknown_reason(const struct recovery *r)
{
    return r->has_faults ? r->unknown : NULL;
}
