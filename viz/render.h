/* render: the graphs, drawn with an SDL renderer, the same for the live
 * window and for a PNG on disk.
 *
 * Each run (a variant) is a column of stacked panels sharing one time axis:
 * load (offered, attempts, goodput, failed), latency (p50, p90, p99), each
 * service's queue and utilisation, and policy state (breaker open and
 * half-open as bands, shed and throttled rates, budget level). Fault
 * windows are shaded across every panel and labelled; the recovery
 * verdict is marked on the load panel once a run ends; a caption gives the
 * title and narrates the latest event. Colours are Okabe-Ito, readable with
 * the common colour-vision deficiencies. */
#ifndef STAMPEDE_VIZ_RENDER_H
#define STAMPEDE_VIZ_RENDER_H

#include <stdbool.h>

#include <SDL.h>

#include "font.h"
#include "panels.h"
#include "series.h"

/* The series a viewer may hide with the number keys. */
enum viz_line {
    VIZ_OFFERED, VIZ_ATTEMPTS, VIZ_GOODPUT, VIZ_FAILED, VIZ_P50, VIZ_P90, VIZ_P99,
    VIZ_LINE_COUNT
};

struct viz_draw_opts {
    bool hidden[VIZ_LINE_COUNT];
    unsigned panels;    /* bits (1 << enum viz_panel) to draw; 0: chosen by what the runs hold */
    bool help;          /* the key help overlay */
    const char *status; /* right of the caption: speed, paused... (may be NULL) */
};

struct viz_fonts {
    struct viz_font *text, *small;
};

/* Whether the picture of these runs has panel p: those in o->panels, or by
 * default load, latency and utilisation, queue when a service queued at
 * all (a panel of zeros says less than its absence), plus outcomes when the runs
 * have degraded or fallback answers or failures of more than one kind,
 * retries when a budget refused some, requests were hedged or a service
 * retried its calls,
 * amplification when a service's arrivals per offered request move (a
 * storm multiplying at some tier), cache when a service has a cache,
 * duplicates when work was executed twice, replayed or refused as a repeat,
 * per-instance queues when the instances of a service queue unevenly (a
 * slow replica), wasted work when some service wasted any, and policies when a run has a
 * breaker, a budget, a caller's refusals, or shed or throttled requests. */
bool viz_panel_shown(struct viz_series *const *runs, unsigned count,
                     const struct viz_draw_opts *o, enum viz_panel p);
/* Where panel p of column `run` is ({0} when it is not shown). */
SDL_Rect viz_panel_rect(int w, int h, struct viz_series *const *runs, unsigned count,
                        const struct viz_draw_opts *o, unsigned run, enum viz_panel p);
/* The x pixel of time t (s) in a panel of a run lasting duration_s. */
int viz_time_x(SDL_Rect panel, double duration_s, double t);

extern const SDL_Color viz_color_offered, viz_color_attempts, viz_color_goodput,
    viz_color_failed, viz_color_fault, viz_color_breaker_open;

void viz_draw(SDL_Renderer *r, const struct viz_fonts *fonts, int w, int h,
              struct viz_series *const *runs, unsigned count, const struct viz_draw_opts *o);
/* The same on any canvas (an SVG document, say). */
struct viz_canvas;
void viz_draw_on(struct viz_canvas *c, const struct viz_fonts *fonts, int w, int h,
                 struct viz_series *const *runs, unsigned count, const struct viz_draw_opts *o);

/* Draws the runs into a new surface of w x h (NULL on failure). */
/* The same drawn at `zoom` (an integer): the layout of (w / zoom) x
 * (h / zoom), every line, mark and glyph zoom times as large, for slides
 * and 4K screens. */
SDL_Surface *viz_render_surface_zoomed(struct viz_series *const *runs, unsigned count, int w,
                                       int h, int zoom, const struct viz_draw_opts *o);
SDL_Surface *viz_render_surface(struct viz_series *const *runs, unsigned count, int w, int h,
                                const struct viz_draw_opts *o);

/* Writes an SVG document of w x h at path, complete or not at all, drawn by
 * `draw` with the fonts a PNG would use (so the layout is the same): 0, or
 * -2 with "path: cannot write: reason" in err. */
int viz_svg_file(const char *path, int w, int h,
                 void (*draw)(struct viz_canvas *c, const struct viz_fonts *f, int w, int h,
                              const void *ctx),
                 const void *ctx, char *err, size_t err_size);

/* Saves s as a PNG at path, complete or not at all, every write checked:
 * 0, or -1 with "path: reason" in err. */
int viz_save_png(SDL_Surface *s, const char *path, char *err, size_t err_size);

#endif
