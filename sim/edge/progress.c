#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "../base/numfmt.h"

double progress_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double progress_clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A run shorter than this shows nothing: no flicker for the common case. */
static const double FIRST_DRAW_S = 1.0, REDRAW_S = 0.5;

void run_progress_begin(struct run_progress *p, bool quiet)
{
    double now = progress_clock_s();
    *p = (struct run_progress){.on = !quiet && isatty(STDERR_FILENO), .started = now,
                               .next = now + FIRST_DRAW_S, .then = now};
}

/* "40 s", "12 min", "3.5 h": time left, as a person reads it. */
static void format_left(char *out, size_t n, double s)
{
    if (s < 90)
        snprintf(out, n, "%.0f s", s);
    else if (s < 90 * 60)
        snprintf(out, n, "%.0f min", s / 60);
    else
        snprintf(out, n, "%.1f h", s / 3600);
}

void run_progress_update(struct run_progress *p, const char *what, double sim_s, double total_s,
                         uint64_t events)
{
    if (!p->on)
        return;
    double now = progress_clock_s();
    if (now < p->next)
        return;
    double rate = now > p->then ? (double)(events - p->events_then) / (now - p->then) : 0;
    double elapsed = now - p->started;
    char left[32];
    format_left(left, sizeof left, sim_s > 0 ? elapsed * (total_s - sim_s) / sim_s : 0);
    fprintf(stderr, "\r%s: %.1f of %.1f s simulated (%.0f%%), %.2f M events/s, about %s left\033[K",
            what, sim_s, total_s, total_s > 0 ? 100 * sim_s / total_s : 100, rate / 1e6, left);
    fflush(stderr);
    p->drawn = true;
    p->next = now + REDRAW_S;
    p->then = now;
    p->events_then = events;
}

void run_progress_end(struct run_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = false;
}
