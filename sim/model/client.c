/* Clients: where requests are born and where their outcomes are counted.
 * Open-loop clients send on their own schedule whatever happens to earlier
 * requests; closed-loop users wait for each reply, think, and send again. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "pool.h"
#include "recovery.h"
#include "sim_internal.h"

/* `gap_s` after `now`, or the end of the run if that is later: a rate so
 * low that its next arrival is beyond the run (or beyond the range of
 * time) has no more arrivals. */
static sim_time after(sim_time now, double gap_s, sim_time end)
{
    return gap_s * 1e9 >= (double)(end - now) ? end : now + sim_time_from_s(gap_s);
}

/* Time of the k-th constant-rate arrival (k from 1), computed from the
 * origin rather than by adding a rounded interval, so it never drifts. */
static sim_time constant_arrival(const struct client_rt *c, uint64_t k, sim_time end)
{
    double ns = (double)k * 1e9 / c->rate_rps;
    return ns >= (double)(end - c->interval_origin) ? end : c->interval_origin + (sim_time)ns;
}

/* The next arrival of a client whose rate follows a shape. Poisson
 * arrivals use thinning (Lewis and Shedler 1979): candidates at the shape's
 * highest rate, each kept with probability rate(t) / highest, which is
 * exact for any rate function. Constant-rate arrivals step by 1/rate(now). */
static sim_time next_shaped_arrival(struct client_rt *c, sim_time now, sim_time end)
{
    const struct rate_shape *shape = &c->cfg->shape;
    if (c->cfg->process == ARRIVAL_CONSTANT) {
        double r = rate_shape_at(shape, c->cfg->rate_rps, sim_time_to_s(now), &c->shape_cursor);
        if (r * c->surge > 0)
            return after(now, 1.0 / (r * c->surge), end);
        double next = rate_shape_next_positive(shape, sim_time_to_s(now));
        return next < 0 ? end : after(0, next, end);
    }
    double max = shape->max_rps * c->surge;
    sim_time t = now;
    while (t < end) {
        t = after(t, dist_std_exponential(&c->arrival_rng) / max, end);
        double r = rate_shape_at(shape, c->cfg->rate_rps, sim_time_to_s(t), &c->shape_cursor);
        if (rng_uniform(&c->arrival_rng) * max < r * c->surge)
            return t;
    }
    return t;
}

static sim_time next_arrival(struct client_rt *c, sim_time now, sim_time end)
{
    if (c->cfg->shape.present)
        return next_shaped_arrival(c, now, end);
    if (c->cfg->process == ARRIVAL_CONSTANT)
        return constant_arrival(c, ++c->arrivals, end);
    return after(now, dist_std_exponential(&c->arrival_rng) / c->rate_rps, end);
}

static void schedule_arrival(struct sim *s, uint32_t client)
{
    struct client_rt *c = &s->clients[client];
    eventq_push(s->q, next_arrival(c, s->now, s->end), EV_ARRIVAL, client, c->arrival_gen);
}

void client_set_surge(struct sim *s, uint32_t client, double factor)
{
    struct client_rt *c = &s->clients[client];
    if (factor == c->surge)
        return;
    /* Void the arrival already scheduled and draw the next one at the new
     * rate. For Poisson arrivals this is exact (the process is memoryless);
     * a constant-rate client restarts its grid at the new interval. */
    c->surge = factor;
    c->rate_rps = c->cfg->rate_rps * factor;
    c->arrival_gen++;
    c->interval_origin = s->now;
    c->arrivals = 0;
    schedule_arrival(s, client);
}

static void schedule_wake(struct sim *s, uint32_t client, uint32_t user, sim_time at)
{
    struct client_rt *c = &s->clients[client];
    c->user_thinking[user] = 1;
    eventq_push(s->q, at, EV_USER_WAKE, client, user | (uint64_t)c->user_gen[user] << 32);
}

void client_herd(struct sim *s, uint32_t client)
{
    struct client_rt *c = &s->clients[client];
    for (uint32_t u = 0; u < c->cfg->users; u++)
        if (c->user_thinking[u]) {
            c->user_gen[u]++; /* the wake-up already scheduled no longer counts */
            schedule_wake(s, client, u, s->now);
        }
}

