/* A sweep's heatmap: one metric of sweep.csv over two of its grid axes,
 * one cell per grid point, for one variant. Read into cells first, then
 * drawn on a canvas, so the PNG and the SVG are one picture. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../sim/base/csv.h"
#include "../sim/base/xalloc.h"
#include "canvas.h"
#include "render.h"
#include "viz.h"

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

enum { MAX_AXIS = 256 }; /* cells a heat map can still show */

/* What the picture shows: cell[j * nx + i] is the metric at the i-th x
 * value and j-th y value (NaN: no value); lo and hi are its range, or 0
 * and 1 for a ratio or a boolean. */
struct heatmap {
    struct sweep_table t;
    int cx, cy;
    const char *metric, *variant;
    const char *xs[MAX_AXIS], *ys[MAX_AXIS];
    unsigned nx, ny;
    double *cell, lo, hi; /* the ramp's ends */
    bool booleans;        /* the metric is true/false (drawn as 1/0) */
};

static void heatmap_release(struct heatmap *m)
{
    free(m->cell);
    free_table(&m->t);
}

static int heatmap_load(struct heatmap *m, const char *sweep_csv, const char *x, const char *y,
                        const char *metric, const char *variant, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    struct sweep_table *t = &m->t;
    if (read_table(sweep_csv, t, err, err_size) != 0)
        return -1;
    int cvar = find(t, "variant");
    /* the grid's axes are the columns after `point` and before `variant`
     * (or `seed`, in a sweep whose rows name no variant) */
    int axes_end = cvar >= 0 ? cvar : find(t, "seed");
    m->cx = x ? find(t, x) : (axes_end > 1 ? 1 : -1);
    m->cy = y ? find(t, y) : (axes_end > 2 ? 2 : -1);
    int cm = find(t, metric);
    if (m->cx < 0 || m->cy < 0 || m->cx == m->cy) {
        snprintf(err, err_size, "%s: needs two grid axes (--x and --y name them)", sweep_csv);
        return -1;
    }
    if (cm < 0) {
        snprintf(err, err_size, "%s: no column '%s'", sweep_csv, metric);
        return -1;
    }
    /* a sweep of a scenario without variants may have no variant column */
    if (variant && cvar < 0) {
        snprintf(err, err_size, "%s: no variant column, so no variant '%s'", sweep_csv, variant);
        return -1;
    }
    m->metric = metric;
    m->variant = variant ? variant : t->count && cvar >= 0 ? t->rows[0][cvar] : "";
    m->nx = distinct(t, m->cx, m->xs, MAX_AXIS);
    m->ny = distinct(t, m->cy, m->ys, MAX_AXIS);
    if (m->nx > MAX_AXIS || m->ny > MAX_AXIS) {
        bool on_x = m->nx > MAX_AXIS;
        snprintf(err, err_size, "%s: more than %d values on the %s axis '%s': too many to draw",
                 sweep_csv, MAX_AXIS, on_x ? "x" : "y", t->header[on_x ? m->cx : m->cy]);
        return -1;
    }
    m->cell = xcalloc((size_t)m->nx * m->ny, sizeof *m->cell);
    for (unsigned i = 0; i < m->nx * m->ny; i++)
        m->cell[i] = NAN;
    m->lo = INFINITY, m->hi = -INFINITY;
    unsigned used = 0;
    for (unsigned r = 0; r < t->count; r++) {
        char **row = t->rows[r];
        if (cvar >= 0 && strcmp(row[cvar], m->variant))
            continue;
        unsigned i = 0, j = 0;
        while (i < m->nx && strcmp(m->xs[i], row[m->cx]))
            i++;
        while (j < m->ny && strcmp(m->ys[j], row[m->cy]))
            j++;
        bool boolean = !strcmp(row[cm], "true") || !strcmp(row[cm], "false");
        double v = !*row[cm] ? NAN : boolean ? !strcmp(row[cm], "true") : strtod(row[cm], NULL);
        m->booleans = m->booleans || boolean;
        m->cell[j * m->nx + i] = v;
        used++;
        if (v == v) {
            m->lo = v < m->lo ? v : m->lo;
            m->hi = v > m->hi ? v : m->hi;
        }
    }
    if (!used) {
        snprintf(err, err_size, "%s: no rows for variant '%s'", sweep_csv, m->variant);
        return -1;
    }
    /* a ratio is coloured on its whole scale: ramped from 0.955 to 1, a
     * goodput ratio 3% apart looked like night and day */
    size_t len = strlen(metric);
    bool ratio = (len > 6 && !strcmp(metric + len - 6, "_ratio")) ||
                 (len > 6 && !strcmp(metric + len - 6, "_share"));
    if ((ratio || m->booleans) && m->lo >= 0 && m->hi <= 1)
        m->lo = 0, m->hi = 1;
    return 0;
}

/* Where a value falls on the colour ramp, 0..1 (0.5 when all are equal). */
static double ramp_position(const struct heatmap *m, double v)
{
    return m->hi > m->lo ? (v - m->lo) / (m->hi - m->lo) : 0.5;
}

