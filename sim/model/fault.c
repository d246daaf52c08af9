/* The chaos timeline: when each fault starts and ends, and what the set of
 * active faults makes of each instance and client. A fault's end matters as
 * much as its start: state is always recomputed from every fault still
 * active, so overlapping faults add up and each end undoes only itself. */
#include <stdio.h>
#include <string.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

static bool targets_client(const struct fault_cfg *fc)
{
    return fc->kind == FAULT_SURGE || fc->kind == FAULT_HERD;
}

static bool targets_edge(const struct fault_cfg *fc)
{
    return fc->kind == FAULT_BREAKER_OPEN || fc->kind == FAULT_BREAKER_RESET;
}

static struct fault_list *list_of(struct sim *s, const struct fault_cfg *fc)
{
    return targets_client(fc) ? &s->faults_on_client[fc->target]
                              : &s->faults_on_service[fc->target];
}

/* Inserted in order of fault index: few faults are active on one target. */
static void list_add(struct fault_list *l, uint32_t f)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->f = xreallocarray(l->f, l->cap, sizeof *l->f);
    }
    uint32_t at = l->n;
    while (at > 0 && l->f[at - 1] > f)
        at--;
    memmove(l->f + at + 1, l->f + at, (l->n - at) * sizeof *l->f);
    l->f[at] = f;
    l->n++;
}

static void list_remove(struct fault_list *l, uint32_t f)
{
    uint32_t at = 0;
    while (at < l->n && l->f[at] != f)
        at++;
    SIM_ASSERT(at < l->n); /* only an active fault ends */
    memmove(l->f + at, l->f + at + 1, (l->n - at - 1) * sizeof *l->f);
    l->n--;
}

/* Occurrences of fault f that start before the run ends. */
static uint64_t occurrences(const struct sim *s, const struct fault_cfg *cfg)
{
    if (cfg->at_ns >= s->end)
        return 0;
    if (cfg->count <= 1 || cfg->every_ns <= 0)
        return cfg->count ? 1 : 0;
    uint64_t fit = (uint64_t)((s->end - 1 - cfg->at_ns) / cfg->every_ns) + 1;
    return fit < cfg->count ? fit : cfg->count;
}

/* Pushes occurrence k of fault f if it starts before the end. */
static void schedule_occurrence(struct sim *s, uint32_t f, uint32_t k)
{
    const struct fault_cfg *cfg = &s->sc->faults[f];
    if (k >= occurrences(s, cfg))
        return;
    sim_time start = cfg->at_ns + (sim_time)k * cfg->every_ns;
    eventq_push_reserved(s->q, start, s->fault_seq[f] + k, EV_FAULT_START, f, k);
}

/* Every fault's first occurrence. Its repetitions are numbered now (so at
 * equal times they are ordered as if all were pushed here) but pushed one
 * at a time, each by the start of the one before: a fault repeated a
 * million times holds one event, not a million. */
void fault_schedule_all(struct sim *s)
{
    s->fault_seq = xcalloc(s->sc->fault_count + 1, sizeof *s->fault_seq);
    for (uint32_t f = 0; f < s->sc->fault_count; f++)
        s->fault_seq[f] = eventq_reserve(s->q, occurrences(s, &s->sc->faults[f]));
    for (uint32_t f = 0; f < s->sc->fault_count; f++)
        schedule_occurrence(s, f, 0); /* each start pushes its end and its successor */
}

static bool covers(const struct fault_cfg *f, uint32_t instance)
{
    return instance >= f->first_instance && instance < f->first_instance + f->instance_count;
}

struct instance_state fault_instance_state(const struct sim *s, uint32_t service,
                                           uint32_t instance)
{
    const struct service_cfg *cfg = &s->sc->services[service];
    const struct instance *in = &s->services[service].inst[instance];
    struct instance_state st = {.workers = cfg->workers, .latency_factor = 1, .survive = 1,
                                .down = in->restarts_down > 0};
    uint32_t lost = 0;
    const struct fault_list *active = &s->faults_on_service[service];
    for (uint32_t k = 0; k < active->n; k++) {
        const struct fault_cfg *fc = &s->sc->faults[active->f[k]];
        if (!covers(fc, instance))
            continue;
        switch (fc->kind) {
        case FAULT_OUTAGE:
            if (fc->mode == OUTAGE_REFUSE)
                st.down = true;
            else
                st.blackhole = true;
            break;
        case FAULT_PAUSE:
            st.paused = true;
            break;
        case FAULT_LATENCY:
            st.latency_factor *= fc->factor;
            st.latency_add += fc->add_ns;
            break;
        case FAULT_ERRORS:
            st.survive *= 1 - fc->rate;
            if (!st.error_status)
                st.error_status = fc->status;
            break;
        case FAULT_CAPACITY:
            lost += fc->workers_lost;
            break;
        case FAULT_RESTART: /* all at once; rolling steps use restarts_down */
            if (fc->restart == RESTART_ALL)
                st.down = true;
            break;
        case FAULT_PARTITION:
        case FAULT_SURGE:
        case FAULT_HERD:
        case FAULT_CACHE_FLUSH:
        case FAULT_BREAKER_OPEN:
        case FAULT_BREAKER_RESET:
        case FAULT_KIND_COUNT:
            break;
        }
    }
    st.removed = lost >= cfg->workers;
    st.workers = st.removed ? 0 : cfg->workers - lost;
    return st;
}

