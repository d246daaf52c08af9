/* radixq: the event queue's store of ordinary pending events, a radix heap
 * (Ahuja, Mehlhorn, Orlin and Tarjan 1990) in (time, push order).
 *
 * A simulation never schedules before the last event it took, and a radix
 * heap lives on that: keys only grow, so an event is filed by the highest
 * bit in which its time differs from the last time taken (bucket 0: the
 * same time; bucket b: bit b - 1), every event of a lower bucket is earlier
 * than every event of a higher one, and the earliest is found in the lowest
 * bucket that holds any. Taking it redistributes that one bucket relative to
 * the new last time, so each event moves down a few buckets in its life,
 * each move an append: no sift through a tree of random cache lines, as a
 * binary or 4-ary heap does at every push and pop (with 100,000 completions
 * pending, nine levels of one).
 *
 * Within a bucket events stay in the order they were pushed (a bucket is
 * redistributed only when every lower one is empty, so what lands there
 * lands in order, ahead of later pushes). Events of one time therefore come
 * out in push order: pushes must come in increasing sequence number, which
 * is then also the (time, sequence) order of the queue around it. */
#ifndef STAMPEDE_RADIXQ_H
#define STAMPEDE_RADIXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventq.h"

#define RADIXQ_BUCKETS 64 /* times are below 2^63: bit 62 is the highest that differs */
#define RADIXQ_CHUNK 255  /* events per chunk: a chunk is 8 KiB */

/* A bucket is a list of chunks, so the queue holds about as many chunks as
 * its events fill (and one part-filled chunk a bucket): with arrays, each
 * bucket would keep the room of the most it ever held, ten times the events
 * pending with 100,000 closed-loop users. Emptied chunks go to a free list
 * and come back first, still in cache. */
struct radixq_chunk {
    struct radixq_chunk *next;
    uint64_t pad;
    struct event ev[RADIXQ_CHUNK];
};

struct radixq_bucket {
    struct radixq_chunk *first, *last;
    uint32_t head; /* where the events start in the first chunk (moves in bucket 0 only) */
    uint32_t tail; /* events in the last chunk (RADIXQ_CHUNK when there is none: an
                      empty bucket looks full, so an append tests one thing) */
};

/* Where an event is: its chunk and its place there. */
struct radixq_pos {
    struct radixq_chunk *chunk;
    uint32_t i;
};

struct radixq {
    sim_time last;     /* every event's time is at least this: the last time taken */
    uint64_t nonempty; /* bit b: bucket b holds events */
    uint32_t count;
    /* The earliest event, once found, until it is taken (a push that is
     * earlier replaces it): the queue around is asked for it at every pop,
     * and it must not be found again by a scan each time. */
    bool min_known;
    uint8_t min_bucket;
    struct radixq_pos min_pos;
    sim_time min_at;
    struct radixq_chunk *free_chunks;
    struct radixq_bucket b[RADIXQ_BUCKETS];
};

void radixq_init(struct radixq *r);
void radixq_free(struct radixq *r);

/* A fresh last chunk for a bucket whose last is full (or which has none). */
void radixq_add_chunk(struct radixq *r, struct radixq_bucket *bk);

static inline uint32_t radixq_bucket_of(sim_time last, sim_time at)
{
    uint64_t x = (uint64_t)(at ^ last);
    return x ? 64 - (uint32_t)__builtin_clzll(x) : 0;
}

/* Appends to bucket i; returns where the event went. */
static inline struct radixq_pos radixq_append(struct radixq *r, uint32_t i, const struct event *ev)
{
    struct radixq_bucket *bk = &r->b[i];
    if (bk->tail == RADIXQ_CHUNK)
        radixq_add_chunk(r, bk);
    struct radixq_pos at = {bk->last, bk->tail++};
    at.chunk->ev[at.i] = *ev;
    r->nonempty |= (uint64_t)1 << i;
    return at;
}

/* Adds an event: its time at least r->last, its sequence number above every
 * one pushed before. */
static inline void radixq_push(struct radixq *r, sim_time at, uint64_t seq, uint32_t kind,
                               uint32_t id, uint64_t arg)
{
    uint32_t i = radixq_bucket_of(r->last, at);
    struct radixq_pos pos = radixq_append(
        r, i, &(struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg});
    r->count++;
    if (r->min_known && at < r->min_at) { /* earlier than the earliest: the new earliest */
        r->min_bucket = (uint8_t)i;
        r->min_pos = pos;
        r->min_at = at;
    }
}

void radixq_find_min(struct radixq *r);

/* The earliest event (the first pushed of the earliest time), or NULL. */
static inline const struct event *radixq_peek(struct radixq *r)
{
    if (!r->count)
        return NULL;
    if (!r->min_known)
        radixq_find_min(r);
    return &r->min_pos.chunk->ev[r->min_pos.i];
}

/* Removes the earliest event into *out, whose time becomes the last one
 * taken; the queue must not be empty. */
void radixq_pop(struct radixq *r, struct event *out);
/* Removes the earliest event without taking its time as the last one: for
 * a cancelled timer's ref dropped while an earlier event may still be
 * elsewhere (a timer list, the FIFO for now), which can schedule events
 * before the dropped ref's time. */
void radixq_drop_min(struct radixq *r);

/* Drops every event for which drop(ev, ctx) is true, keeping the order of
 * the rest; returns how many were dropped. */
uint32_t radixq_drop_if(struct radixq *r, bool (*drop)(const struct event *, const void *),
                        const void *ctx);

#endif
