/* event_heap: a 4-ary min-heap of events in (time, sequence) order.
 *
 * Four children per node halve the depth of a binary heap. A popped top
 * stays in place until the next push takes it (one sift down from the root
 * instead of a sift down to remove it and a sift up to insert: the classic
 * replace-top, for a handler that schedules its successor at once) or the
 * next read removes it. Events may be pushed in any sequence order. */
#ifndef STAMPEDE_EVENT_HEAP_H
#define STAMPEDE_EVENT_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventq.h"

struct event_heap {
    struct event *ev;
    uint32_t len, cap; /* len counts a taken top until it is removed */
    bool top_taken;    /* ev[0] was popped and is not yet removed */
};

void event_heap_init(struct event_heap *h);
void event_heap_free(struct event_heap *h);

static inline bool event_earlier(const struct event *a, const struct event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

void event_heap_grow(struct event_heap *h);
void event_heap_remove_top(struct event_heap *h);
void event_heap_replace_top(struct event_heap *h, const struct event *ev);

/* Adds an event: into a taken top's place, or sifted up from the end. */
static inline void event_heap_push(struct event_heap *h, sim_time at, uint64_t seq, uint32_t kind,
                                   uint32_t id, uint64_t arg)
{
    if (h->top_taken) {
        event_heap_replace_top(h, &(struct event){.at = at, .seq = seq, .kind = kind, .id = id,
                                                  .arg = arg});
        return;
    }
    if (h->len == h->cap)
        event_heap_grow(h);
    struct event *e = h->ev;
    uint32_t i = h->len++;
    while (i > 0) { /* sift the hole up, then drop the event in once */
        uint32_t parent = (i - 1) / 4;
        if (at > e[parent].at || (at == e[parent].at && seq > e[parent].seq))
            break;
        e[i] = e[parent];
        i = parent;
    }
    e[i] = (struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg};
}

/* Removes a taken top that no push has replaced. */
static inline void event_heap_settle(struct event_heap *h)
{
    if (h->top_taken) {
        h->top_taken = false;
        event_heap_remove_top(h);
    }
}

/* Events held. */
static inline uint32_t event_heap_count(const struct event_heap *h)
{
    return h->len - h->top_taken;
}

/* The earliest event, or NULL. */
static inline const struct event *event_heap_peek(struct event_heap *h)
{
    event_heap_settle(h);
    return h->len ? &h->ev[0] : NULL;
}

/* Takes the earliest (which event_heap_peek just returned) into *out. */
static inline void event_heap_pop(struct event_heap *h, struct event *out)
{
    *out = h->ev[0];
    h->top_taken = true; /* removed by the next push or read */
}

/* Drops every event for which drop(ev, ctx) is true (rebuilt in O(n));
 * returns how many. */
uint32_t event_heap_drop_if(struct event_heap *h, bool (*drop)(const struct event *, const void *),
                            const void *ctx);

/* Moves every event out into `out` (room for event_heap_count), in
 * (time, sequence) order, leaving the heap empty; returns how many. */
uint32_t event_heap_drain_sorted(struct event_heap *h, struct event *out);

#endif
