/* Policies from JSON: "policies": {"edge": {"timeout_ms": 1000, "retry":
 * {...}, "retry_budget": {...}, "circuit_breaker": {...}}}. Defaults are the
 * libraries' (docs/primitives.md), and every key is checked. */
#include <string.h>

#include "loader_internal.h"

static const char *const POLICY_KEYS[] = {
    "timeout_ms", "deadline_ms",       "retry",  "retry_budget", "circuit_breaker",
    "bulkhead",   "rate_limit",        "adaptive_throttle", "hedge", "fallback",
    "idempotency_key", "order", "connect_timeout_ms", "scope", NULL};
static const char *const HEDGE_KEYS[] = {"delay_ms", "max_hedged", "delay_percentile", NULL};
static const char *const IDEM_KEYS[] = {"retention_s", NULL};
static const char *const THROTTLE_KEYS[] = {"k", "window_s", NULL};
static const char *const BULKHEAD_KEYS[] = {"kind", "max_concurrent", "max_wait_ms",
                                            "max_threads", "queue", NULL};
static const char *const BULKHEAD_KINDS[] = {"semaphore", "thread_pool", NULL};
static const char *const RATE_LIMIT_KEYS[] = {"rate_rps", "burst", "limit_for_period",
                                              "refresh_ms", "timeout_ms", NULL};
static const char *const FALLBACK_KEYS[] = {"latency_ms", "on", NULL};
/* the failures a fallback may answer, by enum outcome */
static const struct {
    const char *name;
    enum outcome outcome;
} FALLBACK_ON[] = {{"timeout", OUTCOME_TIMEOUT},   {"error", OUTCOME_ERROR},
                   {"rejected", OUTCOME_REJECTED}, {"breaker_open", OUTCOME_BREAKER},
                   {"shed", OUTCOME_SHED},         {"throttled", OUTCOME_THROTTLED}};
/* The blocks `order` places, and the key that gives each one. */
static const char *const ORDER_NAMES[] = {"fallback", "circuit_breaker", "retry",
                                          "adaptive_throttle", "bulkhead", "rate_limit",
                                          "timeout", NULL};
static const char *const ORDER_KEYS[] = {"fallback", "circuit_breaker", "retry",
                                         "adaptive_throttle", "bulkhead", "rate_limit",
                                         "timeout_ms", NULL};
enum { ORD_FALLBACK, ORD_BREAKER, ORD_RETRY, ORD_THROTTLE, ORD_BULKHEAD, ORD_RATE_LIMIT,
       ORD_TIMEOUT, ORD_COUNT };
static const char *const RETRY_KEYS[] = {"max_attempts", "backoff", "base_ms", "multiplier",
                                         "max_ms", "jitter", "factor", "jitter_ms", "cap_after_jitter", "on",
                                         "honor_retry_after", NULL};
static const char *const BACKOFFS[] = {"constant", "linear", "exponential", NULL};
static const char *const JITTERS[] = {"none", "full", "equal", "decorrelated", "proportional", "upward", "additive",
                                      NULL};
static const char *const ON_NAMES[] = {"timeout", "error", "rejected", "breaker_open", NULL};
static const char *const BUDGET_KINDS[] = {"ratio", "concurrency", "grpc", "aws", "count", NULL};
static const char *const BUDGET_KEYS[][6] = {
    {"kind", "ratio", "min_retries_per_s", "ttl_s", NULL},
    {"kind", "percent", "min_concurrency", NULL},
    {"kind", "max_tokens", "token_ratio", NULL},
    {"kind", "capacity", "retry_cost", "timeout_cost", NULL},
    {"kind", "max_retries", "window_s", "min_interval_ms", NULL},
};
static const char *const BREAKER_KEYS[] = {
    "window",         "size",      "min_calls",         "failure_rate", "slow_call_ms",
    "slow_call_rate", "consecutive_failures", "open_s", "half_open_calls",
    "success_threshold", "half_open", "failure_count", "interval_s", "ignore_status", NULL};
static const char *const WINDOWS[] = {"consecutive", "count", "time", NULL};
static const char *const HALF_OPENS[] = {"rate", "consecutive", NULL};

/* A status code in a list ("on": [503, 429]): an integer from 400 to 599,
 * added to `set`. False if the item is not a number. */
