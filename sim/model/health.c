/* Health: what tells the balancer that an instance should not get traffic.
 *
 * Readiness probes (Kubernetes): every interval each instance is probed. A
 * refusing instance fails the probe at once; one that hangs (black hole,
 * stop-the-world pause, no workers left) fails it when the probe's timeout
 * expires; a serving instance passes. The probe primitive turns results
 * into ready/unready. Outlier ejection (Envoy): real requests' failures at
 * an instance feed the detector, which ejects it for a growing time.
 * Either takes the instance out of rotation; every change is an event. */
#include <stdio.h>
#include <stdlib.h>

#include "../base/xalloc.h"
#include "sim_internal.h"

static void instance_event(struct sim *s, const char *kind, uint32_t service, uint32_t instance)
{
    char subject[96];
    snprintf(subject, sizeof subject, "%s[%u]", s->sc->services[service].name, instance);
    sim_emit(s, kind, subject, "");
}

void health_update_rotation(struct sim *s, uint32_t service, uint32_t instance)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    bool out = in->st.removed || in->ejected || in->unready || in->leaving;
    if (out != in->out) {
        in->out = out;
        lb_rotation_changed(svc, instance);
        service_recount_up(s, service, instance);
    }
}

void health_start(struct sim *s, uint32_t service)
{
    struct service_rt *svc = &s->services[service];
    const struct service_cfg *cfg = svc->cfg;
    if (cfg->has_health_check) {
        svc->probes = xcalloc(cfg->instances, sizeof *svc->probes);
        for (uint32_t i = 0; i < cfg->instances; i++) {
            /* instances are serving when the run starts */
            probe_init(&svc->probes[i], cfg->hc_success_threshold, cfg->hc_failure_threshold,
                       true);
            /* staggered over the period, as kubelets' probes are */
            sim_time first = cfg->hc_initial_delay_ns +
                             cfg->hc_interval_ns * (sim_time)i / (sim_time)cfg->instances;
            eventq_push(s->q, first, EV_PROBE, service, (uint64_t)i);
        }
    }
    if (cfg->has_outlier) {
        if (cfg->outlier_shared)
            outlier_init(&svc->outlier, &cfg->outlier, cfg->instances);
        eventq_push(s->q, cfg->outlier.interval_ns, EV_OUTLIER_TICK, service, 0);
    }
}

void health_release(struct service_rt *svc)
{
    free(svc->probes);
    if (svc->cfg->has_outlier && svc->cfg->outlier_shared)
        outlier_release(&svc->outlier);
    free(svc->outlier_callers);
}

/* A failed liveness probe: the kubelet restarts the container. It is down
 * (its work lost) and out of rotation until it is back. */
static void kill(struct sim *s, uint32_t service, uint32_t instance)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    in->restarts_down++;
    in->unready = true;
    instance_event(s, "instance_killed", service, instance);
    health_update_rotation(s, service, instance);
    service_refresh_instance(s, service, instance);
    eventq_push(s->q, s->now + svc->cfg->hc_restart_ns, EV_LIVENESS_UP, service, instance);
}

void health_on_liveness_up(struct sim *s, uint32_t service, uint32_t instance)
{
    struct service_rt *svc = &s->services[service];
    struct instance *in = &svc->inst[instance];
    in->restarts_down--;
    in->unready = false;
    probe_init(&svc->probes[instance], svc->cfg->hc_success_threshold,
               svc->cfg->hc_failure_threshold, true);
    instance_event(s, "instance_restarted", service, instance);
    service_refresh_instance(s, service, instance);
    health_update_rotation(s, service, instance);
}

static void probe_result(struct sim *s, uint32_t service, uint32_t instance, bool ok)
{
    struct service_rt *svc = &s->services[service];
    if (svc->cfg->hc_liveness && svc->inst[instance].unready)
        return; /* restarting: nothing to probe */
    enum probe_change c = probe_on_result(&svc->probes[instance], ok);
    if (c == PROBE_NO_CHANGE)
        return;
    if (svc->cfg->hc_liveness) {
        if (c == PROBE_BECAME_UNREADY)
            kill(s, service, instance);
        return;
    }
    svc->inst[instance].unready = c == PROBE_BECAME_UNREADY;
    instance_event(s, c == PROBE_BECAME_UNREADY ? "instance_unready" : "instance_ready", service,
                   instance);
    health_update_rotation(s, service, instance);
}

