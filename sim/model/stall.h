/* stall: whether a scenario can stop simulated time. A closed-loop user
 * who sends again at once after a failure that takes no time (a full queue,
 * an open breaker, a refusing outage) makes an endless burst of events at
 * one instant; the engine stops such a run with an error (SIM_STUCK_EVENTS).
 * This finds the configurations that allow it, so `validate` can warn before
 * anything runs. It is a sufficient-condition check on the configuration: a
 * warned scenario may well run fine. */
#ifndef STAMPEDE_STALL_H
#define STAMPEDE_STALL_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* Whether a draw of d can be 0 ns (constant 0, a uniform or empirical
 * reaching 0, a normal clamped at 0). */
bool dist_can_be_zero(const struct dist *d);

/* Whether client c can stall time; `why` names the instant failure that
 * could (a queue capacity, a policy, a fault). */
bool client_can_stall(const struct scenario *sc, uint32_t c, char *why, size_t why_size);

#endif
