/* min_tree: keys over positions 0..n-1 with "the first position holding
 * the least key, in cyclic order from a start" in O(log n) (a segment tree
 * of minima).
 *
 * The least-outstanding balancer over many instances keeps one per view:
 * key = requests outstanding at the instance, MIN_TREE_NONE for an instance
 * out of rotation, and its pick is the first least-loaded instance after
 * the previous pick, exactly as its scan in that order finds it. */
#ifndef STAMPEDE_MIN_TREE_H
#define STAMPEDE_MIN_TREE_H

#include <stdint.h>

#define MIN_TREE_NONE UINT32_MAX /* a position that is never the answer */

struct min_tree {
    uint32_t n, leaves; /* leaves: a power of two >= n */
    uint32_t *node;     /* 1-based heap order: node[leaves + i] is position i's key */
};

/* Every key starts at 0. */
void min_tree_init(struct min_tree *t, uint32_t n);
void min_tree_free(struct min_tree *t);

void min_tree_set(struct min_tree *t, uint32_t i, uint32_t key);

static inline uint32_t min_tree_key(const struct min_tree *t, uint32_t i)
{
    return t->node[t->leaves + i];
}

/* The first position in start, start + 1, ..., n - 1, 0, ..., start - 1
 * whose key is the least of all; UINT32_MAX when every key is
 * MIN_TREE_NONE. */
uint32_t min_tree_first_least_from(const struct min_tree *t, uint32_t start);

#endif
