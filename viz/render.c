#include "render.h"

#include "canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Okabe-Ito, with grey and black */
const SDL_Color viz_color_offered = {0x00, 0x72, 0xB2, 255};   /* blue */
const SDL_Color viz_color_attempts = {0xE6, 0x9F, 0x00, 255};  /* orange */
const SDL_Color viz_color_goodput = {0x00, 0x9E, 0x73, 255};   /* bluish green */
const SDL_Color viz_color_failed = {0xD5, 0x5E, 0x00, 255};    /* vermillion */
const SDL_Color viz_color_fault = {0x80, 0x80, 0x80, 60};      /* translucent grey */
const SDL_Color viz_color_breaker_open = {0xD5, 0x5E, 0x00, 200};
static const SDL_Color HALF_OPEN = {0xE6, 0x9F, 0x00, 200};
static const SDL_Color P50 = {0x56, 0xB4, 0xE9, 255};  /* sky blue */
static const SDL_Color P90 = {0x00, 0x72, 0xB2, 255};  /* blue */
static const SDL_Color P99 = {0xCC, 0x79, 0xA7, 255};  /* reddish purple */
static const SDL_Color SHED = {0xCC, 0x79, 0xA7, 255};
static const SDL_Color THROTTLED = {0x56, 0xB4, 0xE9, 255};
static const SDL_Color BUDGET = {0x00, 0x9E, 0x73, 255};
static const SDL_Color CONFLICT = {0xE6, 0x9F, 0x00, 255}; /* orange */
static const SDL_Color REFUSED = {0x00, 0x00, 0x00, 255};  /* black */
static const SDL_Color INK = {0x22, 0x22, 0x22, 255};
static const SDL_Color MUTED = {0x66, 0x66, 0x66, 255};
static const SDL_Color GRID = {0xE4, 0xE4, 0xE4, 255};
static const SDL_Color PAPER = {0xFF, 0xFF, 0xFF, 255};
/* Okabe-Ito's eight, then four of Paul Tol's muted scheme (wine, teal,
 * olive, indigo) unlike any of them: twelve services named apart, a
 * search front end over ten shards among them. */
static const SDL_Color PALETTE[] = {
    {0x00, 0x72, 0xB2, 255}, {0xE6, 0x9F, 0x00, 255}, {0x00, 0x9E, 0x73, 255},
    {0xCC, 0x79, 0xA7, 255}, {0x56, 0xB4, 0xE9, 255}, {0xD5, 0x5E, 0x00, 255},
    {0x00, 0x00, 0x00, 255}, {0xF0, 0xE4, 0x42, 255}, {0x88, 0x22, 0x55, 255},
    {0x44, 0xAA, 0x99, 255}, {0x99, 0x99, 0x33, 255}, {0x33, 0x22, 0x88, 255},
};

#define CAPTION_H 92 /* title, two lines of description, a narration line */
#define AXIS_H 22
#define LEFT_M 58
#define RIGHT_M 12
#define GAP 8

static const char *const PANEL_TITLES[VIZ_PANEL_COUNT] = {
    [VIZ_PANEL_LOAD] = "load (requests/s)",
    [VIZ_PANEL_OUTCOMES] = "outcomes (requests/s)",
    [VIZ_PANEL_RETRIES] = "retries and hedges (/s)",
    [VIZ_PANEL_AMPLIFICATION] = "amplification (arrivals per offered request)",
    [VIZ_PANEL_LATENCY] = "latency of successes (ms)",
    [VIZ_PANEL_QUEUE] = "queue length (window max)",
    [VIZ_PANEL_INSTANCES] = "queue per instance (window max)",
    [VIZ_PANEL_UTIL] = "utilisation",
    [VIZ_PANEL_WASTE] = "wasted work (worker-s/s)",
    [VIZ_PANEL_CACHE] = "cache hit ratio",
    [VIZ_PANEL_DUPLICATES] = "repeated work (/s)",
    [VIZ_PANEL_POLICY] = "policies: breakers and refusals (/s)"};

static bool has_breaker(const struct viz_series *v, unsigned k);
static double series_max(const double *y, unsigned n);
static double services_max(const struct viz_series *v, enum viz_service_metric m);

/* Whether a run has anything for the policies panel: a breaker, a retry
 * budget, or requests shed or throttled (a policy of timeouts alone has
 * nothing to draw there). */
static bool has_policy_content(const struct viz_series *v)
{
    for (unsigned k = 0; k < v->policies; k++)
        if (has_breaker(v, k) || series_max(v->budget[k], v->n) > 0)
            return true;
    if (series_max(v->refused, v->n) > 0 || services_max(v, VIZ_SVC_REFUSED_OUT) > 0)
        return true;
    for (unsigned i = 0; i < v->n; i++)
        if (v->shed[i] > 0 || v->throttled[i] > 0)
            return true;
    return false;
}

/* Degraded or fallback answers, or failures of two kinds or more: then
 * the outcomes panel tells what the load panel's one failed line cannot. */
static bool has_outcome_mix(const struct viz_series *v)
{
    unsigned kinds = 0;
    for (int k = VIZ_DEGRADED; k < VIZ_OUTCOMES; k++) {
        bool any = series_max(v->outcome[k], v->n) > 0;
        if (any && (k == VIZ_DEGRADED || k == VIZ_FALLBACK))
            return true;
        kinds += any;
    }
    return kinds >= 2;
}


/* Whether the instances of one service queue unevenly: one peak more than
 * twice another's, and at least 5 apart (a slow replica, a lost zone). */
static bool has_uneven_instances(const struct viz_series *v)
{
    for (uint32_t a = 0; a < v->instances; a++)
        for (uint32_t b = a + 1; b < v->instances && !strcmp(v->instance_service[a],
                                                              v->instance_service[b]);
             b++) {
            double x = series_max(v->instance_queue[a], v->n);
            double y = series_max(v->instance_queue[b], v->n);
            double hi = x > y ? x : y, lo = x > y ? y : x;
            if (hi > 2 * lo && hi - lo >= 5)
                return true;
        }
    return false;
}

/* A budget refused retries, hedges were sent, or services retried their
 * own calls: then retries are worth a panel of their own (the load panel's
 * attempts add up the clients' only). */
static bool has_retry_policy(const struct viz_series *v)
{
    return series_max(v->suppressed, v->n) > 0 || series_max(v->hedges, v->n) > 0 ||
           services_max(v, VIZ_SVC_SUPPRESSED_OUT) > 0 || services_max(v, VIZ_SVC_HEDGES_OUT) > 0 ||
           services_max(v, VIZ_SVC_RETRIES_OUT) > 0;
}

static bool has_waste(const struct viz_series *v) { return services_max(v, VIZ_SVC_WASTED) > 0; }
static bool has_queue(const struct viz_series *v) { return services_max(v, VIZ_SVC_QUEUE) > 0; }

/* A service's amplification moves during the run: a storm multiplying
 * arrivals at some tier (its peak at least 1.25 times its low; the first
 * and last windows, half-filled by requests in transit, left out). A
 * steady fan-out, however wide, is no lesson here. */
