#include "event_heap.h"

#include <stdlib.h>

#include "../base/xalloc.h"

/* sift_down's tournament assumes four, as event_heap_push does. */
#define ARITY 4

void event_heap_init(struct event_heap *h) { *h = (struct event_heap){0}; }

void event_heap_free(struct event_heap *h)
{
    free(h->ev);
    *h = (struct event_heap){0};
}

/* Doubles the room (cold: a heap grows a few times a run). */
__attribute__((noinline, cold)) void event_heap_grow(struct event_heap *h)
{
    h->cap = h->cap ? 2 * h->cap : 64;
    h->ev = xreallocarray(h->ev, h->cap, sizeof h->ev[0]);
}

/* Drops `ev` into the hole at i and sifts it down to where it belongs. */
static inline void sift_down(struct event_heap *h, uint32_t i, struct event ev)
{
    struct event *e = h->ev;
    uint32_t n = h->len;
    for (;;) {
        uint32_t first = ARITY * i + 1;
        if (first >= n)
            break;
        uint32_t best = first;
        if (first + 3 < n) { /* a full node: a tournament of three comparisons */
            uint32_t a = event_earlier(&e[first + 1], &e[first]) ? first + 1 : first;
            uint32_t b = event_earlier(&e[first + 3], &e[first + 2]) ? first + 3 : first + 2;
            best = event_earlier(&e[b], &e[a]) ? b : a;
        } else {
            for (uint32_t c = first + 1; c < n; c++)
                if (event_earlier(&e[c], &e[best]))
                    best = c;
        }
        if (!event_earlier(&e[best], &ev))
            break;
        e[i] = e[best];
        i = best;
    }
    e[i] = ev;
}

void event_heap_remove_top(struct event_heap *h)
{
    struct event last = h->ev[--h->len];
    if (h->len)
        sift_down(h, 0, last);
}

void event_heap_replace_top(struct event_heap *h, const struct event *ev)
{
    h->top_taken = false; /* the popped top's place: one sift from the root */
    sift_down(h, 0, *ev);
}

uint32_t event_heap_drop_if(struct event_heap *h, bool (*drop)(const struct event *, const void *),
                            const void *ctx)
{
    event_heap_settle(h);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < h->len; i++)
        if (!drop(&h->ev[i], ctx))
            h->ev[kept++] = h->ev[i];
    uint32_t dropped = h->len - kept;
    h->len = kept;
    uint32_t parents = kept > 1 ? (kept - 2) / ARITY + 1 : 0;
    for (uint32_t i = parents; i-- > 0;) /* Floyd: sift each parent down, the last first */
        sift_down(h, i, h->ev[i]);
    return dropped;
}

uint32_t event_heap_drain_sorted(struct event_heap *h, struct event *out)
{
    event_heap_settle(h);
    uint32_t n = 0;
    while (h->len) {
        out[n++] = h->ev[0];
        event_heap_remove_top(h);
    }
    return n;
}
