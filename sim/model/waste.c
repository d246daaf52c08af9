/* Wasted work, as the literature means it: worker time spent on executions
 * whose answer did not reach a client as an answer. Whether a job's work
 * was useful is known only when the request above it ends: a branch that
 * succeeded is wasted all the same when its parent fails. So each job's
 * worker time is a credit (service, time) that travels up with its answer:
 * from the job to its call when it answers in time and in success, from the
 * call to its caller (a job, or a client's request) when the call succeeds,
 * and is settled as useful when the request gets its answer. Wherever the
 * chain breaks (an error, a timeout, a lost reply, an abandoned or
 * cancelled call, a failed request) the credits held there are settled as
 * waste, at the service that did the work, at that moment.
 *
 * Credits live in a pool, one per job that held a worker, and a list is a
 * (head, tail) pair, so passing credits up is O(1), each credit is settled
 * once, and a useful list goes back to the free list whole (the free list
 * links through the same field). */
#include "../base/xalloc.h"
#include "sim_internal.h"

static void grow(struct sim *s)
{
    uint32_t old = s->credit_cap;
    s->credit_cap = old ? old * 2 : 256;
    s->credits = xreallocarray(s->credits, s->credit_cap, sizeof *s->credits);
    for (uint32_t i = old; i < s->credit_cap; i++)
        s->credits[i].next = i + 1 < s->credit_cap ? i + 1 : NO_INDEX;
    s->credit_free = old;
}

void waste_credit(struct sim *s, struct credit_list *l, uint32_t service, sim_time held_ns)
{
    if (s->credit_free == NO_INDEX)
        grow(s);
    uint32_t c = s->credit_free;
    s->credit_free = s->credits[c].next;
    s->credits[c].service = service;
    s->credits[c].held_ns = held_ns;
    s->credits[c].next = NO_INDEX;
    if (l->head == NO_INDEX)
        l->head = c;
    else
        s->credits[l->tail].next = c;
    l->tail = c;
}

void waste_pass_some(struct sim *s, struct credit_list *from, struct credit_list *to)
{
    if (to->head == NO_INDEX)
        to->head = from->head;
    else
        s->credits[to->tail].next = from->head;
    to->tail = from->tail;
    *from = (struct credit_list){NO_INDEX, NO_INDEX};
}

void waste_settle_some(struct sim *s, struct credit_list *l, bool wasted)
{
    if (wasted)
        for (uint32_t c = l->head; c != NO_INDEX; c = s->credits[c].next)
            s->services[s->credits[c].service].stats.wasted_ns += (double)s->credits[c].held_ns;
    s->credits[l->tail].next = s->credit_free; /* the whole list back at once */
    s->credit_free = l->head;
    *l = (struct credit_list){NO_INDEX, NO_INDEX};
}
