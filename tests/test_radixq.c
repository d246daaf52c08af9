/* The radix queue alone: it must give exactly the (time, push order) of a
 * sorted reference, for times spread over many powers of two (so events
 * file into many buckets and move down several times), with many events of
 * one time (which must keep their push order across redistributions), and
 * after dropping some. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../sim/base/rng.h"
#include "../sim/kernel/radixq.h"

struct ref {
    sim_time at;
    uint64_t seq;
    bool live;
};

/* The live reference entry of least (at, seq), or -1. */
static long ref_min(const struct ref *ref, uint32_t n)
{
    long best = -1;
    for (uint32_t i = 0; i < n; i++)
        if (ref[i].live && (best < 0 || ref[i].at < ref[best].at ||
                            (ref[i].at == ref[best].at && ref[i].seq < ref[best].seq)))
            best = (long)i;
    return best;
}

/* A delay of 0 (a tie with the last time taken) one time in eight, else of
 * a random length of 1 to 40 bits. */
static sim_time random_delay(struct rng *r)
{
    if (rng_below(r, 8) == 0)
        return 0;
    uint64_t bits = 1 + rng_below(r, 40);
    return (sim_time)(rng_next(r) >> (64 - bits));
}

Test(radixq, matches_a_sorted_reference_over_many_scales)
{
    enum { OPS = 60000 };
    struct radixq q;
    radixq_init(&q);
    struct ref *ref = calloc(OPS, sizeof *ref);
    struct rng r;
    rng_init_stream(&r, 7, "radixq-test");
    sim_time now = 0;
    uint32_t n = 0, live = 0;
    sim_time repeat = 0; /* a time several events share */
    for (int op = 0; op < OPS; op++) {
        uint64_t choice = rng_below(&r, 10);
        if (n < OPS && choice < 6) {
            sim_time at = choice == 0 && repeat >= now ? repeat : now + random_delay(&r);
            if (choice == 1)
                repeat = at;
            radixq_push(&q, at, n, 0, n, 0); /* seq = push order = id */
            ref[n] = (struct ref){at, n, true};
            n++, live++;
        } else {
            long best = ref_min(ref, n);
            const struct event *top = radixq_peek(&q);
            cr_assert_eq(top != NULL, best >= 0);
            if (!top)
                continue;
            cr_assert_eq(top->id, (uint32_t)best, "op %d: peek %u, reference %ld", op, top->id,
                         best);
            struct event ev;
            radixq_pop(&q, &ev);
            cr_assert_eq(ev.id, (uint32_t)best);
            ref[best].live = false, live--;
            now = ev.at;
        }
        cr_assert_eq(q.count, live);
    }
    free(ref);
    radixq_free(&q);
}

static bool odd_id(const struct event *e, const void *ctx)
{
    (void)ctx;
    return e->id % 2;
}

Test(radixq, dropping_keeps_the_order_of_the_rest)
{
    struct radixq q;
    radixq_init(&q);
    struct rng r;
    rng_init_stream(&r, 3, "radixq-drop");
    for (uint32_t i = 0; i < 5000; i++) /* many of one time among the rest */
        radixq_push(&q, i % 3 ? (sim_time)rng_below(&r, 1u << 30) : 12345, i, 0, i, 0);
    struct event ev;
    radixq_pop(&q, &ev); /* the queue has a last time now */
    cr_assert_eq(radixq_drop_if(&q, odd_id, NULL), 2500 - (ev.id % 2 ? 1 : 0));
    sim_time last = ev.at;
    uint64_t last_seq = ev.seq;
    while (q.count) {
        radixq_pop(&q, &ev);
        cr_assert(ev.id % 2 == 0);
        cr_assert(ev.at > last || (ev.at == last && ev.seq > last_seq));
        last = ev.at, last_seq = ev.seq;
    }
    radixq_free(&q);
}

/* Dropping the earliest (a cancelled timer's ref) does not take its time:
 * an event pushed afterwards, earlier than the dropped one, still comes out
 * first and in order. */
Test(radixq, dropping_the_earliest_keeps_the_last_time)
{
    struct radixq q;
    radixq_init(&q);
    radixq_push(&q, 1000, 0, 0, 0, 0);
    radixq_push(&q, 5000, 1, 0, 1, 0);
    radixq_push(&q, 9000, 2, 0, 2, 0);
    struct event ev;
    radixq_pop(&q, &ev); /* the last time is 1000 now */
    cr_assert_eq(ev.id, 0);
    cr_assert_eq(radixq_peek(&q)->id, 1);
    radixq_drop_min(&q); /* 5000 dropped, not taken */
    cr_assert_eq(q.last, 1000);
    radixq_push(&q, 3000, 3, 0, 3, 0); /* before the dropped time */
    radixq_push(&q, 8000, 4, 0, 4, 0);
    const uint32_t order[] = {3, 4, 2};
    for (int i = 0; i < 3; i++) {
        radixq_pop(&q, &ev);
        cr_assert_eq(ev.id, order[i], "pop %d: %u", i, ev.id);
    }
    cr_assert_eq(q.count, 0);
    radixq_free(&q);
}

/* Dropping the earliest from anywhere in a bucket of several chunks (its
 * first place, a chunk's last, the bucket's last, so that the last chunk
 * empties) leaves the rest in order. */
Test(radixq, dropping_across_chunks_keeps_the_order)
{
    const uint32_t n = 2 * RADIXQ_CHUNK + 1, where[] = {0, RADIXQ_CHUNK - 1, RADIXQ_CHUNK,
                                                        2 * RADIXQ_CHUNK, n - 1};
    for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
        struct radixq q;
        radixq_init(&q);
        for (uint32_t i = 0; i < n; i++) /* one bucket: times in [2^20, 2^21), one earliest */
            radixq_push(&q, i == where[w] ? 1 << 20 : (1 << 20) + 1000 + (sim_time)(i % 7), i, 0,
                        i, 0);
        radixq_drop_min(&q);
        cr_assert_eq(q.count, n - 1);
        struct event ev, prev = {.at = -1};
        for (uint32_t k = 0; k < n - 1; k++) {
            radixq_pop(&q, &ev);
            cr_assert_neq(ev.id, where[w]);
            cr_assert(ev.at > prev.at || (ev.at == prev.at && ev.seq > prev.seq),
                      "drop at %u, pop %u: %u after %u", where[w], k, ev.id, prev.id);
            prev = ev;
        }
        cr_assert_eq(q.count, 0);
        radixq_free(&q);
    }
}
