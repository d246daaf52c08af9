#include "eventq.h"

#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"
#include "radixq.h"
#include "smallq.h"

/* A queued entry whose kind is this refers to timer slot `id` at generation
 * `arg`; it is skipped if the slot has been cancelled or reused since. */
#define KIND_TIMER_REF UINT32_MAX
#define NO_SLOT 0 /* slot 0 is never used, so a zeroed handle names nothing */
#define IN_HEAP UINT16_MAX

/* Ordinary events are kept sorted in a small array (smallq) while few are
 * pending and in a radix queue past BIG_AT, back below SMALL_AT (apart, so
 * a count that hovers there does not move them back and forth). A few
 * events in one array are in L1, and a push walks in from the end past the
 * few later ones (M/M/4, six events pending: 6% faster than the radix
 * queue even as a 4-ary heap, whose sift cost more than this walk); from a
 * few dozen on the radix queue's appends and in-order scans win (M/M/40 2%,
 * ten services 2-10%, 100,000 closed-loop users 20%). */
#define BIG_AT 24
#define SMALL_AT 8

/* A timer slot's links, apart from its event (timer_ev, by slot): a cancel
 * reads its slot's links and writes its neighbours' in the list, timers
 * armed just before and after it, which with many timers pending are far
 * from every cache. 16 bytes a slot instead of 48 keeps those in cache. */
struct timer_link {
    uint32_t prev, next; /* list links, or free-list link in `next` */
    uint32_t gen;        /* odd while armed */
    uint16_t list;       /* index into lists[], or IN_HEAP */
};

struct timer_list {
    sim_time delay;
    uint32_t head, tail;
};

struct eventq {
    sim_time now; /* time of the last event popped */
    /* Events pushed for `now` itself: they come after everything already
     * queued for `now` (their sequence numbers are larger) and before
     * anything later, so arrival order is their (time, seq) order and they
     * need no ordering work at all. */
    struct event *fifo;
    uint32_t fifo_cap, fifo_head, fifo_len;
    /* Ordinary events (and timer refs), pushed in sequence order: in the
     * small array, or in the radix queue while `big`. */
    bool big;
    struct smallq small;
    struct radixq radix;
    /* Events pushed with a sequence number reserved earlier (a repeated
     * fault's next occurrence): out of push order, so never in the radix
     * queue; a small array of their own, nearly always empty or of one. */
    struct smallq reserved;
    uint64_t next_seq;
    struct timer_link *slots;
    struct event *timer_ev; /* by slot: the event an armed timer fires */
    uint32_t slot_cap, free_slot;
    uint64_t timers_armed; /* live timers, in lists or among ordinary events */
    uint32_t heap_refs;    /* timer refs among ordinary events, live or stale */
    uint32_t stale_refs;   /* of those, cancelled ones not yet dropped */
    struct timer_list lists[EVENTQ_TIMER_LISTS];
    uint16_t list_count;
    /* The list whose head is earliest (-1: all empty), rescanned only after
     * some list's head changed: most pops come from elsewhere and change no
     * head, so they skip the scan. */
    int16_t earliest;
    bool earliest_stale;
    bool timers_in_heap;
};

struct eventq *eventq_new(void)
{
    struct eventq *q = xcalloc(1, sizeof *q);
    smallq_init(&q->reserved);
    smallq_init(&q->small);
    radixq_init(&q->radix);
    q->fifo_cap = 64;
    q->fifo = xmalloc(q->fifo_cap * sizeof q->fifo[0]);
    q->slot_cap = 1; /* slot 0 reserved */
    q->slots = xcalloc(1, sizeof q->slots[0]);
    q->timer_ev = xcalloc(1, sizeof q->timer_ev[0]);
    q->free_slot = NO_SLOT;
    q->earliest = -1;
    return q;
}

void eventq_free(struct eventq *q)
{
    if (!q)
        return;
    smallq_free(&q->reserved);
    smallq_free(&q->small);
    radixq_free(&q->radix);
    free(q->fifo);
    free(q->slots);
    free(q->timer_ev);
    free(q);
}

void eventq_set_timers_in_heap(struct eventq *q, bool in_heap) { q->timers_in_heap = in_heap; }

/* Ordinary events held, timer refs included. */
static inline uint32_t main_count(const struct eventq *q)
{
    return q->big ? q->radix.count : q->small.len;
}

