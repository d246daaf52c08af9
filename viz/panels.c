#include "panels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/base/spell.h"
#include "../sim/base/xalloc.h"

const char *const viz_panel_names[VIZ_PANEL_COUNT] = {
    [VIZ_PANEL_LOAD] = "load",           [VIZ_PANEL_OUTCOMES] = "outcomes",
    [VIZ_PANEL_RETRIES] = "retries",     [VIZ_PANEL_AMPLIFICATION] = "amplification",
    [VIZ_PANEL_LATENCY] = "latency",     [VIZ_PANEL_QUEUE] = "queue",
    [VIZ_PANEL_INSTANCES] = "instances", [VIZ_PANEL_UTIL] = "util",
    [VIZ_PANEL_WASTE] = "waste",         [VIZ_PANEL_CACHE] = "cache",
    [VIZ_PANEL_DUPLICATES] = "duplicates", [VIZ_PANEL_POLICY] = "policies"};

bool viz_parse_panels(const char *list, unsigned *panels, char *err, size_t err_size)
{
    *panels = 0;
    char *copy = xstrdup(list), *save = NULL;
    bool ok = true;
    for (char *name = strtok_r(copy, ",", &save); name && ok; name = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < VIZ_PANEL_COUNT && strcmp(viz_panel_names[k], name) != 0)
            k++;
        if (k < VIZ_PANEL_COUNT) {
            *panels |= 1u << k;
            continue;
        }
        const char *names[VIZ_PANEL_COUNT + 1] = {0};
        memcpy(names, viz_panel_names, sizeof viz_panel_names);
        const char *closest = spell_closest(name, names);
        char all[256] = "";
        for (int j = 0; j < VIZ_PANEL_COUNT; j++)
            snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", j ? ", " : "",
                     viz_panel_names[j]);
        snprintf(err, err_size, "--panels: no panel '%s'%s%s%s (%s)", name,
                 closest ? " (did you mean '" : "", closest ? closest : "", closest ? "'?)" : "",
                 all);
        ok = false;
    }
    free(copy);
    if (ok && !*panels) {
        snprintf(err, err_size, "--panels: name at least one panel");
        ok = false;
    }
    return ok;
}
