/* progress: a one-line report of a long command, redrawn in place on
 * stderr when it is a terminal. The wall clock is read here, by the command
 * line, to pace the report; the simulation never sees it. */
#ifndef STAMPEDE_PROGRESS_H
#define STAMPEDE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds on a monotonic wall clock. */
double progress_clock_s(void);
/* CPU time this process has used (s): what a benchmark divides by. */
double progress_cpu_s(void);

struct run_progress {
    bool on;        /* stderr is a terminal and the user did not say --quiet */
    bool drawn;     /* a line is on the screen, to be cleared at the end */
    double started; /* wall clock at the start */
    double next;    /* wall clock of the next redraw */
    uint64_t events_then;
    double then;    /* wall clock of the last redraw, for events per second */
};

void run_progress_begin(struct run_progress *p, bool quiet);
/* Redraws the line if the run has taken a second and the last redraw is half
 * a second old: simulated time reached, events per second, time left. */
void run_progress_update(struct run_progress *p, const char *what, double sim_s, double total_s,
                         uint64_t events);
/* Clears the line, so what follows is printed on a clean one. */
void run_progress_end(struct run_progress *p);

#endif
