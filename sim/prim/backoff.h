/* backoff: how long to wait before retry n (n = 1 is the first retry).
 *
 * Before jitter, with base b, multiplier m and n the retry:
 *   BACKOFF_CONSTANT     b
 *   BACKOFF_LINEAR       b n
 *   BACKOFF_EXPONENTIAL  b m^(n-1)
 * and e is that value capped at max_ns (when max_ns > 0). Jitter then
 * (AWS "Exponential Backoff and Jitter", resilience4j):
 *   JITTER_NONE          e
 *   JITTER_FULL          U(0, e)
 *   JITTER_EQUAL         e/2 + U(0, e/2)
 *   JITTER_DECORRELATED  min(max, U(b, 3 prev)), prev starting at b
 *   JITTER_PROPORTIONAL  U(e (1 - f), e (1 + f))   (resilience4j randomizationFactor)
 *   JITTER_UPWARD        U(e, e (1 + f))           (one-sided: Kubernetes wait.Jitter,
 *                                                  "1.0 to 1.25 s" for f = 0.25)
 *   JITTER_ADDITIVE      e + U(0, a)               (tenacity wait_exponential_jitter,
 *                                                  wait_exponential() + wait_random(0, a))
 * Where the cap goes is a named choice, because it changes storms: AWS and
 * gRPC draw within the capped range (cap before jitter, the default);
 * resilience4j and Polly cap after jitter (cap_after_jitter), so once
 * b m^(n-1) (1 - f) >= max every client waits exactly max and retries
 * re-synchronise into waves. The caller supplies the uniform draw u in
 * [0, 1), as it supplies the time: the module holds no generator. */
#ifndef STAMPEDE_BACKOFF_H
#define STAMPEDE_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

enum backoff_kind { BACKOFF_CONSTANT, BACKOFF_LINEAR, BACKOFF_EXPONENTIAL };
enum jitter_kind {
    JITTER_NONE,
    JITTER_FULL,
    JITTER_EQUAL,
    JITTER_DECORRELATED,
    JITTER_PROPORTIONAL,
    JITTER_UPWARD,
    JITTER_ADDITIVE,
};

struct backoff_cfg {
    enum backoff_kind kind;
    sim_time base_ns;
    double multiplier;      /* exponential; >= 1 */
    sim_time max_ns;        /* 0: no cap */
    enum jitter_kind jitter;
    double factor;          /* proportional and upward jitter, in [0, 1] */
    sim_time add_ns;        /* additive jitter: the most added */
    bool cap_after_jitter;
};

/* Per retry sequence: what decorrelated jitter remembers. */
struct backoff_state {
    sim_time prev_ns;
};

/* Starts a new sequence of retries (one request's). */
void backoff_begin(struct backoff_state *st, const struct backoff_cfg *cfg);
/* The delay before retry `retry` (>= 1), given a uniform u in [0, 1). */
sim_time backoff_delay(const struct backoff_cfg *cfg, struct backoff_state *st, uint32_t retry,
                       double u);

#endif
