/* Bare reference loops for `make bench`: what a hand-written simulation of
 * the same model costs on this machine, so each bench case can be printed
 * as a ratio to it (the machine's speed varies by 2x; the ratio does not).
 * Nothing here uses the simulator: a 4-ary heap, a FIFO list, a small RNG.
 *
 *   reference mmc C RHO CUSTOMERS     M/M/c, 1 ms mean service, load RHO
 *   reference timers USERS REQUESTS   closed loop: each request 10 ms of
 *                                     exponential work and a 1 s timeout in
 *                                     one FIFO list, cancelled by the reply
 * Prints one line: requests_per_cpu_s=N (and what it simulated). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xoshiro256+ seeded by splitmix64: a fast generator for a bare loop */
static uint64_t st[4];

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t next(void)
{
    uint64_t r = st[0] + st[3], t = st[1] << 17;
    st[2] ^= st[0], st[3] ^= st[1], st[1] ^= st[2], st[0] ^= st[3], st[2] ^= t;
    st[3] = st[3] << 45 | st[3] >> 19;
    return r;
}

/* exponential with mean `mean_ns`, in integer nanoseconds */
static int64_t expo(double mean_ns)
{
    double u = (double)((next() >> 11) + 1) * 0x1.0p-53;
    return (int64_t)(-log(u) * mean_ns);
}

/* a 4-ary min-heap of (time, id) */
struct ev {
    int64_t at;
    uint32_t id;
};
static struct ev *heap;
static size_t heap_n;

static void push(int64_t at, uint32_t id)
{
    size_t i = heap_n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (heap[p].at <= at)
            break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = (struct ev){at, id};
}

static struct ev pop(void)
{
    struct ev top = heap[0], last = heap[--heap_n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1, best = c;
        if (c >= heap_n)
            break;
        for (size_t k = c + 1; k < c + 4 && k < heap_n; k++)
            if (heap[k].at < heap[best].at)
                best = k;
        if (heap[best].at >= last.at)
            break;
        heap[i] = heap[best];
        i = best;
    }
    heap[i] = last;
    return top;
}

/* M/M/c: one arrival event (id 0) and c departure events (id 1); waiting
 * customers in a FIFO ring of arrival times. */
static double mmc(uint32_t c, double rho, uint64_t customers)
{
    const double service_ns = 1e6, gap_ns = service_ns / (rho * c);
    heap = malloc((c + 2) * sizeof *heap);
    size_t cap = 1 << 20, head = 0, len = 0;
    int64_t *ring = malloc(cap * sizeof *ring);
    uint32_t busy = 0;
    uint64_t done = 0;
    double wait_sum = 0;
    push(expo(gap_ns), 0);
    double t0 = cpu_s();
    while (done < customers) {
        struct ev e = pop();
        if (e.id == 0) {
            push(e.at + expo(gap_ns), 0);
            if (busy < c) {
                busy++;
                push(e.at + expo(service_ns), 1);
            } else {
                if (len == cap) { /* grow the ring, keeping its order */
                    int64_t *r = malloc(2 * cap * sizeof *r);
                    for (size_t k = 0; k < len; k++)
                        r[k] = ring[(head + k) & (cap - 1)];
                    free(ring);
                    ring = r, head = 0, cap *= 2;
                }
                ring[(head + len++) & (cap - 1)] = e.at;
            }
        } else {
            done++;
            if (len) {
                wait_sum += (double)(e.at - ring[head]);
                head = (head + 1) & (cap - 1), len--;
                push(e.at + expo(service_ns), 1);
            } else {
                busy--;
            }
        }
    }
    double secs = cpu_s() - t0;
    printf("reference mmc c=%u rho=%g customers=%llu mean_wait_ms=%.3f requests_per_cpu_s=%.0f\n",
           c, rho, (unsigned long long)done, wait_sum / (double)done / 1e6,
           (double)done / secs);
    free(ring);
    free(heap);
    return secs;
}

/* Closed loop, every user always in flight: completions in the heap, the
 * 1 s timeouts in one FIFO list (all the same duration, so armed in order
 * of expiry), unlinked in O(1) by the reply. */
static double timers(uint32_t users, uint64_t requests)
{
    const double work_ns = 1e7;
    const int64_t timeout_ns = 1000000000;
    heap = malloc((users + 1) * sizeof *heap);
    int64_t *expires = malloc(users * sizeof *expires);
    uint32_t *prev = malloc(users * sizeof *prev), *nxt = malloc(users * sizeof *nxt);
    const uint32_t NONE = UINT32_MAX;
    uint32_t first = NONE, last = NONE;
    uint64_t done = 0, timeouts = 0;
#define ARM(u, at)                                                                                 \
    do { /* to the list's tail: one duration, so the list stays in expiry order */             \
        expires[u] = (at) + timeout_ns;                                                            \
        prev[u] = last, nxt[u] = NONE;                                                             \
        if (last == NONE)                                                                          \
            first = u;                                                                             \
        else                                                                                       \
            nxt[last] = u;                                                                         \
        last = u;                                                                                  \
    } while (0)
    for (uint32_t u = 0; u < users; u++) {
        push(expo(work_ns), u);
        ARM(u, 0);
    }
    double t0 = cpu_s();
    while (done < requests) {
        struct ev e = heap[0];
        if (first != NONE && expires[first] <= e.at) { /* a timeout fires first */
            uint32_t u = first;
            first = nxt[u];
            if (first == NONE)
                last = NONE;
            else
                prev[first] = NONE;
            timeouts++;
            continue; /* its work goes on; the reply finds no timer */
        }
        pop();
        uint32_t u = e.id;
        if (prev[u] != NONE || first == u) { /* cancel its timer */
            if (prev[u] == NONE)
                first = nxt[u];
            else
                nxt[prev[u]] = nxt[u];
            if (nxt[u] == NONE)
                last = prev[u];
            else
                prev[nxt[u]] = prev[u];
        }
        done++;
        push(e.at + expo(work_ns), u);
        ARM(u, e.at);
    }
#undef ARM
    double secs = cpu_s() - t0;
    printf("reference timers users=%u requests=%llu timeouts=%llu requests_per_cpu_s=%.0f\n",
           users, (unsigned long long)done, (unsigned long long)timeouts, (double)done / secs);
    free(heap);
    free(expires);
    free(prev);
    free(nxt);
    return secs;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    for (int i = 0; i < 4; i++)
        st[i] = splitmix(&seed);
    if (argc == 5 && strcmp(argv[1], "mmc") == 0)
        mmc((uint32_t)strtoul(argv[2], NULL, 10), strtod(argv[3], NULL),
            strtoull(argv[4], NULL, 10));
    else if (argc == 4 && strcmp(argv[1], "timers") == 0)
        timers((uint32_t)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    else {
        fprintf(stderr, "usage: reference mmc C RHO CUSTOMERS | reference timers USERS REQUESTS\n");
        return 2;
    }
    return 0;
}
