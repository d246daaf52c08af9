#include "event_heap.h"

#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"

#define ARITY 4

void event_heap_init(struct event_heap *h) { *h = (struct event_heap){0}; }

void event_heap_free(struct event_heap *h)
{
    free(h->ev);
    *h = (struct event_heap){0};
}

void event_heap_push(struct event_heap *h, const struct event *ev)
{
    if (h->len == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->ev = xreallocarray(h->ev, h->cap, sizeof h->ev[0]);
    }
    uint32_t i = h->len++;
    while (i > 0) { /* sift the hole up, then drop the event in once */
        uint32_t parent = (i - 1) / ARITY;
        if (!event_earlier(ev, &h->ev[parent]))
            break;
        h->ev[i] = h->ev[parent];
        i = parent;
    }
    h->ev[i] = *ev;
}

void event_heap_pop(struct event_heap *h, struct event *out)
{
    SIM_ASSERT(h->len > 0);
    *out = h->ev[0];
    struct event last = h->ev[--h->len];
    uint32_t i = 0, n = h->len;
    for (;;) { /* sift the hole down from the root, then drop `last` in */
        uint32_t best = ARITY * i + 1;
        if (best >= n)
            break;
        for (uint32_t c = best + 1; c < best + ARITY && c < n; c++)
            if (event_earlier(&h->ev[c], &h->ev[best]))
                best = c;
        if (!event_earlier(&h->ev[best], &last))
            break;
        h->ev[i] = h->ev[best];
        i = best;
    }
    if (n)
        h->ev[i] = last;
}
