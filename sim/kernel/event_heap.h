/* event_heap: a 4-ary min-heap of events in (time, sequence) order, for
 * the few events pushed out of sequence order (a repeated fault's next
 * occurrence, numbered when the run began), which the radix queue cannot
 * take. Four children per node halve the depth of a binary heap. */
#ifndef STAMPEDE_EVENT_HEAP_H
#define STAMPEDE_EVENT_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventq.h"

struct event_heap {
    struct event *ev;
    uint32_t len, cap;
};

void event_heap_init(struct event_heap *h);
void event_heap_free(struct event_heap *h);

static inline bool event_earlier(const struct event *a, const struct event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* Adds an event, in any sequence order. */
void event_heap_push(struct event_heap *h, const struct event *ev);

/* The earliest event, or NULL. */
static inline const struct event *event_heap_peek(const struct event_heap *h)
{
    return h->len ? &h->ev[0] : NULL;
}

/* Removes the earliest event into *out; the heap must not be empty. */
void event_heap_pop(struct event_heap *h, struct event *out);

#endif
