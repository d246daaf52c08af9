#include "histogram.h"

#include <string.h>

static const sim_time HIST_TOP = (sim_time)1 << (HIST_UNIT_BITS + HIST_SUB_BITS + HIST_BUCKETS - 1);

static uint32_t index_of(sim_time v)
{
    if (v < 0)
        v = 0;
    if (v >= HIST_TOP)
        v = HIST_TOP - 1;
    uint64_t u = (uint64_t)v;
    uint64_t mask = ((uint64_t)(1 << HIST_SUB_BITS) - 1) << HIST_UNIT_BITS;
    int msb = 63 - __builtin_clzll(u | mask);
    int bucket = msb - HIST_UNIT_BITS - (HIST_SUB_BITS - 1);
    uint32_t sub = (uint32_t)(u >> (bucket + HIST_UNIT_BITS));
    return (uint32_t)((bucket + 1) << (HIST_SUB_BITS - 1)) + (sub - HIST_HALF);
}

/* Lowest value of the bucket at `index` and its width, in ns. */
static void bucket_range(uint32_t index, sim_time *lowest, sim_time *width)
{
    int bucket = (int)(index >> (HIST_SUB_BITS - 1)) - 1;
    uint32_t sub = (index & (HIST_HALF - 1)) + HIST_HALF;
    if (bucket < 0) {
        bucket = 0;
        sub -= HIST_HALF;
    }
    *lowest = (sim_time)sub << (bucket + HIST_UNIT_BITS);
    *width = (sim_time)1 << (bucket + HIST_UNIT_BITS);
}

void histogram_init(struct histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min_ns = SIM_TIME_NEVER;
    h->lo_index = UINT32_MAX;
}

void histogram_reset(struct histogram *h)
{
    if (h->count) /* only the touched range needs clearing */
        memset(&h->counts[h->lo_index], 0,
               (h->hi_index - h->lo_index + 1) * sizeof h->counts[0]);
    h->count = 0;
    h->sum_ns = 0;
    h->min_ns = SIM_TIME_NEVER;
    h->max_ns = 0;
    h->lo_index = UINT32_MAX;
    h->hi_index = 0;
}

void histogram_record(struct histogram *h, sim_time value_ns)
{
    uint32_t i = index_of(value_ns);
    h->counts[i]++;
    if (i < h->lo_index)
        h->lo_index = i;
    if (i > h->hi_index)
        h->hi_index = i;
    h->count++;
    h->sum_ns += (double)value_ns;
    if (value_ns < h->min_ns)
        h->min_ns = value_ns;
    if (value_ns > h->max_ns)
        h->max_ns = value_ns;
}

void histogram_merge(struct histogram *into, const struct histogram *from)
{
    if (!from->count)
        return;
    for (uint32_t i = from->lo_index; i <= from->hi_index; i++)
        into->counts[i] += from->counts[i];
    if (from->lo_index < into->lo_index)
        into->lo_index = from->lo_index;
    if (from->hi_index > into->hi_index)
        into->hi_index = from->hi_index;
    into->count += from->count;
    into->sum_ns += from->sum_ns;
    if (from->min_ns < into->min_ns)
        into->min_ns = from->min_ns;
    if (from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
}

/* The rank (1-based) of the value at percentile p in (0, 100) of count
 * values: ceil(p/100 * count), at least 1. */
static uint64_t rank_of(double p, uint64_t count)
{
    double want = p / 100 * (double)count;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want || rank == 0)
        rank++;
    return rank;
}

/* The value reported for bucket i: its midpoint, clamped to [min, max]. */
static sim_time reported(const struct histogram *h, uint32_t i)
{
    sim_time lowest, width;
    bucket_range(i, &lowest, &width);
    sim_time mid = lowest + width / 2;
    if (mid < h->min_ns)
        return h->min_ns;
    return mid > h->max_ns ? h->max_ns : mid;
}

sim_time histogram_percentile(const struct histogram *h, double p)
{
    if (!h->count)
        return 0;
    if (p >= 100)
        return h->max_ns;
    if (p <= 0)
        return h->min_ns;
    uint64_t rank = rank_of(p, h->count), seen = 0;
    for (uint32_t i = h->lo_index; i <= h->hi_index; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            return reported(h, i);
    }
    return h->max_ns;
}

void ranked_histogram_init(struct ranked_histogram *r)
{
    histogram_init(&r->h);
    memset(r->tree, 0, sizeof r->tree);
}

void ranked_histogram_record(struct ranked_histogram *r, sim_time value_ns)
{
    histogram_record(&r->h, value_ns);
    for (uint32_t x = index_of(value_ns) + 1; x <= HIST_COUNTS; x += x & -x)
        r->tree[x]++;
}

sim_time ranked_histogram_percentile(const struct ranked_histogram *r, double p)
{
    const struct histogram *h = &r->h;
    if (!h->count || p >= 100 || p <= 0)
        return histogram_percentile(h, p);
    /* the first bucket whose running total reaches rank: descend the tree
     * over the longest prefix whose total stays below it */
    uint64_t below = rank_of(p, h->count) - 1;
    uint32_t pos = 0, step = 1;
    while (step * 2 <= HIST_COUNTS)
        step *= 2;
    for (; step; step /= 2)
        if (pos + step <= HIST_COUNTS && r->tree[pos + step] <= below) {
            pos += step;
            below -= r->tree[pos];
        }
    return pos < HIST_COUNTS ? reported(h, pos) : h->max_ns;
}

double histogram_mean_ns(const struct histogram *h)
{
    return h->count ? h->sum_ns / (double)h->count : 0;
}
