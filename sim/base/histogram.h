/* histogram: a fixed-size log-linear latency histogram (HdrHistogram-style).
 *
 * Values are durations in nanoseconds. Below 256 ns every nanosecond has its
 * own bucket (exact); above, each power-of-two range is split into 128
 * linear sub-buckets, so any reported percentile is within 0.4% (half of
 * 1/128 of the range's start) of a value actually recorded in its bucket,
 * at every scale from 256 ns to 2^48 ns (~78 h); larger values share the top
 * bucket. Memory is a constant ~41 KiB however many values are recorded.
 * Count, sum, min and max are exact. Value type: an embedded struct with no
 * heap memory, copied and reset freely. */
#ifndef STAMPEDE_HISTOGRAM_H
#define STAMPEDE_HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_time.h"

#define HIST_UNIT_BITS 0       /* 1 ns: the smallest distinguished step */
#define HIST_SUB_BITS 8        /* 256 sub-buckets in bucket 0, 128 after */
#define HIST_BUCKETS 40        /* covers [0, 2^48) ns */
#define HIST_HALF (1 << (HIST_SUB_BITS - 1))
#define HIST_COUNTS ((HIST_BUCKETS + 1) * HIST_HALF)

struct histogram {
    uint64_t count;
    double sum_ns;     /* exact below 2^53 ns in all, deterministic after */
    sim_time min_ns;
    sim_time max_ns;
    uint32_t lo_index; /* the range of counts[] touched since the reset */
    uint32_t hi_index;
    uint64_t counts[HIST_COUNTS];
};

/* Makes `h` empty from any contents (uninitialised memory included). */
void histogram_init(struct histogram *h);
/* Empties an initialised histogram, clearing only the buckets it used. */
void histogram_reset(struct histogram *h);
void histogram_record(struct histogram *h, sim_time value_ns);
/* Adds every value recorded in `from` to `into`. */
void histogram_merge(struct histogram *into, const struct histogram *from);
/* The value at percentile p in [0, 100]: the midpoint of the bucket holding
 * the ceil(p/100 * count)-th smallest value, clamped to [min, max]; p = 100
 * gives max and p = 0 min exactly. 0 when empty. */
sim_time histogram_percentile(const struct histogram *h, double p);
double histogram_mean_ns(const struct histogram *h);

/* A histogram that answers percentiles in O(log buckets) instead of a scan
 * of its buckets: beside the counts, a Fenwick tree of them finds the bucket
 * holding a rank. For a percentile asked once per request (hedging on the
 * caller's observed p95), where the scan cost about 0.8 us each. Answers are
 * exactly histogram_percentile's. ~83 KiB. */
struct ranked_histogram {
    struct histogram h;
    uint64_t tree[HIST_COUNTS + 1]; /* 1-based Fenwick over h.counts */
};
void ranked_histogram_init(struct ranked_histogram *r);
void ranked_histogram_record(struct ranked_histogram *r, sim_time value_ns);
sim_time ranked_histogram_percentile(const struct ranked_histogram *r, double p);
static inline bool histogram_is_empty(const struct histogram *h) { return h->count == 0; }

#endif