void health_on_probe(struct sim *s, uint32_t service, uint32_t instance)
{
    const struct service_cfg *cfg = s->services[service].cfg;
    const struct instance_state *st = &s->services[service].inst[instance].st;
    eventq_push(s->q, s->now + cfg->hc_interval_ns, EV_PROBE, service, (uint64_t)instance);
    if (st->down)
        probe_result(s, service, instance, false); /* connection refused */
    else if (st->blackhole || st->paused || st->removed)
        eventq_push(s->q, s->now + cfg->hc_timeout_ns, EV_PROBE_FAILED, service,
                    (uint64_t)instance);
    else
        probe_result(s, service, instance, true);
}

void health_on_probe_failed(struct sim *s, uint32_t service, uint32_t instance)
{
    probe_result(s, service, instance, false);
}

/* A calling process's own detector: its events name the process. */
static void caller_event(struct sim *s, const char *kind, const struct edge_rt *e, uint32_t m,
                         uint32_t instance)
{
    char subject[96], by[EDGE_LABEL_MAX + 16];
    snprintf(subject, sizeof subject, "%s[%u]", s->sc->services[e->callee_index].name, instance);
    if (e->processes > 1)
        snprintf(by, sizeof by, "by %s#%u", e->caller, m);
    else
        snprintf(by, sizeof by, "by %s", e->caller);
    sim_emit(s, kind, subject, by);
}

/* Every calling process's detector ticks with the service's interval;
 * ejected instances come back to that process's rotation only. */
static void tick_callers(struct sim *s, struct service_rt *svc)
{
    for (uint32_t c = 0; c < svc->outlier_caller_count; c++) {
        struct edge_rt *e = svc->outlier_callers[c];
        for (uint32_t m = 0; m < e->processes; m++) {
            struct caller_detector *d = e->detectors[m];
            if (!d || !outlier_tick(&d->det, s->now))
                continue;
            const struct outlier *o = &d->det;
            for (uint32_t i = 0; i < o->hosts; i++)
                if (!o->host[i].ejected && o->host[i].unejected_at == s->now &&
                    o->host[i].ejected_at < s->now) {
                    lb_ejection_changed(svc, d, i);
                    caller_event(s, "instance_returned", e, m, i);
                }
        }
    }
}

void health_on_outlier_tick(struct sim *s, uint32_t service)
{
    struct service_rt *svc = &s->services[service];
    eventq_push(s->q, s->now + svc->cfg->outlier.interval_ns, EV_OUTLIER_TICK, service, 0);
    if (!svc->cfg->outlier_shared) {
        tick_callers(s, svc);
        return;
    }
    if (!outlier_tick(&svc->outlier, s->now))
        return;
    for (uint32_t i = 0; i < svc->cfg->instances; i++)
        if (svc->inst[i].ejected && !outlier_is_ejected(&svc->outlier, i)) {
            svc->inst[i].ejected = false;
            instance_event(s, "instance_returned", service, i);
            health_update_rotation(s, service, i);
        }
}

void health_judge_result(struct sim *s, uint32_t j, bool failed)
{
    const struct job *job = &s->jobs[j];
    struct service_rt *svc = &s->services[job->service];
    uint32_t instance = job->instance;
    if (instance == NO_INDEX)
        return;
    if (!svc->cfg->outlier_shared) { /* the caller that heard back judges alone */
        const struct call *c = &s->calls[job->call];
        struct caller_detector *d = edge_detector_of(c->edge, c->process, svc);
        if (outlier_on_result(&d->det, instance, failed, s->now)) {
            lb_ejection_changed(svc, d, instance);
            caller_event(s, "instance_ejected", c->edge, c->process, instance);
        }
        return;
    }
    if (outlier_on_result(&svc->outlier, instance, failed, s->now)) {
        svc->inst[instance].ejected = true;
        instance_event(s, "instance_ejected", job->service, instance);
        health_update_rotation(s, job->service, instance);
    }
}
