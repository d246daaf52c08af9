/* probe: a Kubernetes-style health probe's counters (core/v1 Probe). Each
 * result moves consecutive success and failure counts; `failure_threshold`
 * failures in a row make the target unready (readiness: out of the
 * balancer) or failed (liveness: restart it), `success_threshold` successes
 * in a row make it ready again. A probe that times out is a failure. The
 * caller runs the probe every period (after the initial delay) and passes
 * each result; no clock is read. */
#ifndef STAMPEDE_PROBE_H
#define STAMPEDE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

enum probe_change { PROBE_NO_CHANGE, PROBE_BECAME_READY, PROBE_BECAME_UNREADY };

struct probe {
    uint32_t success_threshold, failure_threshold; /* >= 1 (Kubernetes 1 and 3) */
    uint32_t successes, failures;
    bool ready;
};

/* Targets start not ready, as containers do, unless `start_ready`. */
void probe_init(struct probe *p, uint32_t success_threshold, uint32_t failure_threshold,
                bool start_ready);
enum probe_change probe_on_result(struct probe *p, bool ok);

#endif
