/* viz: pictures of runs. The one header the command line uses.
 *
 * `plot` draws a finished run (or several variants side by side) into a PNG
 * with no display; `view` opens a window whose graphs grow while the
 * simulation runs. Both use the same renderer (render.h), and read only
 * the simulator's public outputs: its window reports and events, or the
 * result files. This header names no SDL type, so the command line that
 * includes it never sees SDL; render.h is the renderer's own. */
#ifndef STAMPEDE_VIZ_H
#define STAMPEDE_VIZ_H

#include <stdbool.h>
#include <stddef.h>

#include "panels.h"
#include "series.h"

#define VIZ_PNG_W 1400
#define VIZ_PNG_H 1000

/* Draws the runs into a w x h PNG at `path`, laid out as (w / zoom) x
 * (h / zoom) with everything zoom times as large; 0, or -1 with a message
 * in err. */
int viz_plot_png(struct viz_series *const *runs, unsigned count, int w, int h, int zoom,
                 unsigned panels, const char *path, char *err, size_t err_size);

/* The same picture as an SVG document (vector: it scales to any screen or
 * slide); 0, or -2 with a message in err when it cannot be written. */
int viz_plot_svg(struct viz_series *const *runs, unsigned count, int w, int h, unsigned panels,
                 const char *path, char *err, size_t err_size);

/* How many panels a picture of these runs has (with `panels` as for
 * viz_plot_png: 0 chooses by what they hold). */
unsigned viz_panel_count(struct viz_series *const *runs, unsigned count, unsigned panels);


/* A heatmap of `metric` over two axes of a sweep.csv (x and y: axis column
 * names, NULL for the first and second), for `variant` (NULL: the first),
 * into a PNG, or an SVG when path ends in .svg, of w x h drawn at `zoom`
 * (as viz_render_surface_zoomed). 0; -1 when the CSV cannot be drawn, -2
 * when the file cannot be written (a message in err either way). */
int viz_heatmap(const char *sweep_csv, const char *x, const char *y, const char *metric,
                const char *variant, const char *path, int w, int h, int zoom, char *err,
                size_t err_size);

/* The live viewer; see view.c. Returns an exit code. */
struct viz_view_options {
    double speed;           /* simulated seconds per wall second; 0: as fast as possible */
    const char *keys;       /* scripted key presses (tests), one per frame, or NULL */
    const char *screenshot; /* save the last frame here on exit, or NULL */
    int width, height;
    double max_wall_s;      /* quit after this long (0: never) */
    unsigned panels;        /* viz_parse_panels bits; 0: chosen by what the runs hold */
};
int viz_view(const struct scenario *const *variants, unsigned count, uint64_t seed,
             const struct viz_view_options *o);

#endif
