/* Pictures on disk: the run's graphs, or a sweep's heatmap, drawn with a
 * software renderer onto a surface and saved with SDL2_image. No display
 * is needed (png.c saves them). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/base/csv.h"
#include "../sim/base/outfile.h"
#include "../sim/base/spell.h"
#include "../sim/base/xalloc.h"
#include "canvas.h"
#include "render.h"
#include "viz.h"

SDL_Surface *viz_render_surface(struct viz_series *const *runs, unsigned count, int w, int h,
                                const struct viz_draw_opts *o)
{
    return viz_render_surface_zoomed(runs, count, w, h, 1, o);
}

SDL_Surface *viz_render_surface_zoomed(struct viz_series *const *runs, unsigned count, int w,
                                       int h, int zoom, const struct viz_draw_opts *o)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    if (!r) {
        SDL_FreeSurface(s);
        return NULL;
    }
    zoom = zoom < 1 ? 1 : zoom;
    SDL_RenderSetScale(r, (float)zoom, (float)zoom); /* lines and text zoom x as thick */
    struct viz_fonts fonts = {viz_font_open_zoomed(r, 15, false, zoom),
                              viz_font_open_zoomed(r, 12, false, zoom)};
    viz_draw(r, &fonts, w / zoom, h / zoom, runs, count, o);
    SDL_RenderPresent(r);
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    SDL_DestroyRenderer(r);
    return s;
}

int viz_plot_png(struct viz_series *const *runs, unsigned count, int w, int h, int zoom,
                 unsigned panels, const char *path, char *err, size_t err_size)
{
    struct viz_draw_opts o = {.panels = panels};
    SDL_Surface *s = viz_render_surface_zoomed(runs, count, w, h, zoom, &o);
    if (!s) {
        snprintf(err, err_size, "cannot draw: %s", SDL_GetError());
        return -1;
    }
    int rc = viz_save_png(s, path, err, err_size);
    SDL_FreeSurface(s);
    return rc;
}

int viz_svg_file(const char *path, int w, int h,
                 void (*draw)(struct viz_canvas *c, const struct viz_fonts *f, int w, int h,
                              const void *ctx),
                 const void *ctx, char *err, size_t err_size)
{
    struct outfile out;
    if (outfile_open(&out, path) != 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        return -2;
    }
    /* text is measured with the font the PNG uses, so the layout is the same */
    struct viz_fonts fonts = {viz_font_open(NULL, 15, false), viz_font_open(NULL, 12, false)};
    struct viz_canvas c = viz_canvas_svg(out.f, w, h);
    draw(&c, &fonts, w, h, ctx);
    viz_canvas_finish(&c);
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    if (outfile_commit(&out) != 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        return -2;
    }
    return 0;
}

struct plot_job {
    struct viz_series *const *runs;
    unsigned count;
    struct viz_draw_opts opts;
};

static void draw_plot(struct viz_canvas *c, const struct viz_fonts *f, int w, int h,
                      const void *ctx)
{
    const struct plot_job *job = ctx;
    viz_draw_on(c, f, w, h, job->runs, job->count, &job->opts);
}

int viz_plot_svg(struct viz_series *const *runs, unsigned count, int w, int h, unsigned panels,
                 const char *path, char *err, size_t err_size)
{
    struct plot_job job = {runs, count, {.panels = panels}};
    return viz_svg_file(path, w, h, draw_plot, &job, err, err_size);
}

unsigned viz_panel_count(struct viz_series *const *runs, unsigned count, unsigned panels)
{
    struct viz_draw_opts o = {.panels = panels};
    unsigned n = 0;
    for (int p = 0; p < VIZ_PANEL_COUNT; p++)
        n += viz_panel_shown(runs, count, &o, (enum viz_panel)p);
    return n;
}

