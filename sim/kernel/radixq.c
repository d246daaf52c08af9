#include "radixq.h"

#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"

void radixq_init(struct radixq *r)
{
    *r = (struct radixq){0};
    for (uint32_t i = 0; i < RADIXQ_BUCKETS; i++)
        r->b[i].tail = RADIXQ_CHUNK; /* no chunk yet */
}

static void free_list(struct radixq_chunk *c)
{
    while (c) {
        struct radixq_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void radixq_free(struct radixq *r)
{
    for (uint32_t i = 0; i < RADIXQ_BUCKETS; i++)
        free_list(r->b[i].first);
    free_list(r->free_chunks);
    radixq_init(r);
}

void radixq_add_chunk(struct radixq *r, struct radixq_bucket *bk)
{
    struct radixq_chunk *c = r->free_chunks;
    if (c)
        r->free_chunks = c->next;
    else
        c = xmalloc(sizeof *c);
    c->next = NULL;
    if (bk->last)
        bk->last->next = c;
    else
        bk->first = c, bk->head = 0;
    bk->last = c;
    bk->tail = 0;
}

/* The bucket's chunks go to the free list; it is empty. */
static void release(struct radixq *r, uint32_t i)
{
    struct radixq_bucket *bk = &r->b[i];
    bk->last->next = r->free_chunks;
    r->free_chunks = bk->first;
    *bk = (struct radixq_bucket){.tail = RADIXQ_CHUNK};
    r->nonempty &= ~((uint64_t)1 << i);
}

/* Events of a chunk of the bucket: from `from` to the chunk's end or the
 * bucket's tail. */
static inline uint32_t end_of(const struct radixq_bucket *bk, const struct radixq_chunk *c)
{
    return c == bk->last ? bk->tail : RADIXQ_CHUNK;
}

void radixq_find_min(struct radixq *r)
{
    SIM_ASSERT(r->count > 0 && r->nonempty);
    uint32_t i = (uint32_t)__builtin_ctzll(r->nonempty);
    const struct radixq_bucket *bk = &r->b[i];
    struct radixq_pos best = {bk->first, bk->head};
    sim_time best_at = best.chunk->ev[best.i].at;
    if (i > 0) /* in bucket 0 every event has the last time: the first is earliest */
        for (struct radixq_chunk *c = bk->first; c; c = c->next)
            for (uint32_t p = c == bk->first ? bk->head : 0, end = end_of(bk, c); p < end; p++)
                if (c->ev[p].at < best_at) { /* strictly: the first of a time wins */
                    best = (struct radixq_pos){c, p};
                    best_at = c->ev[p].at;
                }
    r->min_bucket = (uint8_t)i;
    r->min_pos = best;
    r->min_at = best_at;
    r->min_known = true;
}

/* Takes bucket 0's first event (of the last time), into *out if not NULL. */
static void take_front(struct radixq *r, struct event *out)
{
    struct radixq_bucket *bk = &r->b[0];
    if (out)
        *out = bk->first->ev[bk->head];
    bk->head++;
    if (bk->first == bk->last && bk->head == bk->tail) {
        release(r, 0);
        r->min_known = false;
        return;
    }
    if (bk->head == RADIXQ_CHUNK) { /* on to the next chunk; the spent one is free */
        struct radixq_chunk *spent = bk->first;
        bk->first = spent->next;
        bk->head = 0;
        spent->next = r->free_chunks;
        r->free_chunks = spent;
    }
    r->min_pos = (struct radixq_pos){bk->first, bk->head}; /* the next of the same time */
}

void radixq_pop(struct radixq *r, struct event *out)
{
    if (!r->min_known)
        radixq_find_min(r);
    r->count--;
    uint32_t i = r->min_bucket;
    if (i == 0) {
        take_front(r, out);
        return;
    }
    /* The earliest time becomes the last one taken. Its bucket was the
     * lowest holding anything, so the rest of it files lower relative to
     * that time, in its order, into buckets that were empty (those of the
     * same time into bucket 0, behind the one taken, which was the first). */
    struct radixq_bucket *bk = &r->b[i];
    struct radixq_pos m = r->min_pos;
    *out = m.chunk->ev[m.i];
    r->last = r->min_at;
    r->min_known = false;
    SIM_ASSERT(bk->head == 0); /* only bucket 0 is taken from its front */
    for (struct radixq_chunk *c = bk->first; c; c = c->next)
        for (uint32_t p = 0, end = end_of(bk, c); p < end; p++) {
            if (c == m.chunk && p == m.i)
                continue;
            uint32_t j = radixq_bucket_of(r->last, c->ev[p].at);
            SIM_ASSERT(j < i);
            radixq_append(r, j, &c->ev[p]);
        }
    release(r, i);
}

void radixq_drop_min(struct radixq *r)
{
    if (!r->min_known)
        radixq_find_min(r);
    r->count--;
    uint32_t i = r->min_bucket;
    if (i == 0) { /* the last time itself: the front of bucket 0 */
        take_front(r, NULL);
        return;
    }
    /* Out of its bucket, the rest in order, everything where it was: the
     * last time stays, so later pushes before the dropped time are still
     * filed right. (The shift costs what finding the earliest just did.) */
    r->min_known = false;
    struct radixq_bucket *bk = &r->b[i];
    struct radixq_pos to = r->min_pos, from = to;
    for (;;) { /* each later event one place back */
        if (++from.i == RADIXQ_CHUNK)
            from = (struct radixq_pos){from.chunk->next, 0};
        if (!from.chunk || (from.chunk == bk->last && from.i >= bk->tail))
            break;
        to.chunk->ev[to.i] = from.chunk->ev[from.i];
        to = from;
    }
    if (bk->first == bk->last && bk->tail == 1) {
        release(r, i);
        return;
    }
    if (--bk->tail == 0) { /* the last chunk is empty: the one before becomes last */
        struct radixq_chunk *prev = bk->first;
        while (prev->next != bk->last)
            prev = prev->next;
        bk->last->next = r->free_chunks;
        r->free_chunks = bk->last;
        prev->next = NULL;
        bk->last = prev;
        bk->tail = RADIXQ_CHUNK;
    }
}

uint32_t radixq_drop_if(struct radixq *r, bool (*drop)(const struct event *, const void *),
                        const void *ctx)
{
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < RADIXQ_BUCKETS; i++) {
        struct radixq_bucket *bk = &r->b[i];
        if (!bk->first)
            continue;
        /* the kept events from the front of the first chunk, in order */
        struct radixq_pos w = {bk->first, 0};
        uint32_t kept = 0;
        for (struct radixq_chunk *c = bk->first; c; c = c->next)
            for (uint32_t p = c == bk->first ? bk->head : 0, end = end_of(bk, c); p < end; p++) {
                if (drop(&c->ev[p], ctx)) {
                    dropped++;
                    continue;
                }
                if (w.i == RADIXQ_CHUNK)
                    w = (struct radixq_pos){w.chunk->next, 0};
                w.chunk->ev[w.i++] = c->ev[p];
                kept++;
            }
        if (!kept) {
            release(r, i);
            continue;
        }
        struct radixq_chunk *spare = w.chunk->next; /* after the last kept: free */
        if (spare) {
            bk->last->next = r->free_chunks;
            r->free_chunks = spare;
        }
        w.chunk->next = NULL;
        bk->last = w.chunk;
        bk->tail = w.i;
        bk->head = 0;
    }
    r->count -= dropped;
    r->min_known = false;
    return dropped;
}
