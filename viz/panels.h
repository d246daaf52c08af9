/* panels: the names of the plots' panels, which a scenario's "view" block
 * and --panels choose from. No SDL here: the scenario loader checks the
 * names without the drawing code, which lives in another program. */
#ifndef STAMPEDE_VIZ_PANELS_H
#define STAMPEDE_VIZ_PANELS_H

#include <stdbool.h>
#include <stddef.h>

/* The panels, top to bottom. */
enum viz_panel { VIZ_PANEL_LOAD, VIZ_PANEL_OUTCOMES, VIZ_PANEL_RETRIES,
                 VIZ_PANEL_AMPLIFICATION, VIZ_PANEL_LATENCY, VIZ_PANEL_QUEUE,
                 VIZ_PANEL_INSTANCES, VIZ_PANEL_UTIL, VIZ_PANEL_WASTE, VIZ_PANEL_CACHE,
                 VIZ_PANEL_DUPLICATES, VIZ_PANEL_POLICY, VIZ_PANEL_COUNT };

/* The names --panels takes ("load", "outcomes", ...), by enum viz_panel. */
extern const char *const viz_panel_names[VIZ_PANEL_COUNT];

/* The panels named in a comma-separated list ("load,outcomes,waste") as
 * bits of enum viz_panel; false with a message in err (naming the nearest
 * panel) when a name is not one. */
bool viz_parse_panels(const char *list, unsigned *panels, char *err, size_t err_size);

#endif
