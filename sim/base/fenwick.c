#include "fenwick.h"

#include <stdlib.h>

#include "check.h"
#include "xalloc.h"

void fenwick_init_ones(struct fenwick *f, uint32_t n)
{
    f->n = n;
    f->tree = xcalloc((size_t)n + 1, sizeof *f->tree);
    for (uint32_t i = 1; i <= n; i++)
        f->tree[i] = i & -i; /* each node covers (i & -i) positions, each counting 1 */
    f->top = 1;
    while (f->top <= n / 2)
        f->top *= 2;
}

void fenwick_free(struct fenwick *f)
{
    free(f->tree);
    f->tree = NULL;
    f->n = 0;
}

void fenwick_add(struct fenwick *f, uint32_t i, int32_t delta)
{
    SIM_ASSERT(i < f->n);
    for (uint32_t x = i + 1; x <= f->n; x += x & -x)
        f->tree[x] += (uint32_t)delta; /* wraps back for -1: counts stay unsigned */
}

uint32_t fenwick_prefix(const struct fenwick *f, uint32_t i)
{
    SIM_ASSERT(i <= f->n);
    uint32_t sum = 0;
    for (uint32_t x = i; x > 0; x -= x & -x)
        sum += f->tree[x];
    return sum;
}

uint32_t fenwick_select(const struct fenwick *f, uint32_t k)
{
    uint32_t pos = 0; /* the longest prefix whose total is <= k */
    for (uint32_t step = f->n ? f->top : 0; step; step /= 2)
        if (pos + step <= f->n && f->tree[pos + step] <= k) {
            pos += step;
            k -= f->tree[pos];
        }
    SIM_ASSERT(pos < f->n); /* k was below the total */
    return pos;
}