uint64_t eventq_size(const struct eventq *q)
{
    return main_count(q) + q->reserved.len - q->heap_refs + q->timers_armed +
           q->fifo_len;
}

uint64_t eventq_stored(const struct eventq *q)
{
    return main_count(q) + q->reserved.len +
           (q->timers_armed - (q->heap_refs - q->stale_refs)) + q->fifo_len;
}

/* Moves the ordinary events into the radix queue in (time, sequence)
 * order, so events of one time keep their order there. */
static __attribute__((noinline, cold)) void go_big(struct eventq *q)
{
    SIM_ASSERT(q->radix.count == 0);
    q->radix.last = q->now; /* nothing is pending before now */
    const struct event *e = q->small.ev + q->small.head;
    for (uint32_t i = 0; i < q->small.len; i++)
        radixq_push(&q->radix, e[i].at, e[i].seq, e[i].kind, e[i].id, e[i].arg);
    q->small.head = q->small.len = 0;
    q->big = true;
}

/* And back: in order, so each push lands at the end. */
static __attribute__((noinline, cold)) void go_small(struct eventq *q)
{
    struct event e;
    while (q->radix.count) {
        radixq_pop(&q->radix, &e);
        smallq_push(&q->small, e.at, e.seq, e.kind, e.id, e.arg);
    }
    q->big = false;
}

static inline void main_push(struct eventq *q, sim_time at, uint64_t seq, uint32_t kind,
                             uint32_t id, uint64_t arg)
{
    if (q->big) {
        radixq_push(&q->radix, at, seq, kind, id, arg);
        return;
    }
    smallq_push(&q->small, at, seq, kind, id, arg);
    if (q->small.len > BIG_AT)
        go_big(q);
}

static inline const struct event *main_peek(struct eventq *q)
{
    return q->big ? radixq_peek(&q->radix) : smallq_peek(&q->small);
}

/* Takes the event main_peek just returned. */
static inline void main_pop(struct eventq *q, struct event *out)
{
    if (!q->big) {
        smallq_pop(&q->small, out);
        return;
    }
    radixq_pop(&q->radix, out);
    if (q->radix.count < SMALL_AT)
        go_small(q);
}

/* Doubles the FIFO's room, unrolling it into order (cold). */
static __attribute__((noinline, cold)) void fifo_grow(struct eventq *q)
{
    struct event *bigger = xmalloc(2 * q->fifo_cap * sizeof *bigger);
    for (uint32_t i = 0; i < q->fifo_len; i++)
        bigger[i] = q->fifo[(q->fifo_head + i) % q->fifo_cap];
    free(q->fifo);
    q->fifo = bigger;
    q->fifo_cap *= 2;
    q->fifo_head = 0;
}

static inline void fifo_append(struct eventq *q, struct event ev)
{
    if (q->fifo_len == q->fifo_cap)
        fifo_grow(q);
    uint32_t tail = q->fifo_head + q->fifo_len++;
    q->fifo[tail >= q->fifo_cap ? tail - q->fifo_cap : tail] = ev;
}

void eventq_push(struct eventq *q, sim_time at, uint32_t kind, uint32_t id, uint64_t arg)
{
    SIM_ASSERT(at >= q->now); /* nothing is scheduled in the past */
    uint64_t seq = q->next_seq++;
    if (at == q->now)
        fifo_append(q, (struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg});
    else
        main_push(q, at, seq, kind, id, arg);
}

uint64_t eventq_reserve(struct eventq *q, uint64_t n)
{
    uint64_t first = q->next_seq;
    q->next_seq += n;
    return first;
}

void eventq_push_reserved(struct eventq *q, sim_time at, uint64_t seq, uint32_t kind, uint32_t id,
                          uint64_t arg)
{
    SIM_ASSERT(at >= q->now && seq < q->next_seq);
    /* out of sequence order: neither the FIFO for `now` (the newest numbers)
     * nor among the ordinary events (push order), but a heap of their own */
    smallq_push(&q->reserved, at, seq, kind, id, arg);
}

