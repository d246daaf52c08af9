#include "smallq.h"

#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

void smallq_init(struct smallq *s) { *s = (struct smallq){0}; }

void smallq_free(struct smallq *s)
{
    free(s->ev);
    *s = (struct smallq){0};
}

/* Cold: the events slide to the front once every `cap - len` pops, and the
 * array grows a few times a run. */
__attribute__((noinline, cold)) void smallq_make_room(struct smallq *s)
{
    if (s->head > 0) {
        memmove(s->ev, s->ev + s->head, s->len * sizeof s->ev[0]);
        s->head = 0;
    }
    if (s->len * 2 >= s->cap) { /* at least half full: double, so a slide is rare */
        s->cap = s->cap ? 2 * s->cap : 64;
        s->ev = xreallocarray(s->ev, s->cap, sizeof s->ev[0]);
    }
}

uint32_t smallq_drop_if(struct smallq *s, bool (*drop)(const struct event *, const void *),
                        const void *ctx)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < s->len; i++)
        if (!drop(&s->ev[s->head + i], ctx))
            s->ev[kept++] = s->ev[s->head + i];
    uint32_t dropped = s->len - kept;
    s->head = 0;
    s->len = kept;
    return dropped;
}
