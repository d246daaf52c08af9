#include "name_index.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const *sorting; /* qsort has no context argument */

static int by_name_then_position(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = strcmp(sorting[x], sorting[y]);
    return c ? c : (x > y) - (x < y);
}

void name_index_build(struct name_index *ix, const char *const *names, uint32_t n)
{
    ix->names = (const char **)names;
    ix->order = xcalloc(n ? n : 1, sizeof *ix->order);
    ix->count = 0;
    for (uint32_t i = 0; i < n; i++)
        if (names[i])
            ix->order[ix->count++] = i;
    sorting = names;
    qsort(ix->order, ix->count, sizeof *ix->order, by_name_then_position);
    sorting = NULL;
}

uint32_t name_index_find(const struct name_index *ix, const char *name)
{
    uint32_t lo = 0, hi = ix->count; /* the first entry not below name */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->names[ix->order[mid]], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->count && strcmp(ix->names[ix->order[lo]], name) == 0 ? ix->order[lo]
                                                                          : NAME_NOT_FOUND;
}

struct pair {
    uint32_t later, first;
};

static int by_later(const void *a, const void *b)
{
    uint32_t x = ((const struct pair *)a)->later, y = ((const struct pair *)b)->later;
    return (x > y) - (x < y);
}

void name_index_duplicates(const struct name_index *ix, void *ctx,
                           void (*dup)(void *ctx, uint32_t later, uint32_t first))
{
    struct pair *pairs = xcalloc(ix->count ? ix->count : 1, sizeof *pairs);
    uint32_t n = 0;
    for (uint32_t i = 1, first = 0; i < ix->count; i++) {
        if (strcmp(ix->names[ix->order[i]], ix->names[ix->order[first]]) != 0)
            first = i;
        else
            pairs[n++] = (struct pair){ix->order[i], ix->order[first]};
    }
    qsort(pairs, n, sizeof *pairs, by_later);
    for (uint32_t i = 0; i < n; i++)
        dup(ctx, pairs[i].later, pairs[i].first);
    free(pairs);
}

void name_index_release(struct name_index *ix)
{
    free(ix->order);
    ix->order = NULL;
    ix->count = 0;
}
