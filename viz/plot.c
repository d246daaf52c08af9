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

int viz_plot_svg(struct viz_series *const *runs, unsigned count, int w, int h, unsigned panels,
                 const char *path, char *err, size_t err_size)
{
    struct viz_draw_opts o = {.panels = panels};
    struct outfile out;
    if (outfile_open(&out, path) != 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        return -2;
    }
    /* text is measured with the font the PNG uses, so the layout is the same */
    struct viz_fonts fonts = {viz_font_open(NULL, 15, false), viz_font_open(NULL, 12, false)};
    struct viz_canvas c = viz_canvas_svg(out.f, w, h);
    viz_draw_on(&c, &fonts, w, h, runs, count, &o);
    viz_canvas_finish(&c);
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    if (outfile_commit(&out) != 0) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        return -2;
    }
    return 0;
}

unsigned viz_panel_count(struct viz_series *const *runs, unsigned count, unsigned panels)
{
    struct viz_draw_opts o = {.panels = panels};
    unsigned n = 0;
    for (int p = 0; p < VIZ_PANEL_COUNT; p++)
        n += viz_panel_shown(runs, count, &o, (enum viz_panel)p);
    return n;
}

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

/* ---- heatmap ---- */

struct sweep_table {
    char **header;
    unsigned columns;
    char ***rows;
    unsigned count;
};

/* Splits a copy of a CSV line; the fields point into the copy, which is
 * fields[0]'s memory. */
static char **split(const char *line, unsigned *n)
{
    char *copy = xstrdup(line), *tmp[512];
    *n = csv_split(copy, tmp, 512);
    char **f = xcalloc(*n, sizeof *f);
    memcpy(f, tmp, *n * sizeof *f);
    return f;
}

static void free_fields(char **f, unsigned n)
{
    if (n)
        free(f[0]);
    free(f);
}

static int read_table(const char *path, struct sweep_table *t, char *err, size_t err_size)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot read", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, f) > 0)
        t->header = split(line, &t->columns);
    unsigned n;
    while (getline(&line, &cap, f) > 0) {
        char **row = split(line, &n);
        if (n != t->columns) {
            free_fields(row, n);
            continue;
        }
        t->rows = xreallocarray(t->rows, t->count + 1, sizeof *t->rows);
        t->rows[t->count++] = row;
    }
    free(line);
    fclose(f);
    if (!t->header || strcmp(t->header[0], "point") != 0) {
        snprintf(err, err_size, "%s: not a sweep.csv (its header should start with point)", path);
        return -1;
    }
    return 0;
}

static void free_table(struct sweep_table *t)
{
    for (unsigned r = 0; r < t->count; r++)
        free_fields(t->rows[r], t->columns);
    free(t->rows);
    if (t->header)
        free_fields(t->header, t->columns);
}

static int find(const struct sweep_table *t, const char *name)
{
    for (unsigned i = 0; i < t->columns; i++)
        if (!strcmp(t->header[i], name))
            return (int)i;
    return -1;
}

/* The distinct values of a column, in order of first appearance; max + 1
 * when there are more than `max` (only `max` are kept). */
static unsigned distinct(const struct sweep_table *t, int col, const char **out, unsigned max)
{
    unsigned n = 0;
    for (unsigned r = 0; r < t->count; r++) {
        unsigned k = 0;
        while (k < n && strcmp(out[k], t->rows[r][col]))
            k++;
        if (k < n)
            continue;
        if (n == max)
            return max + 1;
        out[n++] = t->rows[r][col];
    }
    return n;
}

/* viridis-like, from dark blue through green to yellow: readable by every
 * common colour-vision deficiency, and in greyscale. */
static SDL_Color ramp(double f)
{
    static const SDL_Color stops[] = {{68, 1, 84, 255},    {59, 82, 139, 255},
                                      {33, 145, 140, 255}, {94, 201, 98, 255},
                                      {253, 231, 37, 255}};
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    double x = f * 4;
    int i = x >= 4 ? 3 : (int)x;
    double u = x - i;
    SDL_Color a = stops[i], b = stops[i + 1];
    return (SDL_Color){(Uint8)(a.r + (b.r - a.r) * u), (Uint8)(a.g + (b.g - a.g) * u),
                       (Uint8)(a.b + (b.b - a.b) * u), 255};
}

