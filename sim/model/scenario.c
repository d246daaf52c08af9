#include "scenario.h"

#include <stdlib.h>

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->service_count; i++) {
        free(s->services[i].name);
        free(s->services[i].calls);
        dist_release(&s->services[i].service_time);
    }
    for (uint32_t i = 0; i < s->client_count; i++) {
        free(s->clients[i].name);
        dist_release(&s->clients[i].think_time);
    }
    for (uint32_t i = 0; i < s->policy_count; i++)
        free(s->policies[i].name);
    free(s->services);
    free(s->clients);
    free(s->policies);
    free(s->name);
    free(s->title);
    free(s->description);
    free(s->variant);
    free(s);
}
