/* The breaker in a real program: time from CLOCK_MONOTONIC, outcomes from a
 * flaky "dependency" that fails for its first second. The same object files
 * the simulator uses; nothing here knows about simulated time.
 * Build and run: make lib && build/lib/breaker-example */
#include <stdio.h>
#include <time.h>

#include "../breaker.h"

static sim_time monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (sim_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Fails for the first second after start, then works. */
static int call_dependency(sim_time since_start) { return since_start < 1000000000 ? -1 : 0; }

int main(void)
{
    struct breaker_cfg cfg = {.window = BREAKER_WINDOW_CONSECUTIVE, .consecutive_failures = 3,
                              .open_ns = 300000000, .half_open_calls = 1,
                              .half_open = BREAKER_HALF_OPEN_CONSECUTIVE,
                              .success_threshold = 1};
    struct breaker b;
    breaker_init(&b, &cfg);
    sim_time start = monotonic_now();
    int calls = 0, rejected = 0;
    struct timespec pause = {0, 50000000}; /* a call every 50 ms for 2 s */
    for (sim_time now = start; now - start < 2000000000; now = monotonic_now()) {
        uint32_t gen;
        enum breaker_transition t;
        bool ok = breaker_allow(&b, now, &gen, &t);
        if (t != BREAKER_NO_CHANGE)
            printf("%6.3f s  breaker %s\n", (double)(now - start) / 1e9,
                   breaker_state_name(b.state));
        if (ok) {
            calls++;
            bool failed = call_dependency(now - start) != 0;
            t = breaker_record(&b, monotonic_now(), gen, failed, monotonic_now() - now);
            if (t != BREAKER_NO_CHANGE)
                printf("%6.3f s  breaker %s\n", (double)(now - start) / 1e9,
                       breaker_state_name(b.state));
        } else {
            rejected++;
        }
        nanosleep(&pause, NULL);
    }
    printf("%d calls made, %d rejected by the open breaker\n", calls, rejected);
    breaker_release(&b);
    return 0;
}
