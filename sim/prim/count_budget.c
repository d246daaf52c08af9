#include "count_budget.h"

#include <stdlib.h>

#include "../base/xalloc.h"

void count_budget_init(struct count_budget *b, uint32_t max_retries, sim_time window_ns,
                       sim_time min_interval_ns)
{
    b->max_retries = max_retries;
    b->window_ns = window_ns;
    b->min_interval_ns = min_interval_ns;
    b->next = b->used = 0;
    b->last = 0;
    b->times = xcalloc(max_retries ? max_retries : 1, sizeof *b->times);
}

void count_budget_release(struct count_budget *b)
{
    free(b->times);
    b->times = NULL;
}

bool count_budget_try(struct count_budget *b, sim_time now)
{
    if (b->max_retries == 0)
        return false;
    if (b->used && now - b->last < b->min_interval_ns)
        return false;
    /* full ring: the oldest of the last max_retries must have left the window */
    if (b->used == b->max_retries && now - b->times[b->next] < b->window_ns)
        return false;
    b->times[b->next] = now;
    b->next = (b->next + 1) % b->max_retries;
    if (b->used < b->max_retries)
        b->used++;
    b->last = now;
    return true;
}
