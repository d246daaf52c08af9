#include "eventq.h"

#include <stdlib.h>

#include "../base/check.h"
#include "../base/xalloc.h"

/* A heap entry whose kind is this refers to timer slot `id` at generation
 * `arg`; it is skipped if the slot has been cancelled or reused since. */
#define KIND_TIMER_REF UINT32_MAX
#define NO_SLOT 0 /* slot 0 is never used, so a zeroed handle names nothing */
#define IN_HEAP UINT16_MAX

struct timer_slot {
    struct event ev;
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
     * need no heap. */
    struct event *fifo;
    uint32_t fifo_cap, fifo_head, fifo_len;
    struct event *heap;
    uint32_t heap_len, heap_cap;
    /* heap[0] was popped but is still in place: most handlers push an
     * event next, which then takes its place with one sift down instead of
     * a sift down to remove it and a sift up to insert (the classic
     * replace-top). Anything else that reads the heap removes it first. */
    bool top_taken;
    uint64_t next_seq;
    struct timer_slot *slots;
    uint32_t slot_cap, free_slot;
    uint64_t timers_armed; /* live timers, in lists or in the heap */
    uint32_t heap_refs;    /* timer refs in the heap, live or stale */
    uint32_t stale_refs;   /* of those, cancelled ones not yet dropped */
    struct timer_list lists[EVENTQ_TIMER_LISTS];
    uint16_t list_count;
    /* The list whose head is earliest (-1: all empty), rescanned only after
     * some list's head changed: most pops come from the heap and change no
     * head, so they skip the scan. */
    int16_t earliest;
    bool earliest_stale;
    bool timers_in_heap;
};

struct eventq *eventq_new(void)
{
    struct eventq *q = xcalloc(1, sizeof *q);
    q->heap_cap = 64;
    q->heap = xmalloc(q->heap_cap * sizeof q->heap[0]);
    q->fifo_cap = 64;
    q->fifo = xmalloc(q->fifo_cap * sizeof q->fifo[0]);
    q->slot_cap = 1; /* slot 0 reserved */
    q->slots = xcalloc(1, sizeof q->slots[0]);
    q->free_slot = NO_SLOT;
    q->earliest = -1;
    return q;
}

void eventq_free(struct eventq *q)
{
    if (!q)
        return;
    free(q->heap);
    free(q->fifo);
    free(q->slots);
    free(q);
}

void eventq_set_timers_in_heap(struct eventq *q, bool in_heap) { q->timers_in_heap = in_heap; }

uint64_t eventq_size(const struct eventq *q)
{
    return q->heap_len - q->top_taken - q->heap_refs + q->timers_armed + q->fifo_len;
}

uint64_t eventq_stored(const struct eventq *q)
{
    return q->heap_len - q->top_taken + (q->timers_armed - (q->heap_refs - q->stale_refs)) +
           q->fifo_len;
}