static bool has_moving_amplification(const struct viz_series *v)
{
    for (unsigned s = 0; s < v->services; s++) {
        const double *a = v->service[VIZ_SVC_AMPLIFICATION][s];
        double lo = INFINITY, hi = 0;
        for (unsigned i = 1; i + 1 < v->n; i++)
            if (a[i] == a[i])
                lo = fmin(lo, a[i]), hi = fmax(hi, a[i]);
        if (hi > 0 && hi >= 1.25 * lo)
            return true;
    }
    return false;
}

static bool has_cache(const struct viz_series *v)
{
    for (unsigned s = 0; s < v->services; s++)
        for (unsigned i = 0; i < v->n; i++)
            if (v->service[VIZ_SVC_CACHE_HIT][s][i] == v->service[VIZ_SVC_CACHE_HIT][s][i])
                return true;
    return false;
}

static bool has_repeats(const struct viz_series *v)
{
    return services_max(v, VIZ_SVC_DUPLICATES) > 0 || services_max(v, VIZ_SVC_REPLAYED) > 0 ||
           services_max(v, VIZ_SVC_CONFLICTS) > 0;
}

bool viz_panel_shown(struct viz_series *const *runs, unsigned count,
                     const struct viz_draw_opts *o, enum viz_panel p)
{
    if (o && o->panels)
        return (o->panels >> p) & 1u;
    bool (*wanted)(const struct viz_series *) = p == VIZ_PANEL_POLICY      ? has_policy_content
                                               : p == VIZ_PANEL_OUTCOMES  ? has_outcome_mix
                                               : p == VIZ_PANEL_WASTE     ? has_waste
                                               : p == VIZ_PANEL_QUEUE     ? has_queue
                                               : p == VIZ_PANEL_INSTANCES ? has_uneven_instances
                                               : p == VIZ_PANEL_RETRIES   ? has_retry_policy
                                               : p == VIZ_PANEL_AMPLIFICATION ? has_moving_amplification
                                               : p == VIZ_PANEL_CACHE     ? has_cache
                                               : p == VIZ_PANEL_DUPLICATES ? has_repeats
                                                                          : NULL;
    if (!wanted)
        return true;
    for (unsigned k = 0; k < count; k++)
        if (wanted(runs[k]))
            return true;
    return false; /* an empty panel would take its share of the picture */
}

SDL_Rect viz_panel_rect(int w, int h, struct viz_series *const *runs, unsigned count,
                        const struct viz_draw_opts *o, unsigned run, enum viz_panel p)
{
    unsigned slots = 0, slot = 0;
    for (int k = 0; k < VIZ_PANEL_COUNT; k++)
        if (viz_panel_shown(runs, count, o, (enum viz_panel)k)) {
            slot = k < (int)p ? slot + 1 : slot;
            slots++;
        }
    if (!viz_panel_shown(runs, count, o, p) || slots == 0)
        return (SDL_Rect){0, 0, 0, 0};
    unsigned columns = count ? count : 1;
    int col_w = w / (int)columns;
    int top = CAPTION_H, bottom = h - AXIS_H;
    int ph = (bottom - top - GAP * ((int)slots - 1)) / (int)slots;
    SDL_Rect rect = {col_w * (int)run + LEFT_M, top + (int)slot * (ph + GAP),
                     col_w - LEFT_M - RIGHT_M, ph};
    return rect;
}

int viz_time_x(SDL_Rect panel, double duration_s, double t)
{
    if (duration_s <= 0)
        return panel.x;
    double f = t / duration_s;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return panel.x + (int)lround(f * (panel.w - 1));
}

static void set_color(struct viz_canvas *r, SDL_Color c) { viz_canvas_color(r, c); }

/* A "nice" axis maximum above x: 1, 2 or 5 times a power of ten, with
 * room above x so that a series at its maximum (a flat latency of exactly
 * 100 ms) is not drawn on the panel's frame. */
static double nice_ceiling(double x)
{
    if (!(x > 0))
        return 1;
    x *= 1.04;
    double p = pow(10, floor(log10(x)));
    for (int k = 0; k < 3; k++) {
        double m = (double[]){1, 2, 5}[k] * p;
        if (m >= x * 0.999)
            return m;
    }
    return 10 * p;
}

static void format_tick(char *buf, size_t n, double v)
{
    if (v >= 10000)
        snprintf(buf, n, "%.0fk", v / 1000);
    else if (v == floor(v))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.2g", v);
}

static double series_max(const double *y, unsigned n)
{
    double m = 0;
    for (unsigned i = 0; i < n; i++)
        if (y[i] == y[i] && y[i] > m)
            m = y[i];
    return m;
}

/* Grid divisions that land on round numbers: 5 for a maximum of 5 x 10^k,
 * 4 for 1 or 2 x 10^k. */
static int divisions(double ymax)
{
    double lead = ymax / pow(10, floor(log10(ymax)));
    return lead > 4.5 ? 5 : 4;
}

/* A line through (t[i], y[i]); NaN breaks it. `width` pixels wide: series
 * that may coincide are drawn widest first and narrowest on top, so equal
 * values show as a cased line (p50 inside p90 inside p99; failed inside
 * offered) instead of one hiding the others. */
static void line(struct viz_canvas *r, SDL_Rect p, const struct viz_series *v, double ymax,
                 const double *y, SDL_Color c, bool dashed, int width)
{
    /* a value describes its whole window (a rate, a percentile, a peak): it is
     * drawn at the window's middle, so a drop inside a fault's band is drawn
     * inside the band, not half a window early */
    double duration = v->duration_s, half = v->window_s / 2;
    const double *t = v->t;
    unsigned n = v->n;
    set_color(r, c);
    SDL_Point *pts = malloc((n ? n : 1) * sizeof *pts);
    if (!pts)
        return;
    int count = 0;
    for (unsigned i = 0; i <= n; i++) {
        if (i == n || y[i] != y[i]) { /* a gap (or the end): draw the run so far */
            viz_canvas_polyline(r, pts, count, width, p);
            count = 0;
            continue;
        }
        double f = ymax > 0 ? y[i] / ymax : 0;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        pts[count++] = (SDL_Point){viz_time_x(p, duration, t[i] + half),
                                   p.y + p.h - 1 - (int)lround(f * (p.h - 2))};
        if (dashed && count == 2) { /* every other segment */
            if (i % 2 == 0)
                viz_canvas_polyline(r, pts, 2, width, p);
            pts[0] = pts[1];
            count = 1;
        }
    }
    free(pts);
}

/* A panel's legend: items given in reading order, laid out left to right
 * in lines right-aligned to the panel's top edge, the first line beside the
 * title and the next ones below it when they do not fit. */
#define LEGEND_MAX 16
struct legend {
    SDL_Rect p;
    int title_end;
    unsigned n;
    struct legend_entry {
        char name[48];
        SDL_Color c;
        int width;
    } item[LEGEND_MAX];
};

static struct legend legend_at(SDL_Rect p, int title_end)
{
    return (struct legend){.p = p, .title_end = title_end};
}