static bool read_status(struct diag *d, const cJSON *c, const char *path, struct status_set *set)
{
    if (!cJSON_IsNumber(c))
        return false;
    double x = c->valuedouble;
    if (x != (double)(int)x || x < 400 || x > 599)
        diag_error(d, path, "expected an HTTP status from 400 to 599, got %g", x);
    else if (set->n == STATUS_SET_MAX)
        diag_error(d, path, "at most %d statuses", STATUS_SET_MAX);
    else if (!status_set_has(set, (unsigned)x))
        set->code[set->n++] = (uint16_t)x;
    return true;
}

static void parse_retry_on(struct diag *d, const cJSON *v, const char *path, struct retry_cfg *out)
{
    const cJSON *list = json_get(v, "on");
    if (!list)
        return;
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX];
    json_path_key(p, path, "on");
    if (!json_expect_array(d, list, p))
        return;
    out->on = 0;
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(ip, p, i);
        if (read_status(d, c, ip, &out->on_status))
            continue;
        int k = -1;
        for (int n = 0; ON_NAMES[n] && cJSON_IsString(c); n++)
            if (strcmp(ON_NAMES[n], c->valuestring) == 0)
                k = n;
        if (k < 0)
            diag_error(d, ip, "expected one of timeout, error, rejected, breaker_open, or an "
                              "HTTP status (503)");
        else
            out->on |= 1u << k;
    }
}

/* The statuses of a list that holds nothing else ("ignore_status": [404]). */
static void parse_status_list(struct diag *d, const cJSON *v, const char *path, const char *key,
                              struct status_set *out)
{
    const cJSON *list = json_get(v, key);
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX];
    if (!list || !json_expect_array(d, list, json_path_key(p, path, key)))
        return;
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++)
        if (!read_status(d, c, json_path_index(ip, p, i), out))
            diag_error(d, ip, "expected an HTTP status from 400 to 599");
}

static void parse_retry(struct diag *d, const cJSON *v, const char *path, struct retry_cfg *p)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, RETRY_KEYS);
    int64_t n;
    double x;
    int k;
    p->max_attempts = 3; /* resilience4j: the first attempt counts */
    if (json_read_int(d, v, path, "max_attempts", false, 1, 100, &n))
        p->max_attempts = (uint32_t)n;
    struct backoff_cfg *b = &p->backoff;
    b->kind = BACKOFF_EXPONENTIAL;
    b->base_ns = sim_time_from_ms(100);
    b->multiplier = 2;
    b->max_ns = sim_time_from_ms(10000);
    b->jitter = JITTER_FULL; /* gRPC and AWS */
    b->factor = 0.5;         /* resilience4j's randomizationFactor */
    if (json_read_choice(d, v, path, "backoff", false, BACKOFFS, &k))
        b->kind = (enum backoff_kind)k;
    if (json_read_number(d, v, path, "base_ms", false, 0, false, 1e9, &x))
        b->base_ns = sim_time_from_ms(x);
    json_read_number(d, v, path, "multiplier", false, 1, false, 1000, &b->multiplier);
    if (json_read_number(d, v, path, "max_ms", false, 0, false, 1e9, &x)) {
        b->max_ns = sim_time_from_ms(x);
        if (b->max_ns < b->base_ns) {
            char q[JSON_PATH_MAX];
            diag_error(d, json_path_key(q, path, "max_ms"), "the cap must not be below base_ms");
        }
    }
    if (json_read_choice(d, v, path, "jitter", false, JITTERS, &k))
        b->jitter = (enum jitter_kind)k;
    if (b->jitter == JITTER_UPWARD)
        b->factor = 1; /* Kubernetes wait.Jitter: a maxFactor of 0 means 1 */
    json_read_number(d, v, path, "factor", false, 0, false, 1, &b->factor);
    b->add_ns = sim_time_from_ms(1000); /* tenacity wait_exponential_jitter: jitter = 1 s */
    if (json_read_number(d, v, path, "jitter_ms", false, 0, false, 1e9, &x))
        b->add_ns = sim_time_from_ms(x);
    char q[JSON_PATH_MAX];
    if (json_get(v, "factor") && b->jitter != JITTER_PROPORTIONAL && b->jitter != JITTER_UPWARD)
        diag_error(d, json_path_key(q, path, "factor"),
                   "belongs to proportional or upward jitter (this retry's jitter is '%s')",
                   JITTERS[b->jitter]);
    if (json_get(v, "jitter_ms") && b->jitter != JITTER_ADDITIVE)
        diag_error(d, json_path_key(q, path, "jitter_ms"),
                   "belongs to additive jitter (this retry's jitter is '%s')", JITTERS[b->jitter]);
    json_read_bool(d, v, path, "cap_after_jitter", false, &b->cap_after_jitter);
    p->honor_retry_after = true;
    json_read_bool(d, v, path, "honor_retry_after", false, &p->honor_retry_after);
    p->on = RETRY_ON_TIMEOUT | RETRY_ON_ERROR | RETRY_ON_REJECTED;
    parse_retry_on(d, v, path, p);
}

