/* Clients: where requests are born and where their outcomes are counted.
 * Open-loop clients send on their own schedule whatever happens to earlier
 * requests; closed-loop users wait for each reply, think, and send again. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

/* Time of the k-th constant-rate arrival (k from 1), computed from the
 * origin rather than by adding a rounded interval, so it never drifts. */
static sim_time constant_arrival(const struct client_rt *c, uint64_t k)
{
    return c->interval_origin + (sim_time)((double)k * 1e9 / c->cfg->rate_rps);
}

static sim_time next_arrival(struct client_rt *c, sim_time now)
{
    if (c->cfg->process == ARRIVAL_CONSTANT)
        return constant_arrival(c, ++c->arrivals);
    double gap_s = dist_std_exponential(&c->arrival_rng) / c->cfg->rate_rps;
    return now + sim_time_from_s(gap_s);
}

void client_start(struct sim *s, uint32_t i)
{
    struct client_rt *c = &s->clients[i];
    c->cfg = &s->sc->clients[i];
    char stream[160];
    snprintf(stream, sizeof stream, "client:%s", c->cfg->name);
    rng_init_stream(&c->arrival_rng, s->seed, stream);
    if (!c->cfg->closed_loop) {
        eventq_push(s->q, next_arrival(c, 0), EV_ARRIVAL, i, 0);
        return;
    }
    /* Each user starts with one think time, so a closed loop does not begin
     * with every user firing at t = 0 (that is the `herd` fault's job). */
    snprintf(stream, sizeof stream, "client:%s:think", c->cfg->name);
    c->user_rng = xmalloc(c->cfg->users * sizeof *c->user_rng);
    for (uint32_t u = 0; u < c->cfg->users; u++) {
        rng_init_indexed(&c->user_rng[u], s->seed, stream, u);
        eventq_push(s->q, dist_sample(&c->cfg->think_time, &c->user_rng[u]), EV_USER_WAKE, i, u);
    }
}

static void send_request(struct sim *s, uint32_t client, uint32_t user)
{
    struct client_rt *c = &s->clients[client];
    uint32_t r = request_alloc(s);
    struct request *req = &s->requests[r];
    req->client = client;
    req->user = user;
    req->started_at = s->now;
    c->stats.offered++;
    c->stats.attempts++;
    s->in_flight++;
    if (s->obs.on_offer)
        s->obs.on_offer(s->obs.ctx, client, s->now);
    service_call(s, c->cfg->target, r, false, scenario_timeout(s->sc, c->cfg->policy), false);
}

void client_on_arrival(struct sim *s, uint32_t client)
{
    struct client_rt *c = &s->clients[client];
    eventq_push(s->q, next_arrival(c, s->now), EV_ARRIVAL, client, 0);
    send_request(s, client, NO_INDEX);
}

void client_on_user_wake(struct sim *s, uint32_t client, uint32_t user)
{
    send_request(s, client, user);
}

void request_on_reply(struct sim *s, uint32_t r, enum outcome outcome)
{
    struct request *req = &s->requests[r];
    struct client_rt *c = &s->clients[req->client];
    switch (outcome) {
    case OUTCOME_OK:
        c->stats.succeeded++;
        histogram_record(&s->window_latency, s->now - req->started_at);
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
    }
    s->in_flight--;
    uint32_t client = req->client, user = req->user;
    request_free(s, r);
    if (c->cfg->closed_loop) {
        sim_time think = dist_sample(&c->cfg->think_time, &c->user_rng[user]);
        eventq_push(s->q, s->now + think, EV_USER_WAKE, client, user);
    }
}