static uint32_t slot_take(struct eventq *q)
{
    if (q->free_slot == NO_SLOT) {
        uint32_t old = q->slot_cap;
        q->slot_cap *= 2;
        q->slots = xreallocarray(q->slots, q->slot_cap, sizeof q->slots[0]);
        q->timer_ev = xreallocarray(q->timer_ev, q->slot_cap, sizeof q->timer_ev[0]);
        for (uint32_t s = old; s < q->slot_cap; s++) { /* thread the new slots */
            q->slots[s].gen = 0;
            q->slots[s].next = s + 1 < q->slot_cap ? s + 1 : NO_SLOT;
        }
        q->free_slot = old;
    }
    uint32_t s = q->free_slot;
    q->free_slot = q->slots[s].next;
    q->slots[s].gen++; /* now odd: armed */
    return s;
}

static void slot_release(struct eventq *q, uint32_t s)
{
    q->slots[s].gen++; /* now even: free; stale handles and refs no longer match */
    q->slots[s].next = q->free_slot;
    q->free_slot = s;
    q->timers_armed--;
}

static int list_for(struct eventq *q, sim_time delay)
{
    for (int i = 0; i < q->list_count; i++)
        if (q->lists[i].delay == delay)
            return i;
    if (q->list_count == EVENTQ_TIMER_LISTS)
        return -1;
    struct timer_list *l = &q->lists[q->list_count];
    l->delay = delay;
    l->head = l->tail = NO_SLOT;
    return q->list_count++;
}

struct timer_handle eventq_arm(struct eventq *q, sim_time now, sim_time delay, uint32_t kind,
                               uint32_t id, uint64_t arg)
{
    SIM_ASSERT(delay >= 0 && now >= q->now);
    SIM_ASSERT(delay <= SIM_TIME_NEVER - now); /* the deadline fits in sim_time */
    uint32_t s = slot_take(q);
    struct timer_link *t = &q->slots[s];
    struct event *ev = &q->timer_ev[s];
    *ev = (struct event){.at = now + delay, .seq = q->next_seq++, .kind = kind, .id = id,
                         .arg = arg};
    q->timers_armed++;
    int li = q->timers_in_heap ? -1 : list_for(q, delay);
    struct timer_list *l = li >= 0 ? &q->lists[li] : NULL;
    /* FIFO order holds while deadlines are armed in time order, which they
     * are for one delay because `now` never goes back; checked, not assumed. */
    if (l && (l->tail == NO_SLOT || q->timer_ev[l->tail].at <= ev->at)) {
        t->list = (uint16_t)li;
        t->next = NO_SLOT;
        t->prev = l->tail;
        if (l->tail != NO_SLOT) {
            q->slots[l->tail].next = s;
        } else {
            l->head = s;
            q->earliest_stale = true;
        }
        l->tail = s;
    } else {
        t->list = IN_HEAP;
        main_push(q, ev->at, ev->seq, KIND_TIMER_REF, s, t->gen);
        q->heap_refs++;
    }
    return (struct timer_handle){.slot = s, .gen = t->gen};
}

static void list_unlink(struct eventq *q, uint32_t s)
{
    struct timer_link *t = &q->slots[s];
    struct timer_list *l = &q->lists[t->list];
    if (t->prev != NO_SLOT) {
        q->slots[t->prev].next = t->next;
    } else {
        l->head = t->next;
        q->earliest_stale = true;
    }
    if (t->next != NO_SLOT)
        q->slots[t->next].prev = t->prev;
    else
        l->tail = t->prev;
}

static bool is_stale_ref(const struct event *e, const void *ctx)
{
    const struct eventq *q = ctx;
    return e->kind == KIND_TIMER_REF && q->slots[e->id].gen != e->arg;
}

/* Drops every stale timer ref from the ordinary events. Run when the stale
 * refs outnumber the live entries, so the queue stays within twice what is
 * pending however many timers of distinct delays are armed and cancelled
 * (deadline propagation makes every inner timeout distinct), at O(1)
 * amortised per cancel. The order of what pops is (time, sequence) either
 * way. */
static void drop_stale_refs(struct eventq *q)
{
    q->heap_refs -= q->big ? radixq_drop_if(&q->radix, is_stale_ref, q)
                           : smallq_drop_if(&q->small, is_stale_ref, q);
    q->stale_refs = 0;
}

bool eventq_cancel_armed(struct eventq *q, struct timer_handle h)
{
    if (h.slot == NO_SLOT || h.slot >= q->slot_cap || q->slots[h.slot].gen != h.gen)
        return false;
    bool in_heap = q->slots[h.slot].list == IN_HEAP;
    if (!in_heap)
        list_unlink(q, h.slot);
    slot_release(q, h.slot); /* a queued ref, if any, is now stale */
    if (in_heap && ++q->stale_refs > 1024 && q->stale_refs > main_count(q) - q->stale_refs)
        drop_stale_refs(q);
    return true;
}