static inline bool earlier(const struct event *a, const struct event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* A 4-ary min-heap: half the depth of a binary heap, and the four children
 * of a node (4 x 32 bytes) share two cache lines. heap_remove_top's
 * tournament assumes four. */
#define HEAP_ARITY 4

/* Doubles the heap's room (cold: the heap grows a few times a run). */
static __attribute__((noinline, cold)) void heap_grow(struct eventq *q)
{
    q->heap_cap *= 2;
    q->heap = xreallocarray(q->heap, q->heap_cap, sizeof q->heap[0]);
}

/* Drops `ev` into the hole at i and sifts it down to where it belongs. */
static inline void sift_down(struct eventq *q, uint32_t i, struct event ev)
{
    uint32_t n = q->heap_len;
    for (;;) {
        uint32_t first = HEAP_ARITY * i + 1;
        if (first >= n)
            break;
        uint32_t best = first;
        if (first + 3 < n) { /* a full node: a tournament of three comparisons */
            const struct event *h = q->heap;
            uint32_t a = earlier(&h[first + 1], &h[first]) ? first + 1 : first;
            uint32_t b = earlier(&h[first + 3], &h[first + 2]) ? first + 3 : first + 2;
            best = earlier(&h[b], &h[a]) ? b : a;
        } else {
            for (uint32_t c = first + 1; c < n; c++)
                if (earlier(&q->heap[c], &q->heap[best]))
                    best = c;
        }
        if (!earlier(&q->heap[best], &ev))
            break;
        q->heap[i] = q->heap[best];
        i = best;
    }
    q->heap[i] = ev;
}

static void heap_remove_top(struct eventq *q)
{
    struct event last = q->heap[--q->heap_len];
    if (q->heap_len)
        sift_down(q, 0, last);
}

/* Removes the popped top if no push has taken its place. */
static inline void heap_settle(struct eventq *q)
{
    if (q->top_taken) {
        q->top_taken = false;
        heap_remove_top(q);
    }
}

static inline void heap_insert(struct eventq *q, sim_time at, uint64_t seq, uint32_t kind,
                               uint32_t id, uint64_t arg)
{
    if (q->top_taken) { /* the popped top's place: one sift from the root */
        q->top_taken = false;
        sift_down(q, 0, (struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg});
        return;
    }
    if (q->heap_len == q->heap_cap)
        heap_grow(q);
    struct event *h = q->heap;
    uint32_t i = q->heap_len++;
    while (i > 0) { /* sift the hole up, then drop the event in once */
        uint32_t parent = (i - 1) / HEAP_ARITY;
        if (at > h[parent].at || (at == h[parent].at && seq > h[parent].seq))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = (struct event){.at = at, .seq = seq, .kind = kind, .id = id, .arg = arg};
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
        heap_insert(q, at, seq, kind, id, arg);
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
    /* always the heap: the FIFO for `now` holds only the newest numbers */
    heap_insert(q, at, seq, kind, id, arg);
}

static uint32_t slot_take(struct eventq *q)
{
    if (q->free_slot == NO_SLOT) {
        uint32_t old = q->slot_cap;
        q->slot_cap *= 2;
        q->slots = xreallocarray(q->slots, q->slot_cap, sizeof q->slots[0]);
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
    struct timer_slot *t = &q->slots[s];
    t->ev = (struct event){.at = now + delay, .seq = q->next_seq++, .kind = kind, .id = id,
                           .arg = arg};
    q->timers_armed++;
    int li = q->timers_in_heap ? -1 : list_for(q, delay);
    struct timer_list *l = li >= 0 ? &q->lists[li] : NULL;
    /* FIFO order holds while deadlines are armed in time order, which they
     * are for one delay because `now` never goes back; checked, not assumed. */
    if (l && (l->tail == NO_SLOT || q->slots[l->tail].ev.at <= t->ev.at)) {
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
        heap_insert(q, t->ev.at, t->ev.seq, KIND_TIMER_REF, s, t->gen);
        q->heap_refs++;
    }
    return (struct timer_handle){.slot = s, .gen = t->gen};
}

static void list_unlink(struct eventq *q, uint32_t s)
{
    struct timer_slot *t = &q->slots[s];
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

/* Drops every stale timer ref from the heap and rebuilds it (Floyd's
 * bottom-up heapify, O(n)). Run when the stale refs outnumber the live
 * entries, so the heap stays within twice what is pending however many
 * timers of distinct delays are armed and cancelled (deadline propagation
 * makes every inner timeout distinct), at O(1) amortised per cancel. The
 * order of what pops is (time, sequence) either way. */
static void heap_compact(struct eventq *q)
{
    heap_settle(q);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < q->heap_len; i++) {
        const struct event *e = &q->heap[i];
        if (e->kind == KIND_TIMER_REF && q->slots[e->id].gen != e->arg)
            continue;
        q->heap[kept++] = *e;
    }
    q->heap_refs -= q->heap_len - kept;
    q->heap_len = kept;
    q->stale_refs = 0;
    uint32_t parents = kept > 1 ? (kept - 2) / HEAP_ARITY + 1 : 0;
    for (uint32_t i = parents; i-- > 0;) /* sift each parent down, the last first */
        sift_down(q, i, q->heap[i]);
}

bool eventq_cancel_armed(struct eventq *q, struct timer_handle h)
{
    if (h.slot == NO_SLOT || h.slot >= q->slot_cap || q->slots[h.slot].gen != h.gen)
        return false;
    bool in_heap = q->slots[h.slot].list == IN_HEAP;
    if (!in_heap)
        list_unlink(q, h.slot);
    slot_release(q, h.slot); /* a heap ref, if any, is now stale */
    if (in_heap && ++q->stale_refs > 1024 && q->stale_refs > q->heap_len - q->stale_refs)
        heap_compact(q);
    return true;
}

/* Drops cancelled timer refs from the top of the heap. */
static void heap_skip_stale(struct eventq *q)
{
    while (q->heap_len && q->heap[0].kind == KIND_TIMER_REF &&
           q->slots[q->heap[0].id].gen != q->heap[0].arg) {
        heap_remove_top(q);
        q->heap_refs--;
        q->stale_refs--;
    }
}

/* Finds the list whose head is earliest again after a head changed. */
static int rescan_lists(struct eventq *q)
{
    int best = -1;
    for (int i = 0; i < q->list_count; i++) {
        uint32_t h = q->lists[i].head;
        if (h != NO_SLOT &&
            (best < 0 || earlier(&q->slots[h].ev, &q->slots[q->lists[best].head].ev)))
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
 * `bounded`, the event is not before `until`. The heap is the common
 * source: the timer lists and the FIFO for `now` are looked at only when
 * they hold something. */
static inline bool take_earliest(struct eventq *q, bool bounded, sim_time until, struct event *out)
{
    heap_settle(q);
    if (q->heap_len && q->heap[0].kind == KIND_TIMER_REF)
        heap_skip_stale(q);
    enum { NONE, FIFO, LIST, HEAP } from = NONE;
    const struct event *best = NULL;
    if (q->heap_len)
        from = HEAP, best = &q->heap[0];
    int li = earliest_list(q);
    if (li >= 0) {
        const struct event *head = &q->slots[q->lists[li].head].ev;
        if (!best || earlier(head, best))
            from = LIST, best = head;
    }
    if (q->fifo_len && (!best || earlier(&q->fifo[q->fifo_head], best)))
        from = FIFO, best = &q->fifo[q->fifo_head];
    if (from == NONE || (bounded && best->at >= until))
        return false;
    *out = *best;
    q->now = out->at;
    if (from == HEAP) {
        q->top_taken = true; /* removed by the next push or pop */
        if (out->kind == KIND_TIMER_REF) { /* a live timer kept in the heap */
            q->heap_refs--;
            uint32_t s = out->id;
            *out = q->slots[s].ev;
            slot_release(q, s);
        }
    } else if (from == LIST) {
        uint32_t s = q->lists[li].head;
        list_unlink(q, s);
        slot_release(q, s);
    } else {
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

const struct event *eventq_likely_next(const struct eventq *q)
{
    /* with the top taken, the next is among its children or a push yet to
     * come: no hint is cheaper than finding it */
    return q->heap_len && !q->top_taken ? &q->heap[0] : NULL;
}

sim_time eventq_peek_time(struct eventq *q)
{
    heap_settle(q);
    heap_skip_stale(q);
    int li = earliest_list(q);
    sim_time t = q->heap_len ? q->heap[0].at : SIM_TIME_NEVER;
    if (li >= 0 && q->slots[q->lists[li].head].ev.at < t)
        t = q->slots[q->lists[li].head].ev.at;
    if (q->fifo_len && q->fifo[q->fifo_head].at < t)
        t = q->fifo[q->fifo_head].at;
    return t;
}