static void parse_budget(struct diag *d, const cJSON *v, const char *path, struct budget_cfg *b)
{
    if (!json_expect_object(d, v, path))
        return;
    int k;
    if (!json_read_choice(d, v, path, "kind", true, BUDGET_KINDS, &k))
        return;
    json_check_keys(d, v, path, BUDGET_KEYS[k]);
    b->kind = (enum budget_kind)(k + 1);
    double x;
    int64_t n;
    switch (b->kind) {
    case BUDGET_RATIO: /* Finagle: 20%, 10/s, 10 s */
        b->ratio = 0.2, b->min_retries_per_s = 10, b->ttl_ns = sim_time_from_s(10);
        json_read_number(d, v, path, "ratio", false, 0, false, 10, &b->ratio);
        json_read_number(d, v, path, "min_retries_per_s", false, 0, false, 1e6,
                         &b->min_retries_per_s);
        if (json_read_number(d, v, path, "ttl_s", false, 1, false, 60, &x))
            b->ttl_ns = sim_time_from_s(x);
        break;
    case BUDGET_CONCURRENCY: /* Envoy: 20%, 3 */
        b->percent = 20, b->min_concurrency = 3;
        json_read_number(d, v, path, "percent", false, 0, false, 100, &b->percent);
        if (json_read_int(d, v, path, "min_concurrency", false, 0, 1000000, &n))
            b->min_concurrency = (uint32_t)n;
        break;
    case BUDGET_GRPC:
        b->max_tokens = 10, b->token_ratio = 0.1;
        json_read_number(d, v, path, "max_tokens", false, 0, true, 1000, &b->max_tokens);
        json_read_number(d, v, path, "token_ratio", false, 0, true, 1000, &b->token_ratio);
        break;
    case BUDGET_AWS: /* the AWS SDK standard mode */
        b->capacity = 500, b->retry_cost = 5, b->timeout_cost = 10;
        if (json_read_int(d, v, path, "capacity", false, 1, 1000000, &n))
            b->capacity = (uint32_t)n;
        if (json_read_int(d, v, path, "retry_cost", false, 1, 1000000, &n))
            b->retry_cost = (uint32_t)n;
        if (json_read_int(d, v, path, "timeout_cost", false, 1, 1000000, &n))
            b->timeout_cost = (uint32_t)n;
        break;
    case BUDGET_COUNT:
        b->window_ns = sim_time_from_s(1);
        if (json_read_int(d, v, path, "max_retries", true, 0, 1000000, &n))
            b->max_retries = (uint32_t)n;
        if (json_read_number(d, v, path, "window_s", false, 0, true, 1e6, &x))
            b->window_ns = sim_time_from_s(x);
        if (json_read_number(d, v, path, "min_interval_ms", false, 0, false, 1e9, &x))
            b->min_interval_ns = sim_time_from_ms(x);
        break;
    case BUDGET_NONE:
        break;
    }
}

