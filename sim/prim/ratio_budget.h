/* ratio_budget: the retry budget of Finagle (RetryBudget) and Linkerd
 * (tower's TpsBudget): each request deposits `ratio` of a retry, each retry
 * withdraws one, deposits and withdrawals expire after `ttl`, and a reserve
 * of `min_retries_per_s` x ttl retries is always there. Under total failure
 * retries are therefore at most ratio x requests + min_retries_per_s x ttl
 * over any ttl. Integer arithmetic as in Finagle: a deposit is 1000 units, a
 * withdrawal floor(1000 / ratio) (which rounds the effective ratio, e.g.
 * 0.3 gives 1000/333), over a window of 10 slices of ttl/10.
 * Time is passed in; the caller owns the struct (no heap memory). */
#ifndef STAMPEDE_RATIO_BUDGET_H
#define STAMPEDE_RATIO_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

#define RATIO_BUDGET_SLICES 10

struct ratio_budget {
    sim_time slice_ns;
    int64_t deposit, withdraw, reserve;
    int64_t slice_index[RATIO_BUDGET_SLICES]; /* which slice each slot holds */
    int64_t slice_sum[RATIO_BUDGET_SLICES];
};

/* ratio in [0, 10] (Finagle's percentCanRetry / 100); ttl_ns > 0. */
void ratio_budget_init(struct ratio_budget *b, double ratio, double min_retries_per_s,
                       sim_time ttl_ns);
/* An original request: adds ratio of a retry. */
void ratio_budget_deposit(struct ratio_budget *b, sim_time now);
/* A retry wants to go: true (and one retry withdrawn) if the budget allows. */
bool ratio_budget_try_withdraw(struct ratio_budget *b, sim_time now);
/* Retries available now. */
double ratio_budget_balance(struct ratio_budget *b, sim_time now);

#endif
