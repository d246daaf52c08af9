/* fenwick: counts over positions 0..n-1 (a Fenwick, or binary indexed,
 * tree), for "which is the k-th position still counted" in O(log n).
 *
 * The balancers use one per service of many instances: the instances in
 * rotation each count 1, and a random pick among the m in rotation is the
 * k-th of them in index order, k uniform in [0, m): the same instance a
 * scan in index order finds, without the scan. */
#ifndef STAMPEDE_FENWICK_H
#define STAMPEDE_FENWICK_H

#include <stdint.h>

struct fenwick {
    uint32_t n, top; /* top: the highest power of two <= n */
    uint32_t *tree;  /* 1-based: tree[i] sums the (i & -i) positions ending at i - 1 */
};

/* Every position counts 1. */
void fenwick_init_ones(struct fenwick *f, uint32_t n);
void fenwick_free(struct fenwick *f);

/* Adds delta (+1 or -1) to position i's count, which stays >= 0. */
void fenwick_add(struct fenwick *f, uint32_t i, int32_t delta);

/* The position where the counts' running total first exceeds k: with
 * counts of 0 and 1, the k-th (from 0) position counted. k must be below
 * the total. */
uint32_t fenwick_select(const struct fenwick *f, uint32_t k);

/* The sum of the counts of positions [0, i). */
uint32_t fenwick_prefix(const struct fenwick *f, uint32_t i);

#endif