static void parse_breaker(struct diag *d, const cJSON *v, const char *path,
                          struct breaker_cfg *b)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, BREAKER_KEYS);
    int k = BREAKER_WINDOW_CONSECUTIVE;
    json_read_choice(d, v, path, "window", false, WINDOWS, &k);
    b->window = (enum breaker_window)k;
    bool consecutive = b->window == BREAKER_WINDOW_CONSECUTIVE;
    /* resilience4j for the sliding windows, pybreaker for consecutive */
    b->size = 100, b->min_calls = 100, b->failure_rate = 50, b->slow_call_rate = 100;
    b->consecutive_failures = 5;
    b->open_ns = sim_time_from_s(60);
    b->half_open_calls = consecutive ? 1 : 10;
    b->half_open = consecutive ? BREAKER_HALF_OPEN_CONSECUTIVE : BREAKER_HALF_OPEN_RATE;
    b->success_threshold = 1;
    int64_t n;
    double x;
    if (json_read_int(d, v, path, "size", false, 1, 100000, &n))
        b->size = (uint32_t)n;
    if (json_read_int(d, v, path, "min_calls", false, 1, 1000000, &n))
        b->min_calls = (uint32_t)n;
    json_read_number(d, v, path, "failure_rate", false, 0, true, 1, &b->failure_rate);
    if (json_get(v, "failure_rate"))
        b->failure_rate *= 100; /* the scenario says a ratio; the primitive takes percent */
    if (json_read_number(d, v, path, "slow_call_ms", false, 0, true, 1e9, &x))
        b->slow_call_ns = sim_time_from_ms(x);
    if (json_read_number(d, v, path, "slow_call_rate", false, 0, true, 1, &x))
        b->slow_call_rate = x * 100;
    if (json_read_int(d, v, path, "consecutive_failures", false, 1, 1000000, &n))
        b->consecutive_failures = (uint32_t)n;
    if (json_read_number(d, v, path, "open_s", false, 0, true, 1e6, &x))
        b->open_ns = sim_time_from_s(x);
    bool permits = json_read_int(d, v, path, "half_open_calls", false, 0, 1000000, &n);
    if (permits)
        b->half_open_calls = (uint32_t)n;
    if (json_read_int(d, v, path, "success_threshold", false, 1, 1000000, &n)) {
        b->success_threshold = (uint32_t)n;
        b->half_open = BREAKER_HALF_OPEN_CONSECUTIVE;
        if (!permits) /* gobreaker's MaxRequests: the permits are the successes needed */
            b->half_open_calls = b->success_threshold;
    }
    if (json_read_choice(d, v, path, "half_open", false, HALF_OPENS, &k))
        b->half_open = (enum breaker_half_open)k;
    char p[JSON_PATH_MAX];
    if (b->half_open == BREAKER_HALF_OPEN_CONSECUTIVE && b->half_open_calls > 0 &&
        b->half_open_calls < b->success_threshold)
        diag_error(d, json_path_key(p, path, "half_open_calls"),
                   "%u trial calls cannot give %u successes in a row: once they are used the "
                   "breaker stays half-open for ever (gobreaker makes both one number, "
                   "MaxRequests); give at least %u, or 0 for no limit (pybreaker)",
                   b->half_open_calls, b->success_threshold, b->success_threshold);
    if (json_read_int(d, v, path, "failure_count", false, 1, 1000000, &n)) {
        b->failure_count = (uint32_t)n;
        json_path_key(p, path, "failure_count");
        if (consecutive)
            diag_error(d, p, "counts failures in a count or time window (window: \"count\" or "
                             "\"time\"); a consecutive breaker has consecutive_failures");
        else if (json_get(v, "failure_rate"))
            diag_error(d, p, "open on a failure rate or on a failure count, not both");
        else if (b->window == BREAKER_WINDOW_COUNT && b->failure_count > b->size)
            diag_error(d, p, "%u failures cannot fit in a window of %u calls", b->failure_count,
                       b->size);
        if (!json_get(v, "min_calls")) /* Failsafe: the executions default to the failures */
            b->min_calls = b->failure_count;
        if (!json_get(v, "half_open")) { /* trials judged one by one, not by a count of them */
            b->half_open = BREAKER_HALF_OPEN_CONSECUTIVE;
            if (!permits)
                b->half_open_calls = b->success_threshold;
        }
    }
    if (json_read_number(d, v, path, "interval_s", false, 0, true, 1e6, &x)) {
        b->interval_ns = sim_time_from_s(x);
        if (!consecutive)
            diag_error(d, json_path_key(p, path, "interval_s"),
                       "clears a consecutive breaker's count (gobreaker's Interval); a count "
                       "or time window forgets old calls by itself");
    }
}