bool fault_partitioned(const struct sim *s, uint32_t service, bool from_client, uint32_t from)
{
    const struct fault_list *active = &s->faults_on_service[service];
    for (uint32_t k = 0; k < active->n; k++) {
        const struct fault_cfg *fc = &s->sc->faults[active->f[k]];
        if (fc->kind != FAULT_PARTITION)
            continue;
        if (fc->from == NO_INDEX)
            return true;
        if (fc->from_client == from_client && fc->from == from)
            return true;
    }
    return false;
}

static void refresh_service(struct sim *s, const struct fault_cfg *fc)
{
    for (uint32_t i = fc->first_instance; i < fc->first_instance + fc->instance_count; i++)
        service_refresh_instance(s, fc->target, i);
}

/* The product of the active surges on a client. */
static void refresh_client_rate(struct sim *s, uint32_t client)
{
    double factor = 1;
    const struct fault_list *active = &s->faults_on_client[client];
    for (uint32_t k = 0; k < active->n; k++) {
        const struct fault_cfg *fc = &s->sc->faults[active->f[k]];
        if (fc->kind == FAULT_SURGE)
            factor *= fc->factor;
    }
    client_set_surge(s, client, factor);
}

static const char *subject_of(const struct sim *s, const struct fault_cfg *fc)
{
    if (fc->edge)
        return fc->edge;
    return targets_client(fc) ? s->sc->clients[fc->target].name
                              : s->sc->services[fc->target].name;
}

/* An operator's hand on the breakers of one edge (a client's, or every
 * call of the caller to that service that has one): forcing starts or
 * ends, or a reset. Each breaker that moved is an event. */
static void act_on_one(struct sim *s, const struct fault_cfg *fc, struct policy *p, bool reset,
                       bool start)
{
    if (!p || !p->cfg->breaker.present)
        return;
    enum breaker_transition t = reset ? policy_breaker_reset(p, s->now)
                                      : policy_breaker_force(p, s->now, start);
    if (t != BREAKER_NO_CHANGE)
        sim_emit(s, policy_breaker_event(t), p->label, fc->label);
}

static void act_on_states(struct sim *s, const struct fault_cfg *fc,
                          const struct proc_policies *pp, bool reset, bool start)
{
    for (uint32_t m = 0; m < pp->states; m++) /* every process's, a shared one once */
        act_on_one(s, fc, pp->of[m], reset, start);
}

static void act_on_breakers(struct sim *s, const struct fault_cfg *fc, bool reset, bool start)
{
    if (fc->from_client) {
        act_on_states(s, fc, &s->clients[fc->from].pols, reset, start);
        return;
    }
    struct service_rt *svc = &s->services[fc->from];
    for (uint32_t k = 0; k < svc->cfg->call_count; k++)
        if (svc->cfg->calls[k].service == fc->target)
            act_on_states(s, fc, &svc->call_pols[k], reset, start);
}

/* The instance is back from a restart: it starts cold. */
static void start_cold(struct sim *s, const struct fault_cfg *fc, uint32_t instance)
{
    struct instance *in = &s->services[fc->target].inst[instance];
    if (fc->warmup_ns <= 0)
        return;
    in->cold_factor = fc->cold_factor;
    in->warm_from = s->now;
    in->warm_until = s->now + fc->warmup_ns;
}

static void instance_event(struct sim *s, const struct fault_cfg *fc, uint32_t instance,
                           const char *kind)
{
    char subject[96];
    snprintf(subject, sizeof subject, "%s[%u]", s->sc->services[fc->target].name, instance);
    sim_emit(s, kind, subject, fc->label);
}

/* A rolling restart takes the instance down now; it is back duration_s
 * later. */
static void go_down(struct sim *s, uint32_t f, uint32_t instance)
{
    const struct fault_cfg *fc = &s->sc->faults[f];
    struct instance *in = &s->services[fc->target].inst[instance];
    in->draining = false;
    in->drain_gen++;
    in->restarts_down++;
    instance_event(s, fc, instance, "instance_down");
    service_refresh_instance(s, fc->target, instance);
    eventq_push(s->q, s->now + fc->duration_ns, EV_RESTART_UP, f, instance);
}

static void end(struct sim *s, uint32_t f);

/* One step of a rolling restart. Each instance's down step schedules the
 * next one's, and its up step is scheduled when it actually goes down, so
 * at equal times an instance is back before the next one leaves; the last
 * instance back ends the fault. */
