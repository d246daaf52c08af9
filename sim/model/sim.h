/* sim: one run of one scenario, a deterministic function of (scenario, seed).
 *
 * The simulation owns its event queue, entity state and metrics, and borrows
 * the scenario (which must outlive it). It reads no clock and no global
 * state, so several simulations can run side by side in one process.
 * Results leave through an observer: a window report at the end of every
 * window, then the run report from sim_report(). */
#ifndef STAMPEDE_SIM_H
#define STAMPEDE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "scenario.h"

struct sim;

struct sim_observer {
    void *ctx;
    /* Called at the end of every window with a report valid for the call. */
    void (*on_window)(void *ctx, const struct window_report *w);
    /* Called for every new client request (tests trace arrivals with it). */
    void (*on_offer)(void *ctx, uint32_t client, sim_time at);
    /* Called for each row of events.csv: fault starts and ends, instances
     * going down and up, policy state changes. Strings valid for the call. */
    void (*on_event)(void *ctx, sim_time at, const char *kind, const char *subject,
                     const char *detail);
};

/* Builds a run of `sc` seeded with `seed`; nothing happens until sim_run. */
struct sim *sim_new(const struct scenario *sc, uint64_t seed);
void sim_free(struct sim *s);

/* The observer is copied; call before running. */
void sim_set_observer(struct sim *s, const struct sim_observer *obs);

/* Runs until simulated time `until` (clamped to the scenario's duration) and
 * returns true while the run has more to do. The viewer advances in small
 * steps; sim_run() goes to the end in one call. */
bool sim_advance(struct sim *s, sim_time until);
void sim_run(struct sim *s);

/* More events than this at one instant and the run stops: simulated time
 * no longer advances (a closed loop with no think time whose requests
 * fail at once, say), and the run would never end. */
#define SIM_STUCK_EVENTS 20000000u

/* Whether the run stopped because time no longer advanced, and when. */
bool sim_stuck(const struct sim *s, sim_time *at);

sim_time sim_now(const struct sim *s);
/* Events handled so far (a read: it changes nothing, unlike sim_report). */
uint64_t sim_events(const struct sim *s);

/* Totals so far; valid until the next sim_advance or sim_free. */
const struct run_report *sim_report(struct sim *s);

#endif