void client_start(struct sim *s, uint32_t i)
{
    struct client_rt *c = &s->clients[i];
    c->cfg = &s->sc->clients[i];
    char stream[160];
    snprintf(stream, sizeof stream, "client:%s", c->cfg->name);
    rng_init_stream(&c->arrival_rng, s->seed, stream);
    const char *target = s->sc->services[c->cfg->target].name;
    char label[EDGE_LABEL_MAX];
    if (c->cfg->operation != NO_INDEX)
        snprintf(label, sizeof label, "%s->%s/%s", c->cfg->name, target,
                 s->sc->services[c->cfg->target].operations[c->cfg->operation].name);
    else
        snprintf(label, sizeof label, "%s->%s", c->cfg->name, target);
    const struct policy_cfg *pol = c->cfg->policy == NO_INDEX ? NULL
                                                               : &s->sc->policies[c->cfg->policy];
    proc_policies_init(&c->pols, pol, s->seed, c->cfg->name, label, c->cfg->instances);
    snprintf(stream, sizeof stream, "net:client:%s", c->cfg->name);
    edge_init(&c->edge, c->cfg->name, target, label, pol, &c->cfg->net,
              s->seed, stream);
    edge_watch_instances(&c->edge, s->sc, c->cfg->target, c->cfg->instances);
    c->rate_rps = c->cfg->rate_rps;
    c->surge = 1;
    if (!c->cfg->closed_loop) {
        schedule_arrival(s, i);
        return;
    }
    /* Each user starts with one think time, so a closed loop does not begin
     * with every user firing at t = 0 (that is the `herd` fault's job). */
    snprintf(stream, sizeof stream, "client:%s:think", c->cfg->name);
    c->user_rng = xmalloc(c->cfg->users * sizeof *c->user_rng);
    c->user_gen = xcalloc(c->cfg->users, sizeof *c->user_gen);
    c->user_thinking = xcalloc(c->cfg->users, sizeof *c->user_thinking);
    for (uint32_t u = 0; u < c->cfg->users; u++) {
        rng_init_indexed(&c->user_rng[u], s->seed, stream, u);
        schedule_wake(s, i, u, dist_sample(&c->cfg->think_time, &c->user_rng[u]));
    }
}

/* Which of the client's processes sends: a user always its own (users are
 * dealt out over the processes in turn), open-loop arrivals each the next
 * in turn, so every process carries an equal share and no random draw is
 * spent on it. */
static uint32_t sending_process(struct client_rt *c, uint32_t user)
{
    uint32_t n = c->cfg->instances;
    if (n == 1)
        return 0;
    if (user != NO_INDEX)
        return user % n;
    uint32_t m = c->next_process;
    c->next_process = m + 1 == n ? 0 : m + 1;
    return m;
}

static void send_request(struct sim *s, uint32_t client, uint32_t user)
{
    struct client_rt *c = &s->clients[client];
    uint32_t process = sending_process(c, user);
    c->stats.offered++;
    recovery_on_offer(s->recovery, s->now);
    if (++s->in_flight > s->window_max_in_flight)
        s->window_max_in_flight = s->in_flight;
    if (s->obs.on_offer)
        s->obs.on_offer(s->obs.ctx, client, s->now);
    call_begin(s, &(struct call_from){.caller = client, .process = process, .user = user},
               c->cfg->target, c->cfg->operation, proc_policy(&c->pols, process), &c->edge, false,
               SIM_TIME_NEVER);
}

void client_on_arrival(struct sim *s, uint32_t client, uint32_t gen)
{
    if (gen != s->clients[client].arrival_gen)
        return; /* voided by a change of rate */
    schedule_arrival(s, client);
    send_request(s, client, NO_INDEX);
}

void client_on_user_wake(struct sim *s, uint32_t client, uint32_t user, uint32_t gen)
{
    struct client_rt *c = &s->clients[client];
    if (gen != c->user_gen[user] || !c->user_thinking[user])
        return; /* voided by a herd */
    c->user_thinking[user] = 0;
    send_request(s, client, user);
}

void client_request_done(struct sim *s, uint32_t ci, enum outcome outcome)
{
    struct call *req = &s->calls[ci];
    struct client_rt *c = &s->clients[req->caller];
    sim_time latency = s->now - req->sm.started;
    if (!outcome_is_success(outcome)) /* each request in one histogram: all is their merge */
        histogram_record(&s->window_latency_failed, latency);
    else if (outcome == OUTCOME_FALLBACK)
        histogram_record(&s->window_latency_fallback, latency);
    switch (outcome) { /* each kind of answer and each failure counted apart */
    case OUTCOME_OK:
        c->stats.succeeded++;
        recovery_on_answer(s->recovery, s->now, latency);
        c->stats.good += !c->cfg->slo_ns || latency <= c->cfg->slo_ns;
        histogram_record(&s->window_latency, latency);
        break;
    case OUTCOME_DEGRADED: /* a real answer, but missing a part */
        c->stats.degraded++;
        histogram_record(&s->window_latency, latency);
        break;
    case OUTCOME_FALLBACK: /* an answer, but not the service's own */
        c->stats.fallback++;
        break;
    case OUTCOME_TIMEOUT:
        c->stats.failed[FAIL_TIMEOUT]++;
        break;
    case OUTCOME_ERROR:
        c->stats.failed[FAIL_ERROR]++;
        break;
    case OUTCOME_REJECTED:
        c->stats.failed[FAIL_REJECTED]++;
        break;
    case OUTCOME_BREAKER:
        c->stats.failed[FAIL_BREAKER]++;
        break;
    case OUTCOME_SHED:
        c->stats.failed[FAIL_SHED]++;
        break;
    case OUTCOME_THROTTLED:
        c->stats.failed[FAIL_THROTTLED]++;
        break;
    }
    waste_settle(s, &req->credits, !outcome_is_success(outcome));
    s->in_flight--;
    uint32_t client = req->caller, user = req->user;
    if (c->cfg->closed_loop)
        schedule_wake(s, client, user,
                      s->now + dist_sample(&c->cfg->think_time, &c->user_rng[user]));
}
