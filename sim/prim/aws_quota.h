/* aws_quota: the AWS SDK "standard" retry quota (botocore). A client holds
 * `capacity` tokens (500); a retry takes `retry_cost` (5), or `timeout_cost`
 * (10) when the failure was a timeout; with too few tokens there is no
 * retry. A retried request that finally succeeds refunds what its last retry
 * took; a request that succeeds on its first try adds 1 (up to capacity).
 * No clock is involved; the caller owns the struct. */
#ifndef STAMPEDE_AWS_QUOTA_H
#define STAMPEDE_AWS_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

struct aws_quota {
    uint32_t capacity, retry_cost, timeout_cost, available;
};

void aws_quota_init(struct aws_quota *q, uint32_t capacity, uint32_t retry_cost,
                    uint32_t timeout_cost);
/* A retry wants to go after a failure (`timeout`: the failure was one).
 * Returns the tokens taken (remember them for the refund), 0 if refused. */
uint32_t aws_quota_acquire(struct aws_quota *q, bool timeout);
/* The request succeeded; `taken` is what its last retry took (0: it
 * succeeded on the first try). */
void aws_quota_on_success(struct aws_quota *q, uint32_t taken);

#endif