void loader_parse_rate_limit(struct diag *d, const cJSON *v, const char *path,
                             bool token_bucket_only, struct rate_limit_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, RATE_LIMIT_KEYS);
    double x;
    int64_t n;
    bool bucket = json_get(v, "rate_rps") != NULL;
    bool window = json_get(v, "limit_for_period") != NULL;
    if (bucket == window) {
        diag_error(d, path, "expected either 'rate_rps' (token bucket) or 'limit_for_period' "
                            "(fixed window)");
        return;
    }
    char p[JSON_PATH_MAX];
    if (bucket) {
        out->kind = RATE_LIMIT_TOKEN_BUCKET;
        json_read_number(d, v, path, "rate_rps", true, 0, true, 1e9, &out->rate_rps);
        out->burst = 1; /* x/time/rate needs a burst of at least one */
        if (json_read_int(d, v, path, "burst", false, 1, 100000000, &n))
            out->burst = (uint32_t)n;
        for (int i = 2; RATE_LIMIT_KEYS[i]; i++)
            if (json_get(v, RATE_LIMIT_KEYS[i]))
                diag_error(d, json_path_key(p, path, RATE_LIMIT_KEYS[i]),
                           "belongs to the fixed window (limit_for_period), not the token bucket");
        return;
    }
    if (token_bucket_only) {
        diag_error(d, json_path_key(p, path, "limit_for_period"),
                   "a service's rate limit is a token bucket ('rate_rps', 'burst')");
        return;
    }
    out->kind = RATE_LIMIT_FIXED_WINDOW; /* resilience4j: 50 per 500 ns, wait 5 s */
    out->refresh_ns = sim_time_from_ms(500);
    out->timeout_ns = sim_time_from_s(5);
    if (json_read_int(d, v, path, "limit_for_period", true, 1, 100000000, &n))
        out->limit_for_period = (uint32_t)n;
    if (json_read_number(d, v, path, "refresh_ms", false, 0, true, 1e9, &x))
        out->refresh_ns = sim_time_from_ms(x);
    if (json_read_number(d, v, path, "timeout_ms", false, 0, false, 1e9, &x))
        out->timeout_ns = sim_time_from_ms(x);
    if (json_get(v, "burst"))
        diag_error(d, json_path_key(p, path, "burst"),
                   "belongs to the token bucket (rate_rps), not the fixed window");
}

static void parse_throttle(struct diag *d, const cJSON *v, const char *path,
                           struct policy_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, THROTTLE_KEYS);
    out->throttle.present = true;
    out->throttle.k = 2; /* the SRE book */
    out->throttle.window_ns = sim_time_from_s(120);
    json_read_number(d, v, path, "k", false, 1, false, 100, &out->throttle.k);
    double x;
    if (json_read_number(d, v, path, "window_s", false, 0, true, 3600, &x))
        out->throttle.window_ns = sim_time_from_s(x);
}

static void parse_bulkhead(struct diag *d, const cJSON *v, const char *path,
                           struct policy_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, BULKHEAD_KEYS);
    struct bulkhead_cfg *b = &out->bulkhead;
    b->present = true;
    int kind = 0;
    json_read_choice(d, v, path, "kind", false, BULKHEAD_KINDS, &kind);
    b->thread_pool = kind == 1;
    int64_t n;
    double x;
    char p[JSON_PATH_MAX];
    static const char *const semaphore_only[] = {"max_concurrent", "max_wait_ms", NULL};
    static const char *const pool_only[] = {"max_threads", "queue", NULL};
    const char *const *foreign = b->thread_pool ? semaphore_only : pool_only;
    for (int i = 0; foreign[i]; i++)
        if (json_get(v, foreign[i]))
            diag_error(d, json_path_key(p, path, foreign[i]), "belongs to a %s bulkhead (this one "
                       "is a %s)", b->thread_pool ? "semaphore" : "thread_pool",
                       BULKHEAD_KINDS[kind]);
    if (b->thread_pool) {
        b->max_concurrent = 10; /* Hystrix: coreSize 10, no queue (maxQueueSize -1) */
        if (json_read_int(d, v, path, "max_threads", false, 1, 100000000, &n))
            b->max_concurrent = (uint32_t)n;
        if (json_read_int(d, v, path, "queue", false, 0, 100000000, &n))
            b->queue = (uint32_t)n;
        /* a queued attempt waits at most its timeout, as Hystrix's covers the queue */
        b->max_wait_ns = b->queue > 0 ? out->timeout_ns : 0;
        if (b->queue > 0 && out->timeout_ns <= 0)
            diag_error(d, json_path_key(p, path, "queue"),
                       "a thread pool's queue needs the policy's timeout_ms (the longest an "
                       "attempt waits in it, as in Hystrix)");
        return;
    }
    b->max_concurrent = 25; /* resilience4j */
    if (json_read_int(d, v, path, "max_concurrent", false, 1, 100000000, &n))
        b->max_concurrent = (uint32_t)n;
    if (json_read_number(d, v, path, "max_wait_ms", false, 0, false, 1e9, &x))
        b->max_wait_ns = sim_time_from_ms(x);
}

