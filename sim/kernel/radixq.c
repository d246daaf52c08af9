#include "radixq.h"

#include <stdlib.h>
#include <string.h>

#include "../base/check.h"
#include "../base/xalloc.h"

void radixq_init(struct radixq *r) { *r = (struct radixq){0}; }

void radixq_free(struct radixq *r)
{
    for (uint32_t i = 0; i < RADIXQ_BUCKETS; i++)
        free(r->b[i].ev);
    *r = (struct radixq){0};
}

/* A bucket's room doubles (cold: a bucket grows to its largest load once). */
__attribute__((noinline, cold)) void radixq_grow(struct radixq_bucket *bk)
{
    bk->cap = bk->cap ? 2 * bk->cap : 16;
    bk->ev = xreallocarray(bk->ev, bk->cap, sizeof bk->ev[0]);
}

void radixq_find_min(struct radixq *r)
{
    SIM_ASSERT(r->count > 0 && r->nonempty);
    uint32_t i = (uint32_t)__builtin_ctzll(r->nonempty);
    const struct radixq_bucket *bk = &r->b[i];
    uint32_t best = bk->head;
    if (i > 0) /* in bucket 0 every event has the last time: the first is earliest */
        for (uint32_t p = best + 1; p < bk->len; p++)
            if (bk->ev[p].at < bk->ev[best].at) /* strictly: the first of a time wins */
                best = p;
    r->min_bucket = (uint8_t)i;
    r->min_pos = best;
    r->min_at = bk->ev[best].at;
    r->min_known = true;
}

void radixq_pop(struct radixq *r, struct event *out)
{
    if (!r->min_known)
        radixq_find_min(r);
    r->count--;
    uint32_t i = r->min_bucket;
    struct radixq_bucket *bk = &r->b[i];
    if (i == 0) { /* the last time again: bucket 0 in push order */
        *out = bk->ev[bk->head++];
        if (bk->head < bk->len) {
            r->min_pos = bk->head;
            return;
        }
        bk->head = bk->len = 0;
        r->nonempty &= ~(uint64_t)1;
        r->min_known = false;
        return;
    }
    /* The earliest time becomes the last one taken. Its bucket was the
     * lowest holding anything, so the rest of it files lower relative to
     * that time, in its order, into buckets that were empty (those of the
     * same time into bucket 0, behind the one taken, which was the first). */
    uint32_t m = r->min_pos;
    *out = bk->ev[m];
    r->last = r->min_at;
    r->min_known = false;
    r->nonempty &= ~((uint64_t)1 << i);
    SIM_ASSERT(bk->head == 0); /* only bucket 0 is taken from its front */
    if (bk->len == 1) { /* alone in its bucket: nothing to file lower */
        bk->len = 0;
        return;
    }
    for (uint32_t p = 0; p < bk->len; p++) {
        if (p == m)
            continue;
        uint32_t j = radixq_bucket_of(r->last, bk->ev[p].at);
        SIM_ASSERT(j < i);
        struct radixq_bucket *to = &r->b[j];
        if (to->len == to->cap)
            radixq_grow(to);
        to->ev[to->len++] = bk->ev[p];
        r->nonempty |= (uint64_t)1 << j;
    }
    bk->head = bk->len = 0;
}

void radixq_drop_min(struct radixq *r)
{
    if (!r->min_known)
        radixq_find_min(r);
    r->count--;
    r->min_known = false;
    uint32_t i = r->min_bucket;
    struct radixq_bucket *bk = &r->b[i];
    if (i == 0) { /* the last time itself: the front of bucket 0 */
        if (++bk->head == bk->len) {
            bk->head = bk->len = 0;
            r->nonempty &= ~(uint64_t)1;
        }
        return;
    }
    /* Out of its bucket, the rest in order, everything where it was: the
     * last time stays, so later pushes before the dropped time are still
     * filed right. (The shift costs what finding the earliest just did.) */
    uint32_t m = r->min_pos;
    memmove(&bk->ev[m], &bk->ev[m + 1], (bk->len - m - 1) * sizeof bk->ev[0]);
    if (--bk->len == 0)
        r->nonempty &= ~((uint64_t)1 << i);
}

uint32_t radixq_drop_if(struct radixq *r, bool (*drop)(const struct event *, const void *),
                        const void *ctx)
{
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < RADIXQ_BUCKETS; i++) {
        struct radixq_bucket *bk = &r->b[i];
        uint32_t kept = 0;
        for (uint32_t p = bk->head; p < bk->len; p++)
            if (!drop(&bk->ev[p], ctx))
                bk->ev[kept++] = bk->ev[p];
        dropped += bk->len - bk->head - kept;
        bk->head = 0;
        bk->len = kept;
        if (!kept)
            r->nonempty &= ~((uint64_t)1 << i);
    }
    r->count -= dropped;
    r->min_known = false;
    return dropped;
}
