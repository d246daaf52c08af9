/* Sweep grid specs: each input line is one --grid axis; the points of a
 * grid that parses are walked (the first and last thousand). */
#include <stdlib.h>
#include <string.h>

#include "../../sim/edge/grid.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct grid g;
    memset(&g, 0, sizeof g);
    char err[256];
    bool ok = true;
    for (char *line = text, *next; line && ok; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ok = grid_add_axis(&g, line, err, sizeof err);
    }
    if (ok && g.axis_count) {
        uint32_t *index = calloc(g.axis_count, sizeof *index);
        for (uint64_t p = 0; p < g.points && p < 1000; p++)
            grid_point(&g, p, index);
        for (uint64_t p = g.points > 1000 ? g.points - 1000 : 0; p < g.points; p++) {
            grid_point(&g, p, index);
            for (uint32_t k = 0; k < g.axis_count; k++)
                if (index[k] >= g.axes[k].count)
                    abort(); /* a point outside its axis */
        }
        free(index);
    }
    grid_release(&g);
    free(text);
    return 0;
}
