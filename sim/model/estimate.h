/* estimate: how much work and output a scenario asks for, from its
 * configuration alone, before a single event runs. Used to refuse a run
 * past a limit (a rate of 1e9 requests/s, a 100-wide fan-out three deep, a
 * 1 ms window over 1e8 s) in milliseconds rather than after hours or
 * terabytes. Figures are orders of magnitude, meant for limits, not for
 * capacity planning: a retry is counted as taken every time it may be. */
#ifndef STAMPEDE_ESTIMATE_H
#define STAMPEDE_ESTIMATE_H

#include <stdint.h>

#include "scenario.h"

struct estimate {
    double requests;        /* client requests over the run */
    double events;          /* events the engine handles, at most about */
    uint32_t top_client;    /* the client behind the most events */
    double top_client_events;
    double top_client_requests;
    double top_client_visits; /* service visits per request of that client */
    double windows;         /* reporting windows */
    double rows_per_window; /* CSV rows written per window, all files */
    double output_bytes;    /* CSV written, about */
};

void scenario_estimate(const struct scenario *sc, struct estimate *out);

#endif
