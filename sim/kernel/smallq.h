/* smallq: a few events kept sorted by (time, sequence) in an array.
 *
 * For the event queue's small cases: the ordinary events while at most a
 * couple of dozen are pending (an M/M/4 has six), and the events pushed
 * with a reserved sequence number (a repeated fault's next occurrence),
 * which are out of push order and nearly always one. A push walks in from
 * the latest end (a new event is usually later than most), a pop takes the
 * first; both touch a few cache lines that stay in L1, where a heap pays a
 * sift through its levels at every push or pop. Events may be pushed in any
 * sequence order. */
#ifndef STAMPEDE_SMALLQ_H
#define STAMPEDE_SMALLQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventq.h"

struct smallq {
    struct event *ev; /* the events are ev[head, head + len), earliest first */
    uint32_t head, len, cap;
};

void smallq_init(struct smallq *s);
void smallq_free(struct smallq *s);

static inline bool event_earlier(const struct event *a, const struct event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* Room at the end: the events moved to the front, or more room. */
void smallq_make_room(struct smallq *s);

/* Adds an event in its place. */
static inline void smallq_push(struct smallq *s, sim_time at, uint64_t seq, uint32_t kind,
                               uint32_t id, uint64_t arg)
{
    if (s->head + s->len == s->cap)
        smallq_make_room(s);
    struct event *e = s->ev + s->head;
    uint32_t i = s->len++;
    while (i > 0 && (at < e[i - 1].at || (at == e[i - 1].at && seq < e[i - 1].seq))) {
        e[i] = e[i - 1]; /* later ones move up one */
        i--;
    }
    e[i] = (struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg};
}

/* The earliest event, or NULL. */
static inline const struct event *smallq_peek(const struct smallq *s)
{
    return s->len ? &s->ev[s->head] : NULL;
}

/* Removes the earliest event into *out (when out is not NULL); there must
 * be one. */
static inline void smallq_pop(struct smallq *s, struct event *out)
{
    if (out)
        *out = s->ev[s->head];
    s->head++;
    if (--s->len == 0)
        s->head = 0;
}

/* Drops every event for which drop(ev, ctx) is true, keeping the order of
 * the rest; returns how many. */
uint32_t smallq_drop_if(struct smallq *s, bool (*drop)(const struct event *, const void *),
                        const void *ctx);

#endif
