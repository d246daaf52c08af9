/* count_budget: at most `max_retries` retries in any sliding `window`, and
 * at least `min_interval` between two retries (the fixed count per window
 * of the project's seed designs). Remembers the times of the last
 * max_retries retries (freed by count_budget_release). Time is passed in. */
#ifndef STAMPEDE_COUNT_BUDGET_H
#define STAMPEDE_COUNT_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

struct count_budget {
    uint32_t max_retries, next, used;
    sim_time window_ns, min_interval_ns, last;
    sim_time *times; /* ring of the last max_retries retry times */
};

void count_budget_init(struct count_budget *b, uint32_t max_retries, sim_time window_ns,
                       sim_time min_interval_ns);
void count_budget_release(struct count_budget *b);
/* A retry wants to go: true (and counted) if the budget allows it. */
bool count_budget_try(struct count_budget *b, sim_time now);

#endif
