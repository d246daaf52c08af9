#include "min_tree.h"

#include <stdlib.h>

#include "check.h"
#include "xalloc.h"

void min_tree_init(struct min_tree *t, uint32_t n)
{
    SIM_ASSERT(n > 0 && n <= (UINT32_MAX >> 2));
    t->n = n;
    t->leaves = 1;
    while (t->leaves < n)
        t->leaves *= 2;
    t->node = xcalloc(2 * (size_t)t->leaves, sizeof *t->node);
    for (uint32_t i = n; i < t->leaves; i++) /* padding is never the answer */
        t->node[t->leaves + i] = MIN_TREE_NONE;
    for (uint32_t v = t->leaves - 1; v >= 1; v--) {
        uint32_t a = t->node[2 * v], b = t->node[2 * v + 1];
        t->node[v] = a < b ? a : b;
    }
}

void min_tree_free(struct min_tree *t)
{
    free(t->node);
    t->node = NULL;
    t->n = 0;
}

void min_tree_set(struct min_tree *t, uint32_t i, uint32_t key)
{
    SIM_ASSERT(i < t->n);
    uint32_t v = t->leaves + i;
    t->node[v] = key;
    for (v /= 2; v >= 1; v /= 2) {
        uint32_t a = t->node[2 * v], b = t->node[2 * v + 1];
        uint32_t m = a < b ? a : b;
        if (t->node[v] == m)
            break; /* nothing above changes */
        t->node[v] = m;
    }
}

/* The first position >= lo whose key is <= key, or UINT32_MAX: climb from
 * lo's leaf to the first subtree to its right (or its own) holding such a
 * key, then descend to that subtree's leftmost one. */
static uint32_t first_at_most_from(const struct min_tree *t, uint32_t lo, uint32_t key)
{
    if (lo >= t->n)
        return UINT32_MAX;
    uint32_t v = t->leaves + lo;
    for (;;) {
        if (t->node[v] <= key)
            break;
        /* move to the next subtree to the right: up while v is a right child */
        while (v & 1) {
            v /= 2;
            if (v == 0)
                return UINT32_MAX;
        }
        if (v == 0)
            return UINT32_MAX;
        v++; /* the right sibling */
    }
    while (v < t->leaves) /* down to the leftmost leaf at most key */
        v = t->node[2 * v] <= key ? 2 * v : 2 * v + 1;
    uint32_t i = v - t->leaves;
    return i < t->n ? i : UINT32_MAX;
}

uint32_t min_tree_first_least_from(const struct min_tree *t, uint32_t start)
{
    uint32_t least = t->node[1];
    if (least == MIN_TREE_NONE)
        return UINT32_MAX;
    uint32_t i = first_at_most_from(t, start, least);
    return i != UINT32_MAX ? i : first_at_most_from(t, 0, least);
}