static void restart_step(struct sim *s, uint32_t f, uint32_t instance, bool down)
{
    const struct fault_cfg *fc = &s->sc->faults[f];
    struct service_rt *svc = &s->services[fc->target];
    struct instance *in = &svc->inst[instance];
    uint32_t last = fc->first_instance + fc->instance_count - 1;
    if (down) {
        if (svc->cfg->drain_ns > 0) { /* graceful: out of rotation, then drain */
            in->leaving = in->draining = true;
            health_update_rotation(s, fc->target, instance);
            instance_event(s, fc, instance, "instance_draining");
            if (in->busy == 0 && in->queued == 0)
                go_down(s, f, instance);
            else
                eventq_push(s->q, s->now + svc->cfg->drain_ns, EV_DRAIN_TIMEOUT, f,
                            instance | (uint64_t)in->drain_gen << 32);
        } else {
            go_down(s, f, instance);
        }
        if (instance < last) /* after this one's way back, for ties */
            eventq_push(s->q, s->now + fc->interval_ns, EV_RESTART_DOWN, f, instance + 1);
        return;
    }
    in->restarts_down--;
    start_cold(s, fc, instance);
    instance_event(s, fc, instance, "instance_up");
    service_refresh_instance(s, fc->target, instance);
    if (in->leaving) {
        in->leaving = false;
        health_update_rotation(s, fc->target, instance);
    }
    if (instance == last)
        end(s, f);
}

void fault_instance_drained(struct sim *s, uint32_t service, uint32_t instance)
{
    /* which rolling restart is draining it: the first active one naming it */
    const struct fault_list *active = &s->faults_on_service[service];
    for (uint32_t k = 0; k < active->n; k++) {
        const struct fault_cfg *fc = &s->sc->faults[active->f[k]];
        if (fc->kind == FAULT_RESTART && covers(fc, instance)) {
            go_down(s, active->f[k], instance);
            return;
        }
    }
}

static void start(struct sim *s, uint32_t f, uint32_t occurrence)
{
    const struct fault_cfg *fc = &s->sc->faults[f];
    schedule_occurrence(s, f, occurrence + 1);
    list_add(list_of(s, fc), f);
    /* Pushed after anything start() schedules, so at equal times the end
     * comes last. (A rolling restart has no end event: its last instance
     * back ends it.) */
    sim_time end_at = fault_end_of(fc, occurrence);
    sim_emit(s, "fault_start", subject_of(s, fc), fc->label);
    switch (fc->kind) {
    case FAULT_SURGE:
        refresh_client_rate(s, fc->target);
        break;
    case FAULT_HERD:
        client_herd(s, fc->target);
        break;
    case FAULT_CACHE_FLUSH:
        cache_flush(&s->services[fc->target].cache);
        break;
    case FAULT_BREAKER_OPEN:
        act_on_breakers(s, fc, false, true);
        break;
    case FAULT_BREAKER_RESET:
        act_on_breakers(s, fc, true, true);
        break;
    case FAULT_PARTITION: /* checked per call */
        s->partitions_active++;
        break;
    case FAULT_RESTART:
        if (fc->restart == RESTART_ROLLING) {
            eventq_push(s->q, s->now, EV_RESTART_DOWN, f, fc->first_instance);
            return; /* the last instance back ends it (restart_step) */
        }
        refresh_service(s, fc);
        break;
    default:
        refresh_service(s, fc);
        break;
    }
    eventq_push(s->q, end_at, EV_FAULT_END, f, occurrence);
}

static void end(struct sim *s, uint32_t f)
{
    const struct fault_cfg *fc = &s->sc->faults[f];
    list_remove(list_of(s, fc), f);
    sim_emit(s, "fault_end", subject_of(s, fc), fc->label);
    if (fc->kind == FAULT_RESTART && fc->restart == RESTART_ALL)
        for (uint32_t i = fc->first_instance; i < fc->first_instance + fc->instance_count; i++)
            start_cold(s, fc, i);
    if (fc->kind == FAULT_PARTITION)
        s->partitions_active--;
    if (fc->kind == FAULT_BREAKER_OPEN)
        act_on_breakers(s, fc, false, false);
    if (fc->kind == FAULT_SURGE)
        refresh_client_rate(s, fc->target);
    else if (fc->kind != FAULT_HERD && fc->kind != FAULT_PARTITION &&
             fc->kind != FAULT_CACHE_FLUSH && !targets_edge(fc) &&
             !(fc->kind == FAULT_RESTART && fc->restart == RESTART_ROLLING))
        refresh_service(s, fc);
}

void fault_on_event(struct sim *s, const struct event *ev)
{
    switch ((enum event_kind)ev->kind) {
    case EV_FAULT_START:
        start(s, ev->id, (uint32_t)ev->arg);
        break;
    case EV_FAULT_END:
        end(s, ev->id);
        break;
    case EV_RESTART_DOWN:
    case EV_RESTART_UP:
        restart_step(s, ev->id, (uint32_t)ev->arg, ev->kind == EV_RESTART_DOWN);
        break;
    case EV_DRAIN_TIMEOUT: { /* what is left fails as the instance goes */
        uint32_t instance = (uint32_t)ev->arg;
        const struct instance *in = &s->services[s->sc->faults[ev->id].target].inst[instance];
        if (in->draining && in->drain_gen == (uint32_t)(ev->arg >> 32))
            go_down(s, ev->id, instance);
        break;
    }
    default:
        break;
    }
}
