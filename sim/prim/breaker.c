#include "breaker.h"

#include <stdlib.h>
#include <string.h>

#include "../base/check.h"
#include "../base/xalloc.h"

static const sim_time NS_PER_S = 1000000000;

const char *breaker_state_name(enum breaker_state s)
{
    return s == BREAKER_OPEN          ? "open"
           : s == BREAKER_HALF_OPEN   ? "half_open"
           : s == BREAKER_FORCED_OPEN ? "forced_open"
                                      : "closed";
}

static void clear_window(struct breaker *b)
{
    if (b->ring)
        memset(b->ring, 0, b->cfg.size);
    if (b->buckets)
        for (uint32_t i = 0; i < b->cfg.size; i++)
            b->buckets[i] = (struct breaker_bucket){.second = -1};
    b->live_head = b->live_count = 0;
    b->ring_next = b->ring_fill = 0;
    b->total = b->failed = b->slow = 0;
    b->consecutive = 0;
}

void breaker_init(struct breaker *b, const struct breaker_cfg *cfg)
{
    /* fewer half-open permits than successes needed: half-open for ever */
    SIM_ASSERT(cfg->half_open != BREAKER_HALF_OPEN_CONSECUTIVE || cfg->half_open_calls == 0 ||
               cfg->half_open_calls >= cfg->success_threshold);
    SIM_ASSERT(cfg->window != BREAKER_WINDOW_COUNT || cfg->failure_count <= cfg->size);
    memset(b, 0, sizeof *b);
    b->cfg = *cfg;
    if (cfg->window == BREAKER_WINDOW_COUNT)
        b->ring = xcalloc(cfg->size, 1);
    else if (cfg->window == BREAKER_WINDOW_TIME) {
        b->buckets = xcalloc(cfg->size, sizeof *b->buckets);
        b->live = xcalloc(cfg->size, sizeof *b->live);
    }
    b->state = BREAKER_CLOSED;
    clear_window(b);
    b->closed_until = cfg->interval_ns; /* closed since time 0 */
}

void breaker_release(struct breaker *b)
{
    free(b->ring);
    free(b->buckets);
    free(b->live);
    b->ring = NULL;
    b->buckets = NULL;
    b->live = NULL;
}

static void enter(struct breaker *b, enum breaker_state s, sim_time now)
{
    b->state = s;
    b->generation++;
    b->consecutive = 0;
    b->permits_used = b->trial_total = b->trial_failed = b->trial_slow = 0;
    if (s == BREAKER_OPEN)
        b->open_until = now + b->cfg.open_ns;
    if (s == BREAKER_CLOSED) {
        clear_window(b);
        b->closed_until = now + b->cfg.interval_ns;
    }
}

enum breaker_state breaker_state_at(struct breaker *b, sim_time now,
                                    enum breaker_transition *changed)
{
    *changed = BREAKER_NO_CHANGE;
    if (b->state == BREAKER_OPEN && now > b->open_until) { /* strictly after */
        enter(b, BREAKER_HALF_OPEN, now);
        *changed = BREAKER_HALF_OPENED;
    }
    if (b->state == BREAKER_CLOSED && b->cfg.interval_ns > 0 && now > b->closed_until) {
        /* gobreaker's Interval: a new generation with cleared counts, its
         * next clearing an interval from this (lazy) check; no event */
        b->generation++;
        b->consecutive = 0;
        b->closed_until = now + b->cfg.interval_ns;
    }
    return b->state;
}

bool breaker_allow(struct breaker *b, sim_time now, uint32_t *generation,
                   enum breaker_transition *changed)
{
    enum breaker_state s = breaker_state_at(b, now, changed);
    *generation = b->generation;
    if (s == BREAKER_OPEN || s == BREAKER_FORCED_OPEN)
        return false;
    if (s == BREAKER_HALF_OPEN) {
        if (b->cfg.half_open_calls && b->permits_used >= b->cfg.half_open_calls)
            return false;
        b->permits_used++;
    }
    return true;
}

/* Drops time buckets older than the window: the window is the current
 * second plus the size - 1 before it (resilience4j's epoch-second ring).
 * Only the non-empty buckets are looked at, oldest first. */
static struct breaker_bucket *time_bucket(struct breaker *b, sim_time now)
{
    int64_t second = now / NS_PER_S;
    uint32_t size = b->cfg.size;
    while (b->live_count) {
        int64_t oldest = b->live[b->live_head];
        if (oldest > second - (int64_t)size)
            break;
        struct breaker_bucket *k = &b->buckets[(uint64_t)oldest % size];
        SIM_ASSERT(k->second == oldest);
        b->total -= k->total;
        b->failed -= k->failed;
        b->slow -= k->slow;
        *k = (struct breaker_bucket){.second = -1};
        b->live_head = b->live_head + 1 == size ? 0 : b->live_head + 1;
        b->live_count--;
    }
    struct breaker_bucket *k = &b->buckets[(uint64_t)second % size];
    if (k->second != second) { /* a new second; its slot's old one expired above */
        SIM_ASSERT(k->second < 0);
        /* the time given never goes back, so the ring stays in order */
        SIM_ASSERT(!b->live_count ||
                   b->live[(b->live_head + b->live_count - 1) % size] < second);
        *k = (struct breaker_bucket){.second = second};
        b->live[(b->live_head + b->live_count) % size] = second;
        b->live_count++;
    }
    return k;
}