static void parse_fallback(struct diag *d, const cJSON *v, const char *path,
                           struct policy_cfg *out)
{
    if (cJSON_IsBool(v)) { /* "fallback": true, an immediate default answer */
        out->fallback.present = cJSON_IsTrue(v);
        return;
    }
    if (!cJSON_IsObject(v)) {
        char got[64];
        json_describe(v, got, sizeof got);
        diag_error(d, path, "expected true, false or an object ({\"latency_ms\": ...}), got %s",
                   got);
        return;
    }
    json_check_keys(d, v, path, FALLBACK_KEYS);
    out->fallback.present = true;
    double x;
    if (json_read_number(d, v, path, "latency_ms", false, 0, false, 1e9, &x))
        out->fallback.latency_ns = sim_time_from_ms(x);
    const cJSON *list = json_get(v, "on");
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX];
    if (!list || !json_expect_array(d, list, json_path_key(p, path, "on")))
        return;
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(ip, p, i);
        if (read_status(d, c, ip, &out->fallback.on_status))
            continue;
        size_t k = 0, kinds = sizeof FALLBACK_ON / sizeof FALLBACK_ON[0];
        while (k < kinds && !(cJSON_IsString(c) && !strcmp(c->valuestring, FALLBACK_ON[k].name)))
            k++;
        if (k == kinds)
            diag_error(d, ip, "expected one of timeout, error, rejected, breaker_open, shed, "
                              "throttled, or an HTTP status (503)");
        else
            out->fallback.on |= 1u << FALLBACK_ON[k].outcome;
    }
    if (!out->fallback.on && !out->fallback.on_status.n)
        diag_error(d, p, "an empty list: leave 'on' out to answer for every failure");
}

/* `order`: the policy's blocks, outermost first, each named once. The
 * simulator applies adaptive throttling, bulkhead, rate limit and timeout to
 * each attempt, so they must come after the retry; the breaker may sit on
 * either side of it; the fallback, if any, is outermost. */
static void parse_order(struct diag *d, const cJSON *v, const cJSON *list, const char *path,
                        struct policy_cfg *out)
{
    if (!json_expect_array(d, list, path))
        return;
    int pos[ORD_COUNT];
    for (int i = 0; i < ORD_COUNT; i++)
        pos[i] = -1;
    char ip[JSON_PATH_MAX];
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(ip, path, i);
        int k = -1;
        for (int n = 0; ORDER_NAMES[n] && cJSON_IsString(c); n++)
            if (strcmp(ORDER_NAMES[n], c->valuestring) == 0)
                k = n;
        if (k < 0)
            diag_error(d, ip, "expected one of fallback, circuit_breaker, retry, "
                              "adaptive_throttle, bulkhead, rate_limit, timeout");
        else if (pos[k] >= 0)
            diag_error(d, ip, "'%s' is named twice", ORDER_NAMES[k]);
        else if (!json_get(v, ORDER_KEYS[k]))
            diag_error(d, ip, "the policy has no '%s' to place", ORDER_KEYS[k]);
        else
            pos[k] = i;
    }
    for (int k = 0; k < ORD_COUNT; k++)
        if (pos[k] < 0 && json_get(v, ORDER_KEYS[k]))
            diag_error(d, path, "does not place '%s' (name every block of the policy once)",
                       ORDER_NAMES[k]);
    if (pos[ORD_FALLBACK] > 0)
        diag_error(d, path, "the fallback must come first (it answers for everything inside)");
    static const unsigned outer_bit[ORD_COUNT] = {
        [ORD_THROTTLE] = OUTER_THROTTLE, [ORD_BULKHEAD] = OUTER_BULKHEAD,
        [ORD_RATE_LIMIT] = OUTER_RATE_LIMIT, [ORD_TIMEOUT] = OUTER_TIMEOUT};
    for (int k = ORD_THROTTLE; k < ORD_COUNT; k++)
        if (pos[k] >= 0 && pos[ORD_RETRY] >= 0 && pos[k] < pos[ORD_RETRY])
            out->outer |= outer_bit[k];
    out->breaker.inside_retry = pos[ORD_BREAKER] >= 0 && pos[ORD_RETRY] >= 0 &&
                                pos[ORD_BREAKER] > pos[ORD_RETRY];
}

