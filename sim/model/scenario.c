#include "scenario.h"

#include <stdlib.h>

#define FAULT_NAME(e, s) s,
const char *const fault_kind_names[FAULT_KIND_COUNT] = {FAULT_KINDS(FAULT_NAME)};
#undef FAULT_NAME

sim_time fault_end_of(const struct fault_cfg *f, uint32_t k)
{
    /* saturating: a fault whose end is beyond the range never ends */
    sim_time start = sim_time_add_sat(f->at_ns, sim_time_mul_sat(f->every_ns, k));
    sim_time end = sim_time_add_sat(start, f->duration_ns);
    if (f->kind == FAULT_RESTART && f->restart == RESTART_ROLLING && f->instance_count > 1)
        end = sim_time_add_sat(sim_time_add_sat(end, f->drain_ns),
                               sim_time_mul_sat(f->interval_ns, f->instance_count - 1));
    return end;
}

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    free(s->source_file);
    for (uint32_t i = 0; i < s->override_count; i++)
        free(s->overrides[i]);
    free(s->overrides);
    for (uint32_t i = 0; i < s->service_count; i++) {
        free(s->services[i].name);
        for (uint32_t k = 0; s->services[i].calls && k < s->services[i].call_count; k++)
            dist_release(&s->services[i].calls[k].net.latency);
        free(s->services[i].calls);
        free(s->services[i].steps);
        dist_release(&s->services[i].service_time);
        for (uint32_t k = 0; s->services[i].operations && k < s->services[i].operation_count;
             k++) {
            free(s->services[i].operations[k].name);
            dist_release(&s->services[i].operations[k].service_time);
        }
        free(s->services[i].operations);
    }
    for (uint32_t i = 0; i < s->client_count; i++) {
        free(s->clients[i].name);
        dist_release(&s->clients[i].think_time);
        dist_release(&s->clients[i].net.latency);
        rate_shape_release(&s->clients[i].shape);
    }
    for (uint32_t i = 0; i < s->policy_count; i++)
        free(s->policies[i].name);
    for (uint32_t i = 0; i < s->fault_count; i++) {
        free(s->faults[i].label);
        free(s->faults[i].edge);
    }
    free(s->faults);
    free(s->services);
    free(s->clients);
    free(s->policies);
    free(s->name);
    free(s->title);
    free(s->description);
    free(s->view_panels);
    free(s->variant);
    free(s);
}

double service_mean_ms(const struct service_cfg *s)
{
    double sum = 0;
    for (uint32_t k = 0; k < s->operation_count; k++)
        sum += s->operations[k].weight *
               dist_mean_ms(operation_service_time(s, &s->operations[k]));
    return s->operation_weight > 0 ? sum / s->operation_weight : 0;
}
