#include "aws_quota.h"

void aws_quota_init(struct aws_quota *q, uint32_t capacity, uint32_t retry_cost,
                    uint32_t timeout_cost)
{
    q->capacity = q->available = capacity;
    q->retry_cost = retry_cost;
    q->timeout_cost = timeout_cost;
}

uint32_t aws_quota_acquire(struct aws_quota *q, bool timeout)
{
    uint32_t cost = timeout ? q->timeout_cost : q->retry_cost;
    if (cost == 0 || q->available < cost)
        return 0;
    q->available -= cost;
    return cost;
}

void aws_quota_on_success(struct aws_quota *q, uint32_t taken)
{
    q->available += taken ? taken : 1;
    if (q->available > q->capacity)
        q->available = q->capacity;
}