static void heatmap_draw(struct viz_canvas *c, const struct viz_fonts *f,
                         const struct heatmap *m, int w, int h)
{
    const struct sweep_table *t = &m->t;
    SDL_Color ink = {34, 34, 34, 255}, muted = {102, 102, 102, 255};
    viz_canvas_color(c, (SDL_Color){255, 255, 255, 255});
    viz_canvas_clear(c, w, h);
    char buf[512];
    snprintf(buf, sizeof buf, "%s over %s x %s%s%s%s", m->metric, t->header[m->cx],
             t->header[m->cy], *m->variant ? "  [" : "", m->variant, *m->variant ? "]" : "");
    viz_canvas_text(c, f->text, 16, 10, buf, ink);
    int left = 130, top = 50, right = 120, bottom = 70;
    int gw = w - left - right, gh = h - top - bottom;
    int cw = gw / (int)m->nx, ch = gh / (int)m->ny;
    for (unsigned j = 0; j < m->ny; j++)
        for (unsigned i = 0; i < m->nx; i++) {
            double v = m->cell[j * m->nx + i];
            /* the first y value at the bottom, as on a chart */
            SDL_Rect cell = {left + (int)i * cw, top + (int)(m->ny - 1 - j) * ch, cw - 1, ch - 1};
            viz_canvas_color(c, v == v ? ramp(ramp_position(m, v))
                                       : (SDL_Color){200, 200, 200, 255});
            viz_canvas_fill(c, &cell);
            if (v == v)
                snprintf(buf, sizeof buf, "%.3g", v);
            else
                snprintf(buf, sizeof buf, "none");
            int tw = viz_text_width(f->small, buf);
            if (tw < cw - 4 && viz_font_height(f->small) < ch - 2) {
                bool dark = v == v && ramp_position(m, v) < 0.6;
                viz_canvas_text(c, f->small, cell.x + (cw - tw) / 2,
                                cell.y + (ch - viz_font_height(f->small)) / 2, buf,
                                dark ? (SDL_Color){255, 255, 255, 255} : ink);
            }
        }
    for (unsigned i = 0; i < m->nx; i++) { /* x labels, thinned to fit */
        int tw = viz_text_width(f->small, m->xs[i]);
        unsigned every = (unsigned)((tw + 8) / (cw > 0 ? cw : 1)) + 1;
        if (i % every == 0)
            viz_canvas_text(c, f->small, left + (int)i * cw + (cw - tw) / 2, top + gh + 4,
                            m->xs[i], muted);
    }
    for (unsigned j = 0; j < m->ny; j++) {
        int tw = viz_text_width(f->small, m->ys[j]);
        viz_canvas_text(c, f->small, left - tw - 6,
                        top + (int)(m->ny - 1 - j) * ch + (ch - viz_font_height(f->small)) / 2,
                        m->ys[j], muted);
    }
    viz_canvas_text(c, f->small, left + gw / 2 - viz_text_width(f->small, t->header[m->cx]) / 2,
                    top + gh + 26, t->header[m->cx], ink);
    viz_canvas_text(c, f->small, 8, top - 18, t->header[m->cy], ink);
    for (int k = 0; k < gh; k++) { /* the colour bar */
        viz_canvas_color(c, ramp(1 - (double)k / gh));
        SDL_Rect row = {w - right + 30, top + k, 21, 1};
        viz_canvas_fill(c, &row);
    }
    snprintf(buf, sizeof buf, "%.3g", m->hi);
    viz_canvas_text(c, f->small, w - right + 56, top, buf, muted);
    snprintf(buf, sizeof buf, "%.3g", m->lo);
    viz_canvas_text(c, f->small, w - right + 56, top + gh - viz_font_height(f->small), buf, muted);
}

static int heatmap_png(const struct heatmap *m, const char *path, int w, int h, int zoom,
                       char *err, size_t err_size)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r) {
        snprintf(err, err_size, "cannot draw: %s", SDL_GetError());
        if (s)
            SDL_FreeSurface(s);
        return -1;
    }
    SDL_RenderSetScale(r, (float)zoom, (float)zoom);
    struct viz_fonts fonts = {viz_font_open_zoomed(r, 15, false, zoom),
                              viz_font_open_zoomed(r, 12, false, zoom)};
    struct viz_canvas c = viz_canvas_raster(r);
    heatmap_draw(&c, &fonts, m, w / zoom, h / zoom);
    SDL_RenderPresent(r);
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    SDL_DestroyRenderer(r);
    int rc = viz_save_png(s, path, err, err_size) ? -2 : 0;
    SDL_FreeSurface(s);
    return rc;
}

static void draw_heatmap(struct viz_canvas *c, const struct viz_fonts *f, int w, int h,
                         const void *ctx)
{
    heatmap_draw(c, f, ctx, w, h);
}

int viz_heatmap(const char *sweep_csv, const char *x, const char *y, const char *metric,
                const char *variant, const char *path, int w, int h, int zoom, char *err,
                size_t err_size)
{
    struct heatmap m;
    int rc = heatmap_load(&m, sweep_csv, x, y, metric, variant, err, err_size);
    size_t len = strlen(path);
    bool svg = len >= 4 && strcasecmp(path + len - 4, ".svg") == 0;
    zoom = zoom < 1 ? 1 : zoom;
    if (rc == 0)
        rc = svg ? viz_svg_file(path, w / zoom, h / zoom, draw_heatmap, &m, err, err_size)
                 : heatmap_png(&m, path, w, h, zoom, err, err_size);
    heatmap_release(&m);
    return rc;
}