int viz_heatmap_png(const char *sweep_csv, const char *x, const char *y, const char *metric,
                    const char *variant, const char *path, int w, int h, char *err,
                    size_t err_size)
{
    struct sweep_table t;
    if (read_table(sweep_csv, &t, err, err_size) != 0) {
        free_table(&t);
        return -1;
    }
    int cvar = find(&t, "variant");
    /* the grid's axes are the columns after `point` and before `variant`
     * (or `seed`, in a sweep whose rows name no variant) */
    int axes_end = cvar >= 0 ? cvar : find(&t, "seed");
    int cx = x ? find(&t, x) : (axes_end > 1 ? 1 : -1);
    int cy = y ? find(&t, y) : (axes_end > 2 ? 2 : -1);
    int cm = find(&t, metric);
    int rc = -1;
    if (cx < 0 || cy < 0 || cx == cy)
        snprintf(err, err_size, "%s: needs two grid axes (--x and --y name them)", sweep_csv);
    else if (cm < 0)
        snprintf(err, err_size, "%s: no column '%s'", sweep_csv, metric);
    if (cx < 0 || cy < 0 || cx == cy || cm < 0) {
        free_table(&t);
        return -1;
    }
    /* a sweep of a scenario without variants may have no variant column */
    const char *want = variant ? variant : t.count && cvar >= 0 ? t.rows[0][cvar] : "";
    if (variant && cvar < 0) {
        snprintf(err, err_size, "%s: no variant column, so no variant '%s'", sweep_csv, variant);
        free_table(&t);
        return -1;
    }
    enum { MAX_AXIS = 256 }; /* cells a heat map can still show */
    const char *xs[MAX_AXIS], *ys[MAX_AXIS];
    unsigned nx = distinct(&t, cx, xs, MAX_AXIS), ny = distinct(&t, cy, ys, MAX_AXIS);
    if (nx > MAX_AXIS || ny > MAX_AXIS) {
        snprintf(err, err_size, "%s: more than %d values on the %s axis '%s': too many to draw",
                 sweep_csv, MAX_AXIS, nx > MAX_AXIS ? "x" : "y", t.header[nx > MAX_AXIS ? cx : cy]);
        free_table(&t);
        return -1;
    }
    double *cell = xcalloc((size_t)nx * ny, sizeof *cell);
    for (unsigned i = 0; i < nx * ny; i++)
        cell[i] = NAN;
    double lo = INFINITY, hi = -INFINITY;
    unsigned used = 0;
    for (unsigned r = 0; r < t.count; r++) {
        char **row = t.rows[r];
        if (cvar >= 0 && strcmp(row[cvar], want))
            continue;
        unsigned i = 0, j = 0;
        while (i < nx && strcmp(xs[i], row[cx]))
            i++;
        while (j < ny && strcmp(ys[j], row[cy]))
            j++;
        double v = !*row[cm]                  ? NAN
                   : !strcmp(row[cm], "true")  ? 1
                   : !strcmp(row[cm], "false") ? 0
                                               : strtod(row[cm], NULL);
        cell[j * nx + i] = v;
        used++;
        if (v == v) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    if (!used) {
        snprintf(err, err_size, "%s: no rows for variant '%s'", sweep_csv, want);
        goto out;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r) {
        snprintf(err, err_size, "cannot draw: %s", SDL_GetError());
        if (s)
            SDL_FreeSurface(s);
        goto out;
    }
    struct viz_font *text = viz_font_open(r, 15, false), *small = viz_font_open(r, 12, false);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    SDL_Color ink = {34, 34, 34, 255}, muted = {102, 102, 102, 255};
    char buf[512];
    snprintf(buf, sizeof buf, "%s over %s x %s%s%s%s", metric, t.header[cx], t.header[cy],
             *want ? "  [" : "", want, *want ? "]" : "");
    viz_text(text, 16, 10, buf, ink);
    int left = 130, top = 50, right = 120, bottom = 70;
    int gw = w - left - right, gh = h - top - bottom;
    int cw = gw / (int)nx, ch = gh / (int)ny;
    for (unsigned j = 0; j < ny; j++)
        for (unsigned i = 0; i < nx; i++) {
            double v = cell[j * nx + i];
            /* the first y value at the bottom, as on a chart */
            SDL_Rect c = {left + (int)i * cw, top + (int)(ny - 1 - j) * ch, cw - 1, ch - 1};
            SDL_Color col = v == v ? ramp(hi > lo ? (v - lo) / (hi - lo) : 0.5)
                                   : (SDL_Color){200, 200, 200, 255};
            SDL_SetRenderDrawColor(r, col.r, col.g, col.b, 255);
            SDL_RenderFillRect(r, &c);
            if (v == v)
                snprintf(buf, sizeof buf, "%.3g", v);
            else
                snprintf(buf, sizeof buf, "none");
            int tw = viz_text_width(small, buf);
            if (tw < cw - 4 && viz_font_height(small) < ch - 2) {
                bool dark = v == v && (hi > lo ? (v - lo) / (hi - lo) : 0.5) < 0.6;
                SDL_Color tc = dark ? (SDL_Color){255, 255, 255, 255} : ink;
                viz_text(small, c.x + (cw - tw) / 2, c.y + (ch - viz_font_height(small)) / 2, buf,
                         tc);
            }
        }
    for (unsigned i = 0; i < nx; i++) { /* x labels, thinned to fit */
        int tw = viz_text_width(small, xs[i]);
        unsigned every = (unsigned)((tw + 8) / (cw > 0 ? cw : 1)) + 1;
        if (i % every == 0)
            viz_text(small, left + (int)i * cw + (cw - tw) / 2, top + gh + 4, xs[i], muted);
    }
    for (unsigned j = 0; j < ny; j++) {
        int tw = viz_text_width(small, ys[j]);
        viz_text(small, left - tw - 6,
                 top + (int)(ny - 1 - j) * ch + (ch - viz_font_height(small)) / 2, ys[j], muted);
    }
    viz_text(small, left + gw / 2 - viz_text_width(small, t.header[cx]) / 2, top + gh + 26,
             t.header[cx], ink);
    viz_text(small, 8, top - 18, t.header[cy], ink);
    for (int k = 0; k < gh; k++) { /* the colour bar */
        SDL_Color col = ramp(1 - (double)k / gh);
        SDL_SetRenderDrawColor(r, col.r, col.g, col.b, 255);
        SDL_RenderDrawLine(r, w - right + 30, top + k, w - right + 50, top + k);
    }
    snprintf(buf, sizeof buf, "%.3g", hi);
    viz_text(small, w - right + 56, top, buf, muted);
    snprintf(buf, sizeof buf, "%.3g", lo);
    viz_text(small, w - right + 56, top + gh - viz_font_height(small), buf, muted);
    SDL_RenderPresent(r);
    viz_font_close(text);
    viz_font_close(small);
    SDL_DestroyRenderer(r);
    rc = viz_save_png(s, path, err, err_size) ? -2 : 0;
    SDL_FreeSurface(s);
out:
    free(cell);
    free_table(&t);
    return rc;
}