/* The earliest ordinary event, past any cancelled timer refs at the front
 * (dropped on the way), or NULL. A dropped ref's time is not taken: an
 * earlier event elsewhere may still come first and schedule before it. */
static inline const struct event *main_front(struct eventq *q)
{
    const struct event *e = main_peek(q);
    while (e && e->kind == KIND_TIMER_REF && q->slots[e->id].gen != e->arg) {
        if (q->big) {
            radixq_drop_min(&q->radix);
        } else {
            smallq_pop(&q->small, NULL);
        }
        q->heap_refs--;
        q->stale_refs--;
        e = main_peek(q);
    }
    return e;
}

/* Finds the list whose head is earliest again after a head changed. */
static int rescan_lists(struct eventq *q)
{
    int best = -1;
    for (int i = 0; i < q->list_count; i++) {
        uint32_t h = q->lists[i].head;
        if (h != NO_SLOT &&
            (best < 0 || event_earlier(&q->timer_ev[h], &q->timer_ev[q->lists[best].head])))
            best = i;
    }
    q->earliest = (int16_t)best;
    q->earliest_stale = false;
    return best;
}

/* The list whose head is earliest, or -1 if every list is empty. */
static inline int earliest_list(struct eventq *q)
{
    return q->earliest_stale ? rescan_lists(q) : q->earliest;
}

/* Removes the earliest event into *out unless the queue is empty or, when
 * `bounded`, the event is not before `until`. The ordinary events are the
 * common source: the reserved heap, the timer lists and the FIFO for `now`
 * are looked at only when they hold something. */
static inline bool take_earliest(struct eventq *q, bool bounded, sim_time until, struct event *out)
{
    enum { NONE, FIFO, LIST, MAIN, RESERVED } from = NONE;
    const struct event *best = main_front(q);
    if (best)
        from = MAIN;
    const struct event *r = smallq_peek(&q->reserved);
    if (r && (!best || event_earlier(r, best)))
        from = RESERVED, best = r;
    int li = earliest_list(q);
    if (li >= 0) {
        const struct event *head = &q->timer_ev[q->lists[li].head];
        if (!best || event_earlier(head, best))
            from = LIST, best = head;
    }
    if (q->fifo_len && (!best || event_earlier(&q->fifo[q->fifo_head], best)))
        from = FIFO, best = &q->fifo[q->fifo_head];
    if (from == NONE || (bounded && best->at >= until))
        return false;
    q->now = best->at;
    if (from == MAIN) {
        main_pop(q, out);
        if (out->kind == KIND_TIMER_REF) { /* a live timer kept among the events */
            q->heap_refs--;
            uint32_t s = out->id;
            *out = q->timer_ev[s];
            slot_release(q, s);
        }
    } else if (from == LIST) {
        *out = *best;
        uint32_t s = q->lists[li].head;
        list_unlink(q, s);
        slot_release(q, s);
    } else if (from == RESERVED) {
        smallq_pop(&q->reserved, out);
    } else {
        *out = *best;
        q->fifo_head = q->fifo_head + 1 == q->fifo_cap ? 0 : q->fifo_head + 1;
        q->fifo_len--;
    }
    return true;
}

bool eventq_pop(struct eventq *q, struct event *out) { return take_earliest(q, false, 0, out); }

bool eventq_pop_before(struct eventq *q, sim_time until, struct event *out)
{
    return take_earliest(q, true, until, out);
}

const struct event *eventq_likely_next(struct eventq *q)
{
    if (!q->big) /* a few events, in cache */
        return NULL;
    return radixq_peek(&q->radix); /* the next pop needs it found anyway */
}

sim_time eventq_peek_time(struct eventq *q)
{
    const struct event *m = main_front(q);
    sim_time t = m ? m->at : SIM_TIME_NEVER;
    const struct event *r = smallq_peek(&q->reserved);
    if (r && r->at < t)
        t = r->at;
    int li = earliest_list(q);
    if (li >= 0 && q->timer_ev[q->lists[li].head].at < t)
        t = q->timer_ev[q->lists[li].head].at;
    if (q->fifo_len && q->fifo[q->fifo_head].at < t)
        t = q->fifo[q->fifo_head].at;
    return t;
}
