/* eventq: the simulator's pending events, in a total (time, sequence) order.
 *
 * Three structures share one sequence counter, so ties are broken by
 * insertion order across all of them:
 *  - a radix queue (radixq.h) for ordinary events (arrivals, completions,
 *    windows), which are never cancelled: an owner that may no longer want
 *    one checks a generation number carried in the event's `arg`. Time only
 *    moves forward, which a radix heap lives on: each event is filed by the
 *    highest bit in which its time differs from the last one taken, so pushes
 *    are appends and pops go through memory in order. (The few events pushed
 *    with a sequence number reserved earlier keep a small sorted array of
 *    their own; while only a few ordinary events are pending, they are kept
 *    in one too, which is cheaper than any structure at that size.)
 *  - cancellable timers. A timer of a duration seen before goes to the tail
 *    of that duration's FIFO list: deadlines of one fixed duration armed in
 *    time order are already sorted, so arming and cancelling are both O(1)
 *    (unlink). Timers of other durations (when more than EVENTQ_TIMER_LISTS
 *    distinct durations are in use) go among the ordinary events as a
 *    reference to their slot and are skipped there once cancelled. Either
 *    way, cancelling is O(1) through a (slot, generation) handle, and a
 *    cancelled timer's memory is reused at once, so memory follows the
 *    timers that are live, not the ones ever armed;
 *  - a FIFO for events pushed for the current instant (zero think times,
 *    zero-latency hops), which need no ordering work at all.
 * Time is sim_time nanoseconds; the queue never reads a clock. The caller
 * owns the queue (eventq_new/eventq_free); events are copied in and out. */
#ifndef STAMPEDE_EVENTQ_H
#define STAMPEDE_EVENTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

#define EVENTQ_TIMER_LISTS 16

struct event {
    sim_time at;
    uint64_t seq;  /* set by the queue: insertion order, breaks ties */
    uint32_t kind; /* meaning is the caller's */
    uint32_t id;
    uint64_t arg;
};

/* Names a timer for eventq_cancel; {0, 0} names none. */
struct timer_handle {
    uint32_t slot;
    uint32_t gen;
};

struct eventq;

struct eventq *eventq_new(void);
void eventq_free(struct eventq *q);

/* Schedules an event at `at` (which must not be before the last popped
 * event's time). */
void eventq_push(struct eventq *q, sim_time at, uint32_t kind, uint32_t id, uint64_t arg);

/* Reserves n sequence numbers and returns the first: an event pushed later
 * with eventq_push_reserved at one of them is ordered as if pushed now. A
 * series of events known in advance (a fault's repetitions) is then
 * scheduled one at a time, in memory for one, in the order pushing them
 * all at once would give. */
uint64_t eventq_reserve(struct eventq *q, uint64_t n);
/* Schedules an event at `at` (not before the last popped event's time) with a
 * reserved sequence number `seq`, not yet used. */
void eventq_push_reserved(struct eventq *q, sim_time at, uint64_t seq, uint32_t kind, uint32_t id,
                          uint64_t arg);

/* Arms a cancellable timer firing `delay` after `now`. */
struct timer_handle eventq_arm(struct eventq *q, sim_time now, sim_time delay, uint32_t kind,
                               uint32_t id, uint64_t arg);

/* Disarms a timer that has not fired yet; true if it was still armed.
 * Cancelling a fired, cancelled or null handle does nothing. (The null
 * handle is checked inline: most calls never arm a timer.) */
bool eventq_cancel_armed(struct eventq *q, struct timer_handle h);
static inline bool eventq_cancel(struct eventq *q, struct timer_handle h)
{
    return h.slot != 0 && eventq_cancel_armed(q, h);
}

/* Removes the earliest event into *out; false when the queue is empty. */
bool eventq_pop(struct eventq *q, struct event *out);

/* Removes the earliest event into *out if it is due before `until`; false
 * (and nothing removed) otherwise. The run loop's one call per event. */
bool eventq_pop_before(struct eventq *q, sim_time until, struct event *out);

/* The earliest ordinary event, which is likely (not certainly: a timer
 * list or the current instant may come first, a push may come earlier, and
 * it may be a cancelled timer's ref) the next to pop; NULL if there is
 * none. Finding it is work the next pop would do. For prefetching what
 * that event will touch, never for deciding anything. */
const struct event *eventq_likely_next(struct eventq *q);

/* Time of the earliest event, or SIM_TIME_NEVER when empty. */
sim_time eventq_peek_time(struct eventq *q);

/* Events and timers pending (cancelled timers not counted). */
uint64_t eventq_size(const struct eventq *q);
/* Entries the queue holds, cancelled timer refs not yet dropped included:
 * at most about twice eventq_size, plus 1024 (tests). */
uint64_t eventq_stored(const struct eventq *q);

/* Test and benchmark knob: when true, every timer goes among the ordinary
 * events with lazy cancellation instead of the FIFO lists. */
void eventq_set_timers_in_heap(struct eventq *q, bool in_heap);

#endif
