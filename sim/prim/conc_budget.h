/* conc_budget: Envoy's retry budget, a concurrency cap rather than a rate:
 * a retry may start while retries in flight < max(floor(percent/100 x
 * requests in flight), min_concurrency) (Envoy 20% and 3). A slow upstream
 * therefore uses the budget up even at a low retry rate. No clock. */
#ifndef STAMPEDE_CONC_BUDGET_H
#define STAMPEDE_CONC_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct conc_budget {
    double percent;
    uint32_t min_concurrency;
    uint32_t active_requests, active_retries;
};

void conc_budget_init(struct conc_budget *b, double percent, uint32_t min_concurrency);
/* A retry wants to start; true (and counted as active) if allowed. */
bool conc_budget_try_retry(struct conc_budget *b);
void conc_budget_retry_done(struct conc_budget *b);
/* Requests in flight (first attempts and retries) come and go. */
void conc_budget_request_started(struct conc_budget *b);
void conc_budget_request_done(struct conc_budget *b);

#endif
