#include "ratio_budget.h"

#include <string.h>

void ratio_budget_init(struct ratio_budget *b, double ratio, double min_retries_per_s,
                       sim_time ttl_ns)
{
    memset(b, 0, sizeof *b);
    b->slice_ns = ttl_ns / RATIO_BUDGET_SLICES > 0 ? ttl_ns / RATIO_BUDGET_SLICES : 1;
    b->deposit = ratio > 0 ? 1000 : 0;
    b->withdraw = ratio > 0 ? (int64_t)(1000 / ratio) : 1;
    if (b->withdraw < 1)
        b->withdraw = 1;
    b->reserve = (int64_t)(min_retries_per_s * sim_time_to_s(ttl_ns) * (double)b->withdraw);
    for (int i = 0; i < RATIO_BUDGET_SLICES; i++)
        b->slice_index[i] = -1;
}

/* The slot for now's slice, cleared if it held an expired one. */
static int64_t *slot(struct ratio_budget *b, sim_time now)
{
    int64_t idx = now / b->slice_ns;
    int k = (int)(idx % RATIO_BUDGET_SLICES);
    if (b->slice_index[k] != idx) {
        b->slice_index[k] = idx;
        b->slice_sum[k] = 0;
    }
    return &b->slice_sum[k];
}

static int64_t count(struct ratio_budget *b, sim_time now)
{
    int64_t idx = now / b->slice_ns, sum = b->reserve;
    for (int k = 0; k < RATIO_BUDGET_SLICES; k++)
        if (b->slice_index[k] > idx - RATIO_BUDGET_SLICES && b->slice_index[k] <= idx)
            sum += b->slice_sum[k];
    return sum;
}

void ratio_budget_deposit(struct ratio_budget *b, sim_time now) { *slot(b, now) += b->deposit; }

bool ratio_budget_try_withdraw(struct ratio_budget *b, sim_time now)
{
    if (count(b, now) < b->withdraw)
        return false;
    *slot(b, now) -= b->withdraw; /* withdrawals expire too, as in Finagle */
    return true;
}

double ratio_budget_balance(struct ratio_budget *b, sim_time now)
{
    return (double)count(b, now) / (double)b->withdraw;
}