static void legend_item(struct legend *l, const char *name, SDL_Color c, int width)
{
    if (l->n == LEGEND_MAX)
        return; /* callers group what is beyond (top N and "others") */
    struct legend_entry *e = &l->item[l->n++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->c = c, e->width = width;
}

static int entry_width(const struct viz_fonts *f, const struct legend_entry *e)
{
    return 22 + viz_text_width(f->small, e->name);
}

static void legend_draw(struct viz_canvas *r, const struct viz_fonts *f, const struct legend *l)
{
    int right = l->p.x + l->p.w - 4, y = l->p.y + 2, left_limit = l->title_end + 10;
    for (unsigned first = 0, line = 0; first < l->n; line++) { /* as many as fit a line */
        int room = right - left_limit, used = 0;
        unsigned last = first;
        /* below the title a line takes at least one item; beside it, none may fit */
        while (last < l->n && (used + entry_width(f, &l->item[last]) <= room ||
                               (last == first && line > 0)))
            used += entry_width(f, &l->item[last++]);
        int x = right - used;
        for (unsigned k = first; k < last; k++) {
            const struct legend_entry *e = &l->item[k];
            set_color(r, e->c);
            int h = e->width < 3 ? 3 : e->width; /* the swatch as thick as its line */
            SDL_Rect swatch = {x, y + viz_font_height(f->small) / 2 - h / 2, 14, h};
            viz_canvas_fill(r, &swatch);
            viz_canvas_text(r, f->small, x + 17, y, e->name, INK);
            x += entry_width(f, e);
        }
        first = last;
        y += viz_font_height(f->small);
        left_limit = l->p.x + 4; /* below the title: the whole width */
    }
}

/* The lines the legend takes (the same layout as legend_draw). */
static int legend_lines(const struct viz_fonts *f, const struct legend *l)
{
    int right = l->p.x + l->p.w - 4, left_limit = l->title_end + 10, lines = 0;
    for (unsigned first = 0; first < l->n; lines++) {
        int room = right - left_limit, used = 0;
        unsigned last = first;
        while (last < l->n && (used + entry_width(f, &l->item[last]) <= room ||
                               (last == first && lines > 0)))
            used += entry_width(f, &l->item[last++]);
        first = last;
        left_limit = l->p.x + 4;
    }
    return lines;
}

/* A panel's title and legend in a band along its top, then its grid and
 * labels below: the area for the data, which nothing is drawn over (a
 * utilisation of 1 used to run under the legend's text). */
static SDL_Rect panel_frame(struct viz_canvas *r, const struct viz_fonts *f, SDL_Rect p, double ymax,
                            const char *title, const struct legend *l)
{
    int lines = legend_lines(f, l);
    int band = (lines > 1 ? lines : 1) * viz_font_height(f->small) + 4;
    SDL_Rect d = {p.x, p.y + band, p.w, p.h - band};
    viz_canvas_text(r, f->small, p.x + 4, p.y + 2, title, INK);
    legend_draw(r, f, l);
    set_color(r, GRID);
    char buf[32];
    int div = divisions(ymax);
    for (int k = 0; k <= div; k++) {
        int y = d.y + d.h - (int)lround((double)k / div * (d.h - 1));
        viz_canvas_line(r, d.x, y, d.x + d.w - 1, y);
        format_tick(buf, sizeof buf, ymax * k / div);
        int tw = viz_text_width(f->small, buf);
        viz_canvas_text(r, f->small, d.x - tw - 4, y - viz_font_height(f->small) / 2, buf, MUTED);
        set_color(r, GRID);
    }
    return d;
}

/* A legend beside `title`, to fill before panel_frame. */
static struct legend legend_for(const struct viz_fonts *f, SDL_Rect p, const char *title)
{
    return legend_at(p, p.x + 4 + viz_text_width(f->small, title));
}

/* Fault windows shaded on every panel; above the first, each distinct
 * fault labelled once, at its first window, with how often it recurs
 * ("pause (5 times)"), staggered on two lines and kept clear of the column's
 * variant tag (whose left edge is `tag_x`). */
static void shade_faults(struct viz_canvas *r, const struct viz_fonts *f, const struct viz_series *v,
                         SDL_Rect p, bool label, int tag_x)
{
    unsigned labelled = 0;
    for (unsigned k = 0; k < v->faults; k++) {
        const struct viz_fault *fl = &v->fault[k];
        double end = fl->end == fl->end ? fl->end : v->now_s;
        if (end <= fl->start)
            end = fl->start + v->window_s * 0.25; /* an instant: a thin band */
        int x0 = viz_time_x(p, v->duration_s, fl->start), x1 = viz_time_x(p, v->duration_s, end);
        SDL_Rect band = {x0, p.y, x1 - x0 > 1 ? x1 - x0 : 2, p.h};
        set_color(r, viz_color_fault);
        viz_canvas_fill(r, &band);
        if (!label)
            continue;
        unsigned repeats = 0;
        bool first = true;
        for (unsigned j = 0; j < v->faults; j++)
            if (strcmp(v->fault[j].label, fl->label) == 0) {
                first = first && j >= k;
                repeats++;
            }
        if (!first)
            continue;
        char text[160];
        if (repeats > 1)
            snprintf(text, sizeof text, "%s (%u times)", fl->label, repeats);
        else
            snprintf(text, sizeof text, "%s", fl->label);
        int tw = viz_text_width(f->small, text);
        int y = p.y - (int)(1 + labelled % 2) * viz_font_height(f->small) - 1;
        int x = x0;
        bool tag_line = labelled % 2 == 0; /* the lower line is the tag's */
        if (tag_line && x + tw > tag_x - 6)
            x = tag_x - 6 - tw;
        if (tag_line && x < p.x - 40) { /* no room beside the tag: the line above */
            x = x0 + tw > p.x + p.w ? p.x + p.w - tw : x0;
            y = p.y - 2 * viz_font_height(f->small) - 1;
            labelled++;
        }
        if (x < p.x - 40)
            x = p.x - 40;
        viz_canvas_text(r, f->small, x, y, text, MUTED);
        labelled++;
    }
}

/* Where the run was judged back after its faults (summary.json's
 * recovered and recovery_s): a dashed line at that instant, labelled, or
 * a note when it never came back or could not be judged. */
static void mark_recovery(struct viz_canvas *r, const struct viz_fonts *f, const struct viz_series *v,
                          SDL_Rect p)
{
    if (v->recovery == VIZ_RECOVERY_NONE || !v->finished)
        return;
    char label[64];
    int x = p.x + p.w - 4, y = p.y + 2; /* at the top: load lines run along the bottom */
    SDL_Color c;
    if (v->recovery == VIZ_RECOVERY_BACK && v->recovery_s == v->recovery_s &&
        v->last_fault_end_s == v->last_fault_end_s) {
        x = viz_time_x(p, v->duration_s, v->last_fault_end_s + v->recovery_s);
        set_color(r, viz_color_goodput);
        for (int yy = p.y; yy < p.y + p.h; yy += 6)
            viz_canvas_line(r, x, yy, x, yy + 2 < p.y + p.h ? yy + 2 : p.y + p.h - 1);
        snprintf(label, sizeof label, "back +%.1f s", v->recovery_s);
        c = viz_color_goodput;
        int tw = viz_text_width(f->small, label);
        x = x + 3 + tw > p.x + p.w - 2 ? x - 3 - tw : x + 3; /* right of the line if it fits */
    } else {
        bool lost = v->recovery == VIZ_RECOVERY_NOT_BACK;
        snprintf(label, sizeof label, "%s", lost ? "not back by the end" : "recovery not judged");
        c = lost ? viz_color_failed : MUTED;
        x -= viz_text_width(f->small, label);
    }
    viz_canvas_text(r, f->small, x, y, label, c);
}

static double load_max(const struct viz_series *v, const struct viz_draw_opts *o)
{
    double m = 0;
    const double *ys[] = {v->offered, v->attempts, v->goodput, v->failed};
    for (int k = 0; k < 4; k++)
        if (!o->hidden[VIZ_OFFERED + k]) {
            double x = series_max(ys[k], v->n);
            m = x > m ? x : m;
        }
    return m;
}

static void draw_load(struct viz_canvas *r, const struct viz_fonts *f, const struct viz_series *v,
                      SDL_Rect p, const struct viz_draw_opts *o, double shared)
{
    const double *ys[] = {v->offered, v->attempts, v->goodput, v->failed};
    double ymax = nice_ceiling(shared);
    static const char *const names[] = {"offered", "attempts", "goodput", "failed"};
    const SDL_Color cs[] = {viz_color_offered, viz_color_attempts, viz_color_goodput,
                            viz_color_failed};
    /* widest underneath: a storm's failed = offered shows as a red core in
     * a blue casing, a healthy goodput = offered as green in blue */
    static const int widths[] = {8, 5, 3, 2};
    struct legend l = legend_for(f, p, PANEL_TITLES[VIZ_PANEL_LOAD]);
    for (int k = 0; k < 4; k++)
        if (!o->hidden[VIZ_OFFERED + k])
            legend_item(&l, names[k], cs[k], widths[k]);
    SDL_Rect d = panel_frame(r, f, p, ymax, PANEL_TITLES[VIZ_PANEL_LOAD], &l);
    for (int k = 0; k < 4; k++)
        if (!o->hidden[VIZ_OFFERED + k])
            line(r, d, v, ymax, ys[k], cs[k], false, widths[k]);
    mark_recovery(r, f, v, d);
}

static double latency_max(const struct viz_series *v, const struct viz_draw_opts *o)
{
    const double *ys[] = {v->p50, v->p90, v->p99};
    double m = 0;
    for (int k = 0; k < 3; k++)
        if (!o->hidden[VIZ_P50 + k]) {
            double x = series_max(ys[k], v->n);
            m = x > m ? x : m;
        }
    return m;
}

static void draw_latency(struct viz_canvas *r, const struct viz_fonts *f, const struct viz_series *v,
                         SDL_Rect p, const struct viz_draw_opts *o, double shared)
{
    const double *ys[] = {v->p50, v->p90, v->p99};
    double ymax = nice_ceiling(shared);
    static const char *const names[] = {"p50", "p90", "p99"};
    const SDL_Color cs[] = {P50, P90, P99};
    static const int widths[] = {2, 4, 7}; /* p99 widest, underneath */
    struct legend l = legend_for(f, p, PANEL_TITLES[VIZ_PANEL_LATENCY]);
    for (int k = 0; k < 3; k++)
        if (!o->hidden[VIZ_P50 + k])
            legend_item(&l, names[k], cs[k], widths[k]);
    SDL_Rect d = panel_frame(r, f, p, ymax, PANEL_TITLES[VIZ_PANEL_LATENCY], &l);
    for (int k = 2; k >= 0; k--)
        if (!o->hidden[VIZ_P50 + k])
            line(r, d, v, ymax, ys[k], cs[k], false, widths[k]);
}

/* The most of one per-service metric over every service. */
static double services_max(const struct viz_series *v, enum viz_service_metric m)
{
    double top = 0;
    for (unsigned s = 0; s < v->services; s++) {
        double x = series_max(v->service[m][s], v->n);
        top = x > top ? x : top;
    }
    return top;
}

static double queue_max(const struct viz_series *v) { return services_max(v, VIZ_SVC_QUEUE); }

#define PALETTE_N (sizeof PALETTE / sizeof PALETTE[0])
static const SDL_Color OTHERS = {0x99, 0x99, 0x99, 255};

/* Of n candidates, the `limit` with the highest (key[j], tie[j]) (tie may
 * be NULL), written to out in candidate order; returns how many. */
static unsigned pick_top(unsigned n, const double *key, const double *tie, unsigned limit,
                         unsigned *out)
{
    bool *taken = calloc(n ? n : 1, sizeof *taken);
    unsigned chosen = 0;
    for (; taken && chosen < limit && chosen < n; chosen++) {
        unsigned best = 0;
        bool found = false;
        for (unsigned j = 0; j < n; j++) {
            bool better = !found || key[j] > key[best] ||
                          (key[j] == key[best] && tie && tie[j] > tie[best]);
            if (!taken[j] && better)
                best = j, found = true;
        }
        taken[best] = true;
    }
    if (!taken)
        return 0;
    for (unsigned j = 0, k = 0; j < n; j++)
        if (taken[j])
            out[k++] = j;
    free(taken);
    return chosen;
}

/* The services drawn by name: all of them when the palette has a colour
 * each, else the PALETTE_N - 1 busiest (by peak utilisation, then peak
 * queue) in scenario order, the rest drawn as one grey "others" line.
 * The same choice for every service panel, so a colour means one service. */
static unsigned shown_services(const struct viz_series *v, unsigned *idx)
{
    if (v->services <= PALETTE_N) {
        for (unsigned s = 0; s < v->services; s++)
            idx[s] = s;
        return v->services;
    }
    double *util = calloc(v->services, sizeof *util), *queue = calloc(v->services, sizeof *queue);
    unsigned n = 0;
    if (util && queue) {
        for (unsigned s = 0; s < v->services; s++) {
            util[s] = series_max(v->service[VIZ_SVC_UTIL][s], v->n);
            queue[s] = series_max(v->service[VIZ_SVC_QUEUE][s], v->n);
        }
        n = pick_top(v->services, util, queue, PALETTE_N - 1, idx);
    }
    free(util);
    free(queue);
    return n;
}

/* Whether a series has any value (NaN means "none": no lookups, say). */
static bool has_values(const double *y, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (y[i] == y[i])
            return true;
    return false;
}

/* Lines of `named` series in the palette's colours, then the window by
 * window maximum of `rest` series as one grey line: a panel with many
 * series names a few and still shows where the others went. */
static void draw_named_and_rest(struct viz_canvas *r, const struct viz_fonts *f,
                                const struct viz_series *v, SDL_Rect p, const char *title,
                                double ymax, const double *const *named, const char *const *names,
                                unsigned n_named, const double *const *rest, unsigned n_rest)
{
    /* cased, first widest: services at the same value (all at an
     * amplification of 1, two tiers saturated) stay visible, one inside
     * another */
    int width[PALETTE_N];
    for (unsigned k = 0; k < n_named; k++) { /* a few lines: 8, 6, 4, 2; many: 4, 4, ..., 3, 2 */
        unsigned above = n_named - 1 - k;
        width[k] = n_named <= 4 ? 2 + 2 * (int)above : 2 + (int)(above < 2 ? above : 2);
    }
    struct legend l = legend_for(f, p, title);
    for (unsigned k = 0; k < n_named; k++)
        if (has_values(named[k], v->n))
            legend_item(&l, names[k], PALETTE[k], width[k]);
    double *most = n_rest ? malloc((v->n ? v->n : 1) * sizeof *most) : NULL;
    bool any_rest = false;
    for (unsigned i = 0; most && i < v->n; i++) {
        most[i] = NAN;
        for (unsigned j = 0; j < n_rest; j++)
            if (rest[j][i] == rest[j][i] && !(rest[j][i] <= most[i]))
                most[i] = rest[j][i], any_rest = true;
    }
    char others[48];
    snprintf(others, sizeof others, "%u others (max)", n_rest);
    if (any_rest)
        legend_item(&l, others, OTHERS, 2);
    SDL_Rect d = panel_frame(r, f, p, ymax, title, &l);
    if (any_rest)
        line(r, d, v, ymax, most, OTHERS, false, 2);
    free(most);
    for (unsigned k = 0; k < n_named; k++)
        line(r, d, v, ymax, named[k], PALETTE[k], false, width[k]);
}

/* A per-service panel (queue, utilisation, waste, amplification, cache hit
 * ratio): the shown services by name in their colours, the rest as
 * "others". Services without values (no cache) are left out of it. */
static void draw_per_service(struct viz_canvas *r, const struct viz_fonts *f,
                             const struct viz_series *v, SDL_Rect p, enum viz_panel panel,
                             enum viz_service_metric m, double ymax)
{
    unsigned idx[PALETTE_N];
    unsigned shown = shown_services(v, idx);
    const double *named[PALETTE_N];
    const char *names[PALETTE_N];
    for (unsigned k = 0; k < shown; k++)
        named[k] = v->service[m][idx[k]], names[k] = v->service_name[idx[k]];
    const double **rest = malloc((v->services ? v->services : 1) * sizeof *rest);
    unsigned n_rest = 0;
    for (unsigned s = 0, k = 0; rest && s < v->services; s++) {
        if (k < shown && idx[k] == s)
            k++;
        else
            rest[n_rest++] = v->service[m][s];
    }
    draw_named_and_rest(r, f, v, p, PANEL_TITLES[panel], ymax, named, names, shown, rest,
                        n_rest);
    free(rest);
}

static double instances_max(const struct viz_series *v)
{
    double m = 0;
    for (uint32_t k = 0; k < v->instances; k++) {
        double x = series_max(v->instance_queue[k], v->n);
        m = x > m ? x : m;
    }
    return m;
}

/* Each instance's longest queue per window, for the services that have
 * more than one: a slow replica stands out from its siblings. Past the
 * palette, the longest-queued are named and the rest drawn as "others". */
static void draw_instances(struct viz_canvas *r, const struct viz_fonts *f,
                           const struct viz_series *v, SDL_Rect p, double shared)
{
    unsigned pick[VIZ_MAX_INSTANCES], n = 0;
    for (uint32_t k = 0; k < v->instances; k++) { /* instances of multi-instance services */
        bool multi = (k > 0 && !strcmp(v->instance_service[k - 1], v->instance_service[k])) ||
                     (k + 1 < v->instances && !strcmp(v->instance_service[k + 1], v->instance_service[k]));
        if (multi)
            pick[n++] = k;
    }
    double peak[VIZ_MAX_INSTANCES] = {0};
    for (unsigned j = 0; j < n; j++)
        peak[j] = series_max(v->instance_queue[pick[j]], v->n);
    unsigned top[PALETTE_N];
    unsigned shown = pick_top(n, peak, NULL, n <= PALETTE_N ? n : PALETTE_N - 1, top);
    const double *named[PALETTE_N], *rest[VIZ_MAX_INSTANCES];
    const char *names[PALETTE_N];
    unsigned n_rest = 0;
    for (unsigned j = 0, k = 0; j < n; j++) {
        if (k < shown && top[k] == j) {
            named[k] = v->instance_queue[pick[j]], names[k] = v->instance_name[pick[j]];
            k++;
        } else {
            rest[n_rest++] = v->instance_queue[pick[j]];
        }
    }
    draw_named_and_rest(r, f, v, p, PANEL_TITLES[VIZ_PANEL_INSTANCES], nice_ceiling(shared),
                        named, names, shown, rest, n_rest);
}

/* A per-window sum over services of one metric (duplicates, say). */
static void sum_services(const struct viz_series *v, enum viz_service_metric m, double *out)
{
    for (unsigned i = 0; i < v->n; i++) {
        out[i] = 0;
        for (unsigned s = 0; s < v->services; s++)
            out[i] += v->service[m][s][i] == v->service[m][s][i] ? v->service[m][s][i] : 0;
    }
}

static double duplicates_max(const struct viz_series *v)
{
    double m = 0;
    for (int k = VIZ_SVC_DUPLICATES; k <= VIZ_SVC_CONFLICTS; k++) {
        double *sum = malloc((v->n ? v->n : 1) * sizeof *sum);
        if (!sum)
            return m;
        sum_services(v, (enum viz_service_metric)k, sum);
        m = fmax(m, series_max(sum, v->n));
        free(sum);
    }
    return m;
}

/* Work executed twice (a retried write: a card charged twice), repeats the
 * idempotency-key store answered with the stored result, and repeats it
 * refused because the first was still running; summed over services, the
 * service named when only one has any. */
static void draw_duplicates(struct viz_canvas *r, const struct viz_fonts *f,
                            const struct viz_series *v, SDL_Rect p, double shared)
{
    static const char *const what[] = {"executed twice", "replayed from the key store",
                                       "refused: first still running"};
    const SDL_Color cs[] = {viz_color_failed, viz_color_goodput, CONFLICT};
    static const int widths[] = {5, 3, 2};
    int involved = -1; /* the one service with any, or -2 for several */
    for (unsigned s = 0; s < v->services && involved != -2; s++)
        for (int k = VIZ_SVC_DUPLICATES; k <= VIZ_SVC_CONFLICTS; k++)
            if (series_max(v->service[k][s], v->n) > 0) {
                involved = involved == -1 || involved == (int)s ? (int)s : -2;
                break;
            }
    char title[96];
    snprintf(title, sizeof title, "%s%s%s", PANEL_TITLES[VIZ_PANEL_DUPLICATES],
             involved >= 0 ? ": " : "", involved >= 0 ? v->service_name[involved] : "");
    double ymax = nice_ceiling(shared);
    struct legend l = legend_for(f, p, title);
    for (int k = 0; k < 3; k++)
        legend_item(&l, what[k], cs[k], widths[k]);
    SDL_Rect d = panel_frame(r, f, p, ymax, title, &l);
    double *sum = malloc((v->n ? v->n : 1) * sizeof *sum);
    for (int k = 0; sum && k < 3; k++) {
        sum_services(v, (enum viz_service_metric)(VIZ_SVC_DUPLICATES + k), sum);
        line(r, d, v, ymax, sum, cs[k], false, widths[k]);
    }
    free(sum);
}

static const char *const OUTCOME_NAMES[VIZ_OUTCOMES] = {
    "succeeded", "degraded", "fallback", "timeout", "error", "rejected", "breaker open", "shed",
    "throttled"};
static const SDL_Color OUTCOME_COLORS[VIZ_OUTCOMES] = {
    {0x00, 0x9E, 0x73, 255}, {0xF0, 0xE4, 0x42, 255}, {0x56, 0xB4, 0xE9, 255},
    {0xD5, 0x5E, 0x00, 255}, {0xCC, 0x79, 0xA7, 255}, {0xE6, 0x9F, 0x00, 255},
    {0x00, 0x00, 0x00, 255}, {0x99, 0x99, 0x99, 255}, {0x00, 0x72, 0xB2, 255}};

static double outcomes_max(const struct viz_series *v)
{
    double m = 0;
    for (unsigned i = 0; i < v->n; i++) {
        double sum = 0;
        for (int k = 0; k < VIZ_OUTCOMES; k++)
            sum += v->outcome[k][i] == v->outcome[k][i] ? v->outcome[k][i] : 0;
        m = sum > m ? sum : m;
    }
    return m;
}

/* What became of each window's requests, stacked: the answers (full,
 * degraded, fallback) at the bottom, the failures by reason above them
 * (Gatling's OK/KO, split), so a storm's timeouts and a breaker's refusals
 * are told apart. */
static void draw_outcomes(struct viz_canvas *r, const struct viz_fonts *f,
                          const struct viz_series *v, SDL_Rect p, double shared)
{
    double ymax = nice_ceiling(shared);
    struct legend l = legend_for(f, p, PANEL_TITLES[VIZ_PANEL_OUTCOMES]);
    for (int k = 0; k < VIZ_OUTCOMES; k++)
        if (series_max(v->outcome[k], v->n) > 0)
            legend_item(&l, OUTCOME_NAMES[k], OUTCOME_COLORS[k], 6);
    SDL_Rect d = panel_frame(r, f, p, ymax, PANEL_TITLES[VIZ_PANEL_OUTCOMES], &l);
    for (unsigned i = 0; i < v->n; i++) {
        int x0 = viz_time_x(d, v->duration_s, v->t[i]);
        int x1 = viz_time_x(d, v->duration_s, v->t[i] + v->window_s);
        double below = 0;
        for (int k = 0; k < VIZ_OUTCOMES; k++) {
            double y = v->outcome[k][i];
            if (!(y > 0))
                continue;
            int top = d.y + d.h - (int)lround(fmin(1, (below + y) / ymax) * d.h);
            int bottom = d.y + d.h - (int)lround(fmin(1, below / ymax) * d.h);
            below += y;
            if (bottom <= top)
                continue;
            set_color(r, OUTCOME_COLORS[k]);
            SDL_Rect bar = {x0, top, x1 - x0 > 1 ? x1 - x0 : 1, bottom - top};
            viz_canvas_fill(r, &bar);
        }
    }
}

static bool same_color(SDL_Color a, SDL_Color b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

/* Per window, the clients' `own` plus every service's metric m (all the
 * callers' retries a budget suppressed, say); out has v->n values. */
static void all_callers(const struct viz_series *v, const double *own, enum viz_service_metric m,
                        double *out)
{
    sum_services(v, m, out);
    for (unsigned i = 0; i < v->n; i++)
        out[i] += own[i] == own[i] ? own[i] : 0;
}

/* The most of the clients' `own` plus every service's metric m. */
static double all_callers_max(const struct viz_series *v, const double *own,
                              enum viz_service_metric m)
{
    double *sum = malloc((v->n ? v->n : 1) * sizeof *sum);
    if (!sum)
        return 0;
    all_callers(v, own, m, sum);
    double top = series_max(sum, v->n);
    free(sum);
    return top;
}

static double retries_max(const struct viz_series *v)
{
    double m = fmax(series_max(v->retries, v->n), services_max(v, VIZ_SVC_RETRIES_OUT));
    m = fmax(m, all_callers_max(v, v->suppressed, VIZ_SVC_SUPPRESSED_OUT));
    return fmax(m, all_callers_max(v, v->hedges, VIZ_SVC_HEDGES_OUT));
}

/* Retries by caller: the clients' (as in the load panel's attempts), then
 * each service's own calls' in its colour, so a storm amplified tier by
 * tier shows where; then the retries a budget suppressed and the hedges,
 * of every caller. */
static void draw_retries(struct viz_canvas *r, const struct viz_fonts *f,
                         const struct viz_series *v, SDL_Rect p, double shared)
{
    double ymax = nice_ceiling(shared);
    const char *title = PANEL_TITLES[VIZ_PANEL_RETRIES];
    unsigned idx[PALETTE_N];
    unsigned shown = shown_services(v, idx);
    bool service_retries[PALETTE_N] = {false}, any_services = false;
    for (unsigned k = 0; k < shown; k++) {
        service_retries[k] = series_max(v->service[VIZ_SVC_RETRIES_OUT][idx[k]], v->n) > 0;
        any_services = any_services || service_retries[k];
    }
    struct legend l = legend_for(f, p, title);
    legend_item(&l, any_services ? "clients' retries" : "retries", viz_color_attempts, 4);
    char name[PALETTE_N][64];
    for (unsigned k = 0; k < shown; k++)
        if (service_retries[k]) {
            snprintf(name[k], sizeof name[k], "%s's retries", v->service_name[idx[k]]);
            legend_item(&l, name[k], PALETTE[k], 2);
        }
    legend_item(&l, "suppressed by a budget", BUDGET, 2);
    legend_item(&l, "hedges", P50, 2);
    SDL_Rect d = panel_frame(r, f, p, ymax, title, &l);
    line(r, d, v, ymax, v->retries, viz_color_attempts, false, 4);
    for (unsigned k = 0; k < shown; k++) { /* dashed only if its colour is one of the above */
        SDL_Color c = PALETTE[k];
        bool taken = same_color(c, viz_color_attempts) || same_color(c, BUDGET) ||
                     same_color(c, P50);
        if (service_retries[k])
            line(r, d, v, ymax, v->service[VIZ_SVC_RETRIES_OUT][idx[k]], c, taken, 2);
    }
    double *sum = malloc((v->n ? v->n : 1) * sizeof *sum);
    if (!sum)
        return;
    all_callers(v, v->suppressed, VIZ_SVC_SUPPRESSED_OUT, sum);
    line(r, d, v, ymax, sum, BUDGET, false, 2);
    all_callers(v, v->hedges, VIZ_SVC_HEDGES_OUT, sum);
    line(r, d, v, ymax, sum, P50, false, 2);
    free(sum);
}

static double waste_max(const struct viz_series *v) { return services_max(v, VIZ_SVC_WASTED); }

static bool has_breaker(const struct viz_series *v, unsigned k)
{
    for (unsigned i = 0; i < v->n; i++)
        if (v->breaker[k][i] >= 0)
            return true;
    return false;
}

/* Breaker lanes (open and half-open as bands), then the calls and attempts
 * refused by the callers' own breakers, bulkheads, rate limiters and
 * adaptive throttles (every caller), shed, throttled and the budget level
 * (scaled to its own maximum) as lines. */
static double policy_max(const struct viz_series *v)
{
    double m = fmax(series_max(v->shed, v->n), series_max(v->throttled, v->n));
    return fmax(m, all_callers_max(v, v->refused, VIZ_SVC_REFUSED_OUT));
}

static void draw_policy(struct viz_canvas *r, const struct viz_fonts *f, const struct viz_series *v,
                        SDL_Rect p, double shared)
{
    const char *title = PANEL_TITLES[VIZ_PANEL_POLICY];
    unsigned lanes = 0;
    for (unsigned k = 0; k < v->policies; k++)
        lanes += has_breaker(v, k);
    double ymax = nice_ceiling(shared);
    int budget = -1; /* the first policy with a budget, drawn to its own scale */
    for (unsigned k = 0; k < v->policies && budget < 0; k++)
        if (series_max(v->budget[k], v->n) > 0)
            budget = (int)k;
    struct legend l = legend_for(f, p, title);
    if (lanes) {
        legend_item(&l, "open", viz_color_breaker_open, 6);
        legend_item(&l, "half-open", HALF_OPEN, 6);
    }
    legend_item(&l, "shed", SHED, 4);
    legend_item(&l, "throttled", THROTTLED, 2);
    double *refused = malloc((v->n ? v->n : 1) * sizeof *refused);
    bool any_refused = false;
    if (refused) {
        all_callers(v, v->refused, VIZ_SVC_REFUSED_OUT, refused);
        any_refused = series_max(refused, v->n) > 0;
    }
    if (any_refused)
        legend_item(&l, "refused by the caller", REFUSED, 3);
    if (budget >= 0)
        legend_item(&l, "budget (scaled)", BUDGET, 2);
    SDL_Rect d = panel_frame(r, f, p, ymax, title, &l);
    unsigned lane = 0;
    int lane_h = lanes ? d.h / (int)(lanes < 4 ? 4 : lanes) : 0;
    for (unsigned k = 0; k < v->policies; k++) {
        if (!has_breaker(v, k))
            continue;
        int y = d.y + (int)lane * lane_h;
        for (unsigned i = 0; i < v->n; i++) {
            if (v->breaker[k][i] <= 0)
                continue;
            int x0 = viz_time_x(d, v->duration_s, v->t[i]);
            int x1 = viz_time_x(d, v->duration_s, v->t[i] + v->window_s);
            set_color(r, v->breaker[k][i] == 1 ? viz_color_breaker_open : HALF_OPEN);
            SDL_Rect band = {x0, y + 1, x1 - x0 > 1 ? x1 - x0 : 1, lane_h - 2};
            viz_canvas_fill(r, &band);
        }
        viz_canvas_text(r, f->small, d.x + 4, y + (lane_h - viz_font_height(f->small)) / 2,
                 v->policy_edge[k], MUTED);
        lane++;
    }
    if (any_refused)
        line(r, d, v, ymax, refused, REFUSED, false, 3);
    free(refused);
    line(r, d, v, ymax, v->shed, SHED, false, 4);
    line(r, d, v, ymax, v->throttled, THROTTLED, false, 2);
    if (budget >= 0)
        line(r, d, v, series_max(v->budget[budget], v->n) * 1.3, v->budget[budget], BUDGET, true,
             2);
}

static void time_axis(struct viz_canvas *r, const struct viz_fonts *f, SDL_Rect p, double duration)
{
    double step = nice_ceiling(duration / 8);
    char buf[32];
    for (double t = 0; t <= duration + 1e-9; t += step) {
        int x = viz_time_x(p, duration, t);
        set_color(r, MUTED);
        viz_canvas_line(r, x, p.y + p.h, x, p.y + p.h + 3);
        snprintf(buf, sizeof buf, "%g s", t);
        int tw = viz_text_width(f->small, buf);
        viz_canvas_text(r, f->small, x - tw / 2, p.y + p.h + 4, buf, MUTED);
    }
}

/* Draws `text` wrapped at word boundaries into at most `lines` lines of
 * width `w` from (x, y); the last line ends in "..." if text is left.
 * Returns the lines it took (r NULL: counts them, draws nothing). */
static int wrapped(struct viz_canvas *r, struct viz_font *font, int x, int y, int w, int lines,
                   const char *text, SDL_Color c)
{
    int used = 0;
    char buf[512];
    const char *p = text;
    for (int line = 0; line < lines && *p; line++) {
        size_t fit = 0, len = strlen(p); /* the longest run of whole words that fits */
        for (size_t end = 0; end <= len; end++) {
            if (end < len && p[end] != ' ')
                continue;
            if (end >= sizeof buf - 4)
                break;
            memcpy(buf, p, end);
            buf[end] = '\0';
            if (viz_text_width(font, buf) > w && fit)
                break;
            fit = end;
        }
        if (!fit)
            fit = len < sizeof buf - 4 ? len : sizeof buf - 4;
        memcpy(buf, p, fit);
        buf[fit] = '\0';
        p += fit;
        while (*p == ' ')
            p++;
        if (line == lines - 1 && *p)
            snprintf(buf + (fit > 3 ? fit - 3 : 0), 4, "...");
        if (r) /* NULL: only count the lines */
            viz_canvas_text(r, font, x, y + line * viz_font_height(font), buf, c);
        used++;
    }
    return used;
}

/* The title, the scenario's description (wrapped, two lines), and above
 * each column its own run's latest event: a narrator per variant. */
static void caption(struct viz_canvas *r, const struct viz_fonts *f, int w,
                    struct viz_series *const *runs,
                    unsigned count, const struct viz_draw_opts *o)
{
    const struct viz_series *v = runs[0];
    viz_canvas_text(r, f->text, 10, 4, v->title, INK);
    int status_w = 0;
    if (o && o->status) {
        status_w = viz_text_width(f->small, o->status) + 20;
        viz_canvas_text(r, f->small, w - status_w + 10, 6, o->status, MUTED);
    }
    int y = 8 + viz_font_height(f->text);
    wrapped(r, f->small, 10, y, w - 20, 2, v->description ? v->description : "", MUTED);
    int col_w = w / (int)(count ? count : 1);
    for (unsigned k = 0; k < count; k++) { /* clipped to the column */
        if (!runs[k]->narration[0])
            continue;
        wrapped(r, f->small, col_w * (int)k + LEFT_M, y + 2 * viz_font_height(f->small),
                col_w - LEFT_M - RIGHT_M, 1, runs[k]->narration, INK);
    }
}

/* The keys, and the scenario's description whole (the caption has room for
 * two lines of it): what a teacher reads out before pressing space. */
static void help_overlay(struct viz_canvas *r, const struct viz_fonts *f, int w, int h,
                         const char *description)
{
    static const char *const keys[][2] = {
        {"+ / -", "faster / slower (from 1/8 x to as fast as possible)"},
        {"space", "pause / resume"},
        {".", "one window forward (paused)"},
        {"r", "restart"},
        {"1-7", "show / hide offered, attempts, goodput, failed, p50, p90, p99"},
        {"s", "save a PNG of the window"},
        {"h", "this help"},
        {"q, Esc", "quit"},
    };
    int n = (int)(sizeof keys / sizeof keys[0]) + 1, lh = viz_font_height(f->text) + 2;
    int bw = w - 80 < 760 ? w - 80 : 760, sh = viz_font_height(f->small);
    int room = (h - 100 - n * lh) / (sh > 0 ? sh : 1); /* the description, as much as fits */
    int desc_lines = description && *description ? (room < 40 ? room : 40) : 0;
    desc_lines = desc_lines < 0 ? 0 : desc_lines;
    if (desc_lines) /* as many as the text takes */
        desc_lines = wrapped(NULL, f->small, 0, 0, bw - 32, desc_lines, description, MUTED);
    SDL_Rect box = {w / 2 - bw / 2, h / 2 - (n * lh + desc_lines * sh) / 2 - 12, bw,
                    n * lh + desc_lines * sh + 32};
    set_color(r, (SDL_Color){255, 255, 255, 240});
    viz_canvas_fill(r, &box);
    set_color(r, INK);
    viz_canvas_frame(r, &box);
    viz_canvas_text(r, f->text, box.x + 16, box.y + 12, "keys", INK);
    for (int i = 1; i < n; i++) { /* two columns: proportional text does not line up on spaces */
        viz_canvas_text(r, f->text, box.x + 16, box.y + 12 + i * lh, keys[i - 1][0], INK);
        viz_canvas_text(r, f->text, box.x + 110, box.y + 12 + i * lh, keys[i - 1][1], INK);
    }
    if (desc_lines)
        wrapped(r, f->small, box.x + 16, box.y + 20 + n * lh, bw - 32, desc_lines, description,
                MUTED);
}

void viz_draw(SDL_Renderer *renderer, const struct viz_fonts *f, int w, int h,
              struct viz_series *const *runs, unsigned count, const struct viz_draw_opts *o)
{
    struct viz_canvas c = viz_canvas_raster(renderer);
    viz_draw_on(&c, f, w, h, runs, count, o);
}

void viz_draw_on(struct viz_canvas *r, const struct viz_fonts *f, int w, int h,
              struct viz_series *const *runs, unsigned count, const struct viz_draw_opts *o)
{
    static const struct viz_draw_opts none = {0};
    if (!o)
        o = &none;
    set_color(r, PAPER);
    viz_canvas_clear(r, w, h);
    caption(r, f, w, runs, count, o);
    /* one scale per panel across the runs, so that side by side they compare */
    double shared[VIZ_PANEL_COUNT] = {0};
    for (unsigned k = 0; k < count; k++) {
        double m[VIZ_PANEL_COUNT] = {
            [VIZ_PANEL_LOAD] = load_max(runs[k], o),
            [VIZ_PANEL_OUTCOMES] = outcomes_max(runs[k]),
            [VIZ_PANEL_RETRIES] = retries_max(runs[k]),
            [VIZ_PANEL_AMPLIFICATION] = services_max(runs[k], VIZ_SVC_AMPLIFICATION),
            [VIZ_PANEL_LATENCY] = latency_max(runs[k], o),
            [VIZ_PANEL_QUEUE] = queue_max(runs[k]),
            [VIZ_PANEL_INSTANCES] = instances_max(runs[k]),
            [VIZ_PANEL_UTIL] = 1,
            [VIZ_PANEL_WASTE] = waste_max(runs[k]),
            [VIZ_PANEL_CACHE] = 1,
            [VIZ_PANEL_DUPLICATES] = duplicates_max(runs[k]),
            [VIZ_PANEL_POLICY] = policy_max(runs[k])};
        for (int p = 0; p < VIZ_PANEL_COUNT; p++)
            shared[p] = m[p] > shared[p] ? m[p] : shared[p];
    }
    for (unsigned k = 0; k < count; k++) {
        const struct viz_series *v = runs[k];
        SDL_Rect panels[VIZ_PANEL_COUNT];
        bool shown[VIZ_PANEL_COUNT];
        int first = -1, last = 0; /* the top panel (fault labels), the bottom (time axis) */
        for (int p = 0; p < VIZ_PANEL_COUNT; p++) {
            shown[p] = viz_panel_shown(runs, count, o, (enum viz_panel)p);
            panels[p] = viz_panel_rect(w, h, runs, count, o, k, (enum viz_panel)p);
            last = shown[p] ? p : last;
            first = shown[p] && first < 0 ? p : first;
        }
        if (first < 0)
            continue; /* nothing asked for */
        int tag_x = panels[first].x + panels[first].w; /* the column's variant tag, if any */
        if (count > 1 || (v->variant[0] && strcmp(v->variant, "default") != 0)) {
            char buf[96];
            snprintf(buf, sizeof buf, "[%s]", v->variant);
            tag_x -= viz_text_width(f->small, buf);
            viz_canvas_text(r, f->small, tag_x, CAPTION_H - viz_font_height(f->small) - 2, buf, INK);
        }
        for (int p = 0; p < VIZ_PANEL_COUNT; p++)
            if (shown[p])
                shade_faults(r, f, v, panels[p], p == first, tag_x);
        if (shown[VIZ_PANEL_LOAD])
            draw_load(r, f, v, panels[VIZ_PANEL_LOAD], o, shared[VIZ_PANEL_LOAD]);
        if (shown[VIZ_PANEL_OUTCOMES])
            draw_outcomes(r, f, v, panels[VIZ_PANEL_OUTCOMES], shared[VIZ_PANEL_OUTCOMES]);
        if (shown[VIZ_PANEL_RETRIES])
            draw_retries(r, f, v, panels[VIZ_PANEL_RETRIES], shared[VIZ_PANEL_RETRIES]);
        if (shown[VIZ_PANEL_AMPLIFICATION])
            draw_per_service(r, f, v, panels[VIZ_PANEL_AMPLIFICATION], VIZ_PANEL_AMPLIFICATION,
                             VIZ_SVC_AMPLIFICATION, nice_ceiling(shared[VIZ_PANEL_AMPLIFICATION]));
        if (shown[VIZ_PANEL_LATENCY])
            draw_latency(r, f, v, panels[VIZ_PANEL_LATENCY], o, shared[VIZ_PANEL_LATENCY]);
        if (shown[VIZ_PANEL_QUEUE])
            draw_per_service(r, f, v, panels[VIZ_PANEL_QUEUE], VIZ_PANEL_QUEUE, VIZ_SVC_QUEUE,
                             nice_ceiling(shared[VIZ_PANEL_QUEUE]));
        if (shown[VIZ_PANEL_INSTANCES])
            draw_instances(r, f, v, panels[VIZ_PANEL_INSTANCES], shared[VIZ_PANEL_INSTANCES]);
        if (shown[VIZ_PANEL_UTIL])
            draw_per_service(r, f, v, panels[VIZ_PANEL_UTIL], VIZ_PANEL_UTIL, VIZ_SVC_UTIL, 1);
        if (shown[VIZ_PANEL_WASTE])
            draw_per_service(r, f, v, panels[VIZ_PANEL_WASTE], VIZ_PANEL_WASTE, VIZ_SVC_WASTED,
                             nice_ceiling(shared[VIZ_PANEL_WASTE]));
        if (shown[VIZ_PANEL_CACHE])
            draw_per_service(r, f, v, panels[VIZ_PANEL_CACHE], VIZ_PANEL_CACHE, VIZ_SVC_CACHE_HIT, 1);
        if (shown[VIZ_PANEL_DUPLICATES])
            draw_duplicates(r, f, v, panels[VIZ_PANEL_DUPLICATES], shared[VIZ_PANEL_DUPLICATES]);
        if (shown[VIZ_PANEL_POLICY])
            draw_policy(r, f, v, panels[VIZ_PANEL_POLICY], shared[VIZ_PANEL_POLICY]);
        for (int p = 0; p < VIZ_PANEL_COUNT; p++) {
            set_color(r, MUTED);
            if (shown[p])
                viz_canvas_frame(r, &panels[p]);
        }
        time_axis(r, f, panels[last], v->duration_s);
        if (!v->finished && v->now_s < v->duration_s) { /* where the simulation is */
            int x = viz_time_x(panels[first], v->duration_s, v->now_s);
            set_color(r, GRID);
            viz_canvas_line(r, x, panels[first].y, x, panels[last].y + panels[last].h);
        }
    }
    if (o->help)
        help_overlay(r, f, w, h, runs[0]->description);
}