static void record_closed(struct breaker *b, sim_time now, bool failed, bool slow)
{
    if (b->cfg.window == BREAKER_WINDOW_COUNT) {
        if (b->ring_fill == b->cfg.size) { /* overwrite the oldest */
            uint8_t old = b->ring[b->ring_next];
            b->total--;
            b->failed -= old & 1;
            b->slow -= (old >> 1) & 1;
        } else {
            b->ring_fill++;
        }
        b->ring[b->ring_next] = (uint8_t)(failed | slow << 1);
        b->ring_next = (b->ring_next + 1) % b->cfg.size;
    } else if (b->cfg.window == BREAKER_WINDOW_TIME) {
        struct breaker_bucket *k = time_bucket(b, now);
        k->total++;
        k->failed += failed;
        k->slow += slow;
    }
    b->total++;
    b->failed += failed;
    b->slow += slow;
}

/* resilience4j's threshold check: nothing below min_calls, then >=; or
 * Failsafe's count of failures, when the breaker has one. */
static bool rates_exceeded(const struct breaker_cfg *c, uint32_t total, uint32_t failed,
                           uint32_t slow, uint32_t min_calls)
{
    if (total == 0 || total < min_calls)
        return false;
    if (c->failure_count > 0)
        return failed >= c->failure_count;
    double fr = failed * 100.0 / total, sr = slow * 100.0 / total;
    return fr >= c->failure_rate || (c->slow_call_ns > 0 && sr >= c->slow_call_rate);
}

static enum breaker_transition record_half_open(struct breaker *b, sim_time now, bool failed,
                                                bool slow)
{
    if (b->cfg.half_open == BREAKER_HALF_OPEN_CONSECUTIVE) {
        if (failed) {
            enter(b, BREAKER_OPEN, now);
            return BREAKER_OPENED;
        }
        if (++b->consecutive >= b->cfg.success_threshold) {
            enter(b, BREAKER_CLOSED, now);
            return BREAKER_CLOSED_AGAIN;
        }
        return BREAKER_NO_CHANGE;
    }
    b->trial_total++;
    b->trial_failed += failed;
    b->trial_slow += slow;
    uint32_t p = b->cfg.half_open_calls ? b->cfg.half_open_calls : UINT32_MAX;
    uint32_t need = b->cfg.min_calls < p ? b->cfg.min_calls : p;
    if (b->trial_total < need)
        return BREAKER_NO_CHANGE;
    if (rates_exceeded(&b->cfg, b->trial_total, b->trial_failed, b->trial_slow, need)) {
        enter(b, BREAKER_OPEN, now);
        return BREAKER_OPENED;
    }
    enter(b, BREAKER_CLOSED, now);
    return BREAKER_CLOSED_AGAIN;
}

enum breaker_transition breaker_record(struct breaker *b, sim_time now, uint32_t generation,
                                       bool failed, sim_time duration)
{
    if (generation != b->generation)
        return BREAKER_NO_CHANGE; /* admitted under an earlier state: ignored */
    bool slow = b->cfg.slow_call_ns > 0 && duration > b->cfg.slow_call_ns;
    if (b->state == BREAKER_HALF_OPEN)
        return record_half_open(b, now, failed, slow);
    if (b->state != BREAKER_CLOSED)
        return BREAKER_NO_CHANGE;
    bool trip;
    if (b->cfg.window == BREAKER_WINDOW_CONSECUTIVE) {
        b->consecutive = failed ? b->consecutive + 1 : 0;
        trip = b->consecutive >= b->cfg.consecutive_failures;
    } else {
        record_closed(b, now, failed, slow);
        uint32_t min_calls = b->cfg.min_calls;
        if (b->cfg.window == BREAKER_WINDOW_COUNT && min_calls > b->cfg.size)
            min_calls = b->cfg.size; /* resilience4j clamps it to the window */
        trip = rates_exceeded(&b->cfg, b->total, b->failed, b->slow, min_calls);
    }
    if (!trip)
        return BREAKER_NO_CHANGE;
    enter(b, BREAKER_OPEN, now);
    return BREAKER_OPENED;
}

void breaker_ignore(struct breaker *b, uint32_t generation)
{
    if (generation == b->generation && b->state == BREAKER_HALF_OPEN && b->permits_used > 0)
        b->permits_used--;
}

enum breaker_transition breaker_force_open(struct breaker *b, sim_time now)
{
    if (b->state == BREAKER_FORCED_OPEN)
        return BREAKER_NO_CHANGE;
    enter(b, BREAKER_FORCED_OPEN, now);
    return BREAKER_FORCED;
}

enum breaker_transition breaker_reset(struct breaker *b, sim_time now)
{
    enter(b, BREAKER_CLOSED, now);
    return BREAKER_RESET;
}
