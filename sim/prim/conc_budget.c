#include "conc_budget.h"

#include <math.h>

void conc_budget_init(struct conc_budget *b, double percent, uint32_t min_concurrency)
{
    b->percent = percent;
    b->min_concurrency = min_concurrency;
    b->active_requests = b->active_retries = 0;
}

bool conc_budget_try_retry(struct conc_budget *b)
{
    double by_share = floor(b->percent / 100 * b->active_requests);
    double allowed = by_share > b->min_concurrency ? by_share : b->min_concurrency;
    if ((double)b->active_retries >= allowed)
        return false;
    b->active_retries++;
    return true;
}

void conc_budget_retry_done(struct conc_budget *b)
{
    if (b->active_retries)
        b->active_retries--;
}

void conc_budget_request_started(struct conc_budget *b) { b->active_requests++; }

void conc_budget_request_done(struct conc_budget *b)
{
    if (b->active_requests)
        b->active_requests--;
}
