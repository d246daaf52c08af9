/* The event queue alone on the pattern that decides its design: N requests
 * in flight, each arming a 1 s timeout over ~10 ms of exponential work, the
 * reply cancelling the timeout. Modes:
 *   lists  timeouts in per-duration FIFO lists, O(1) unlink (the design)
 *   heap   timeouts in the heap, cancelled lazily (skipped when popped)
 * Prints ns per request and peak RSS; run each mode in its own process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../sim/base/dist.h"
#include "../../sim/base/xalloc.h"
#include "../../sim/kernel/eventq.h"

enum { EV_DONE, EV_TIMEOUT };

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: eventq_bench lists|heap IN_FLIGHT REQUESTS\n");
        return 2;
    }
    bool in_heap = strcmp(argv[1], "heap") == 0;
    uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10);
    uint64_t requests = strtoull(argv[3], NULL, 10);
    struct eventq *q = eventq_new();
    eventq_set_timers_in_heap(q, in_heap);
    struct rng r;
    rng_init_stream(&r, 1, "eventq-bench");
    struct timer_handle *timer = xcalloc(n, sizeof *timer);
    const sim_time work_mean = SIM_MS(10), timeout = SIM_S(1);
    for (uint32_t i = 0; i < n; i++) {
        eventq_push(q, sim_time_from_ms(10 * dist_std_exponential(&r)), EV_DONE, i, 0);
        timer[i] = eventq_arm(q, 0, timeout, EV_TIMEOUT, i, 0);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t done = 0, timeouts = 0;
    struct event ev;
    while (done < requests && eventq_pop(q, &ev)) {
        if (ev.kind == EV_TIMEOUT) {
            timeouts++;
            continue;
        }
        eventq_cancel(q, timer[ev.id]);
        done++;
        sim_time work = (sim_time)((double)work_mean * dist_std_exponential(&r));
        eventq_push(q, ev.at + work, EV_DONE, ev.id, 0);
        timer[ev.id] = eventq_arm(q, ev.at, timeout, EV_TIMEOUT, ev.id, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("eventq %-5s in_flight=%u requests=%llu ns_per_request=%.1f requests_per_s=%.0f "
           "timeouts=%llu peak_rss_mib=%.1f\n",
           in_heap ? "heap" : "lists", n, (unsigned long long)done, secs * 1e9 / (double)done,
           (double)done / secs, (unsigned long long)timeouts, (double)ru.ru_maxrss / 1024);
    free(timer);
    eventq_free(q);
    return 0;
}