void loader_parse_policy(struct diag *d, const cJSON *v, const char *path, struct policy_cfg *out)
{
    out->retry.max_attempts = 1;
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, POLICY_KEYS);
    char p[JSON_PATH_MAX];
    double ms;
    if (json_read_number(d, v, path, "timeout_ms", false, 0, true, 1e9, &ms))
        out->timeout_ns = sim_time_from_ms(ms);
    if (json_read_number(d, v, path, "deadline_ms", false, 0, true, 1e9, &ms))
        out->deadline_ns = sim_time_from_ms(ms);
    if (json_read_number(d, v, path, "connect_timeout_ms", false, 0, true, 1e9, &ms))
        out->connect_timeout_ns = sim_time_from_ms(ms);
    static const char *const SCOPES[] = {"instance", "service", NULL};
    int scope = 0;
    json_read_choice(d, v, path, "scope", false, SCOPES, &scope);
    out->shared = scope == 1;
    const cJSON *block;
    if ((block = json_get(v, "retry")))
        parse_retry(d, block, json_path_key(p, path, "retry"), &out->retry);
    if ((block = json_get(v, "retry_budget"))) {
        parse_budget(d, block, json_path_key(p, path, "retry_budget"), &out->retry.budget);
        if (!json_get(v, "retry"))
            diag_error(d, p, "a retry budget needs a 'retry' block to limit");
    }
    if ((block = json_get(v, "circuit_breaker"))) {
        out->breaker.present = true;
        parse_breaker(d, block, json_path_key(p, path, "circuit_breaker"), &out->breaker.breaker);
        parse_status_list(d, block, p, "ignore_status", &out->breaker.ignore);
    }
    if ((block = json_get(v, "adaptive_throttle")))
        parse_throttle(d, block, json_path_key(p, path, "adaptive_throttle"), out);
    if ((block = json_get(v, "bulkhead")))
        parse_bulkhead(d, block, json_path_key(p, path, "bulkhead"), out);
    if ((block = json_get(v, "rate_limit")))
        loader_parse_rate_limit(d, block, json_path_key(p, path, "rate_limit"), false,
                                &out->rate_limit);
    if ((block = json_get(v, "fallback")))
        parse_fallback(d, block, json_path_key(p, path, "fallback"), out);
    if ((block = json_get(v, "hedge"))) {
        json_path_key(p, path, "hedge");
        if (json_expect_object(d, block, p)) {
            json_check_keys(d, block, p, HEDGE_KEYS);
            out->hedge.present = true;
            out->hedge.max_hedged = 1;
            out->hedge.delay_ns = sim_time_from_ms(100);
            double x;
            int64_t n;
            bool has_pct = json_read_number(d, block, p, "delay_percentile", false, 0, true, 100,
                                            &out->hedge.percentile);
            if (json_read_number(d, block, p, "delay_ms", !has_pct, 0, false, 1e9, &x))
                out->hedge.delay_ns = sim_time_from_ms(x);
            if (json_read_int(d, block, p, "max_hedged", false, 1, MAX_HEDGED, &n))
                out->hedge.max_hedged = (uint32_t)n;
            if (json_get(v, "retry"))
                diag_error(d, p, "a policy hedges or retries, not both (as in gRPC)");
            static const char *const alone[] = {"bulkhead", "rate_limit", "adaptive_throttle",
                                                NULL};
            for (int i = 0; alone[i]; i++)
                if (json_get(v, alone[i]))
                    diag_error(d, p, "hedging together with '%s' is not supported yet", alone[i]);
        }
    }
    if ((block = json_get(v, "idempotency_key"))) {
        json_path_key(p, path, "idempotency_key");
        out->idempotency.retention_ns = sim_time_from_s(300);
        if (cJSON_IsBool(block)) {
            out->idempotency.present = cJSON_IsTrue(block);
        } else if (json_expect_object(d, block, p)) {
            json_check_keys(d, block, p, IDEM_KEYS);
            out->idempotency.present = true;
            double x;
            if (json_read_number(d, block, p, "retention_s", false, 0, true, 1e7, &x))
                out->idempotency.retention_ns = sim_time_from_s(x);
        }
    }
    if ((block = json_get(v, "order")))
        parse_order(d, v, block, json_path_key(p, path, "order"), out);
    if (out->bulkhead.thread_pool && (out->outer & OUTER_BULKHEAD))
        diag_error(d, json_path_key(p, path, "order"),
                   "a thread pool holds one thread per attempt: place the bulkhead inside "
                   "the retry");
}
