#include "render.h"

#include <math.h>
#include <stdio.h>
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
static const SDL_Color INK = {0x22, 0x22, 0x22, 255};
static const SDL_Color MUTED = {0x66, 0x66, 0x66, 255};
static const SDL_Color GRID = {0xE4, 0xE4, 0xE4, 255};
static const SDL_Color PAPER = {0xFF, 0xFF, 0xFF, 255};
static const SDL_Color PALETTE[] = {
    {0x00, 0x72, 0xB2, 255}, {0xE6, 0x9F, 0x00, 255}, {0x00, 0x9E, 0x73, 255},
    {0xCC, 0x79, 0xA7, 255}, {0x56, 0xB4, 0xE9, 255}, {0xD5, 0x5E, 0x00, 255},
    {0x00, 0x00, 0x00, 255}, {0xF0, 0xE4, 0x42, 255},
};

#define CAPTION_H 76
#define AXIS_H 22
#define LEFT_M 58
#define RIGHT_M 12
#define GAP 8

static const char *const PANEL_TITLES[VIZ_PANEL_COUNT] = {
    "load (requests/s)", "latency of successes (ms)", "queue length (window max)", "utilisation",
    "policies"};

SDL_Rect viz_panel_rect(int w, int h, unsigned runs, unsigned run, enum viz_panel p)
{
    if (runs == 0)
        runs = 1;
    int col_w = w / (int)runs;
    int top = CAPTION_H, bottom = h - AXIS_H;
    int ph = (bottom - top - GAP * (VIZ_PANEL_COUNT - 1)) / VIZ_PANEL_COUNT;
    SDL_Rect rect = {col_w * (int)run + LEFT_M, top + (int)p * (ph + GAP),
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

static void set_color(SDL_Renderer *r, SDL_Color c) { SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a); }

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

/* A panel's frame, horizontal grid lines with labels, and its title;
 * returns where the title ends (legends keep clear of it). */
static int frame(SDL_Renderer *r, const struct viz_fonts *f, SDL_Rect p, double ymax,
                 const char *title)
{
    set_color(r, GRID);
    char buf[32];
    int div = divisions(ymax);
    for (int k = 0; k <= div; k++) {
        int y = p.y + p.h - (int)lround((double)k / div * (p.h - 1));
        SDL_RenderDrawLine(r, p.x, y, p.x + p.w - 1, y);
        format_tick(buf, sizeof buf, ymax * k / div);
        int tw = viz_text_width(f->small, buf);
        viz_text(f->small, p.x - tw - 4, y - viz_font_height(f->small) / 2, buf, MUTED);
        set_color(r, GRID);
    }
    return p.x + 4 + viz_text(f->small, p.x + 4, p.y + 2, title, INK);
}

/* A line through (t[i], y[i]); NaN breaks it. Two pixels wide. */
static void line(SDL_Renderer *r, SDL_Rect p, double duration, double ymax, const double *t,
                 const double *y, unsigned n, SDL_Color c, bool dashed)
{
    set_color(r, c);
    int px = 0, py = 0;
    bool have = false;
    for (unsigned i = 0; i < n; i++) {
        if (y[i] != y[i]) {
            have = false;
            continue;
        }
        double f = ymax > 0 ? y[i] / ymax : 0;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        int x = viz_time_x(p, duration, t[i]);
        int yy = p.y + p.h - 1 - (int)lround(f * (p.h - 2));
        if (have && (!dashed || i % 2 == 0)) {
            SDL_RenderDrawLine(r, px, py, x, yy);
            SDL_RenderDrawLine(r, px, py - 1, x, yy - 1);
        }
        px = x, py = yy, have = true;
    }
}

/* Legend items go right to left along the panel's top edge, and wrap to
 * the next line rather than run into the panel's title. */
struct legend {
    int x, y, right, title_end;
};

static struct legend legend_at(SDL_Rect p, int title_end)
{
    return (struct legend){p.x + p.w - 4, p.y + 2, p.x + p.w - 4, title_end};
}

static void legend_item(SDL_Renderer *r, const struct viz_fonts *f, struct legend *l,
                        const char *name, SDL_Color c)
{
    int tw = viz_text_width(f->small, name);
    if (l->x - tw - 22 < l->title_end + 10) { /* no room beside the title: next line */
        l->x = l->right;
        l->y += viz_font_height(f->small);
        l->title_end = 0;
    }
    l->x -= tw + 22;
    set_color(r, c);
    SDL_Rect swatch = {l->x, l->y + viz_font_height(f->small) / 2 - 1, 14, 3};
    SDL_RenderFillRect(r, &swatch);
    viz_text(f->small, l->x + 17, l->y, name, INK);
}

static void shade_faults(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                         SDL_Rect p, bool label)
{
    for (unsigned k = 0; k < v->faults; k++) {
        const struct viz_fault *fl = &v->fault[k];
        double end = fl->end == fl->end ? fl->end : v->now_s;
        if (end <= fl->start)
            end = fl->start + v->window_s * 0.25; /* an instant: a thin band */
        int x0 = viz_time_x(p, v->duration_s, fl->start), x1 = viz_time_x(p, v->duration_s, end);
        SDL_Rect band = {x0, p.y, x1 - x0 > 1 ? x1 - x0 : 2, p.h};
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
        set_color(r, viz_color_fault);
        SDL_RenderFillRect(r, &band);
        if (label) /* above the panels, staggered so that neighbours stay readable */
            viz_text(f->small, x0, p.y - (int)(1 + k % 2) * viz_font_height(f->small) - 1,
                     fl->label, MUTED);
    }
}

/* Where the run was judged back after its faults (summary.json's
 * recovered and recovery_s): a dashed line at that instant, labelled, or
 * a note when it never came back or could not be judged. */
static void mark_recovery(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                          SDL_Rect p)
{
    if (v->recovery == VIZ_RECOVERY_NONE || !v->finished)
        return;
    char label[64];
    int x = p.x + p.w - 4, y = p.y + p.h - viz_font_height(f->small) - 3;
    SDL_Color c;
    if (v->recovery == VIZ_RECOVERY_BACK && v->recovery_s == v->recovery_s &&
        v->last_fault_end_s == v->last_fault_end_s) {
        x = viz_time_x(p, v->duration_s, v->last_fault_end_s + v->recovery_s);
        set_color(r, viz_color_goodput);
        for (int yy = p.y; yy < p.y + p.h; yy += 6)
            SDL_RenderDrawLine(r, x, yy, x, yy + 2 < p.y + p.h ? yy + 2 : p.y + p.h - 1);
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
    viz_text(f->small, x, y, label, c);
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

static void draw_load(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                      SDL_Rect p, const struct viz_draw_opts *o, double shared)
{
    const double *ys[] = {v->offered, v->attempts, v->goodput, v->failed};
    double ymax = nice_ceiling(shared);
    int te = frame(r, f, p, ymax, PANEL_TITLES[VIZ_PANEL_LOAD]);
    static const char *const names[] = {"offered", "attempts", "goodput", "failed"};
    const SDL_Color cs[] = {viz_color_offered, viz_color_attempts, viz_color_goodput,
                            viz_color_failed};
    struct legend l = legend_at(p, te);
    for (int k = 3; k >= 0; k--)
        if (!o->hidden[VIZ_OFFERED + k]) {
            line(r, p, v->duration_s, ymax, v->t, ys[k], v->n, cs[k], false);
            legend_item(r, f, &l, names[k], cs[k]);
        }
    mark_recovery(r, f, v, p);
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

static void draw_latency(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                         SDL_Rect p, const struct viz_draw_opts *o, double shared)
{
    const double *ys[] = {v->p50, v->p90, v->p99};
    double ymax = nice_ceiling(shared);
    int te = frame(r, f, p, ymax, PANEL_TITLES[VIZ_PANEL_LATENCY]);
    static const char *const names[] = {"p50", "p90", "p99"};
    const SDL_Color cs[] = {P50, P90, P99};
    struct legend l = legend_at(p, te);
    for (int k = 2; k >= 0; k--)
        if (!o->hidden[VIZ_P50 + k]) {
            line(r, p, v->duration_s, ymax, v->t, ys[k], v->n, cs[k], false);
            legend_item(r, f, &l, names[k], cs[k]);
        }
}

static double queue_max(const struct viz_series *v)
{
    double m = 0;
    for (unsigned s = 0; s < v->services; s++) {
        double x = series_max(v->queue[s], v->n);
        m = x > m ? x : m;
    }
    return m;
}

static void draw_services(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                          SDL_Rect p, bool util, double shared)
{
    double ymax = util ? 1 : nice_ceiling(shared);
    int te = frame(r, f, p, ymax, PANEL_TITLES[util ? VIZ_PANEL_UTIL : VIZ_PANEL_QUEUE]);
    struct legend l = legend_at(p, te);
    for (unsigned s = v->services; s-- > 0;) {
        SDL_Color c = PALETTE[s % (sizeof PALETTE / sizeof PALETTE[0])];
        line(r, p, v->duration_s, ymax, v->t, util ? v->util[s] : v->queue[s], v->n, c, false);
        legend_item(r, f, &l, v->service_name[s], c);
    }
}

static bool has_breaker(const struct viz_series *v, unsigned k)
{
    for (unsigned i = 0; i < v->n; i++)
        if (v->breaker[k][i] >= 0)
            return true;
    return false;
}

/* Breaker lanes (open and half-open as bands), then shed, throttled and the
 * budget level (scaled to its own maximum) as lines. */
static double policy_max(const struct viz_series *v)
{
    double m = series_max(v->shed, v->n), m2 = series_max(v->throttled, v->n);
    return m > m2 ? m : m2;
}

static void draw_policy(SDL_Renderer *r, const struct viz_fonts *f, const struct viz_series *v,
                        SDL_Rect p, double shared)
{
    unsigned lanes = 0;
    for (unsigned k = 0; k < v->policies; k++)
        lanes += has_breaker(v, k);
    double ymax = nice_ceiling(shared);
    int te = frame(r, f, p, ymax, "policies: breakers, shed and throttled /s");
    unsigned lane = 0;
    int lanes_top = 2 * viz_font_height(f->small) + 4;
    int lane_h = lanes ? (p.h - lanes_top) / (int)(lanes < 4 ? 4 : lanes) : 0;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    for (unsigned k = 0; k < v->policies; k++) {
        if (!has_breaker(v, k))
            continue;
        int y = p.y + lanes_top + (int)lane * lane_h;
        for (unsigned i = 0; i < v->n; i++) {
            if (v->breaker[k][i] <= 0)
                continue;
            int x0 = viz_time_x(p, v->duration_s, v->t[i]);
            int x1 = viz_time_x(p, v->duration_s, v->t[i] + v->window_s);
            set_color(r, v->breaker[k][i] == 1 ? viz_color_breaker_open : HALF_OPEN);
            SDL_Rect band = {x0, y + 1, x1 - x0 > 1 ? x1 - x0 : 1, lane_h - 2};
            SDL_RenderFillRect(r, &band);
        }
        viz_text(f->small, p.x + 4, y + (lane_h - viz_font_height(f->small)) / 2,
                 v->policy_edge[k], MUTED);
        lane++;
    }
    line(r, p, v->duration_s, ymax, v->t, v->shed, v->n, SHED, false);
    line(r, p, v->duration_s, ymax, v->t, v->throttled, v->n, THROTTLED, false);
    struct legend l = legend_at(p, te);
    legend_item(r, f, &l, "throttled", THROTTLED);
    legend_item(r, f, &l, "shed", SHED);
    if (lanes) {
        legend_item(r, f, &l, "half-open", HALF_OPEN);
        legend_item(r, f, &l, "open", viz_color_breaker_open);
    }
    for (unsigned k = 0; k < v->policies; k++) {
        double bm = series_max(v->budget[k], v->n);
        if (bm > 0) {
            line(r, p, v->duration_s, bm * 1.3, v->t, v->budget[k], v->n, BUDGET, true);
            legend_item(r, f, &l, "budget (scaled)", BUDGET);
            break;
        }
    }
}

static void time_axis(SDL_Renderer *r, const struct viz_fonts *f, SDL_Rect p, double duration)
{
    double step = nice_ceiling(duration / 8);
    char buf[32];
    for (double t = 0; t <= duration + 1e-9; t += step) {
        int x = viz_time_x(p, duration, t);
        set_color(r, MUTED);
        SDL_RenderDrawLine(r, x, p.y + p.h, x, p.y + p.h + 3);
        snprintf(buf, sizeof buf, "%g s", t);
        int tw = viz_text_width(f->small, buf);
        viz_text(f->small, x - tw / 2, p.y + p.h + 4, buf, MUTED);
    }
}

static void caption(const struct viz_fonts *f, int w, struct viz_series *const *runs,
                    unsigned count, const struct viz_draw_opts *o)
{
    const struct viz_series *v = runs[0];
    char buf[320];
    snprintf(buf, sizeof buf, "%s", v->title);
    viz_text(f->text, 10, 4, buf, INK);
    if (o && o->status) {
        int tw = viz_text_width(f->small, o->status);
        viz_text(f->small, w - tw - 10, 6, o->status, MUTED);
    }
    /* the narration: the latest event, or the start of the description */
    const char *say = v->narration[0] ? v->narration : v->description ? v->description : "";
    for (unsigned i = 1; i < count; i++)
        if (runs[i]->narration[0] && !v->narration[0])
            say = runs[i]->narration;
    snprintf(buf, sizeof buf, "%.150s%s", say, strlen(say) > 150 ? "..." : "");
    viz_text(f->small, 10, 8 + viz_font_height(f->text), buf, MUTED);
}

static void help_overlay(SDL_Renderer *r, const struct viz_fonts *f, int w, int h)
{
    static const char *const lines[] = {
        "keys",
        "+ / -    faster / slower (from 1/8 x to as fast as possible)",
        "space    pause / resume",
        ".        one window forward (paused)",
        "r        restart",
        "1-7      show / hide offered, attempts, goodput, failed, p50, p90, p99",
        "s        save a PNG of the window",
        "h        this help",
        "q, Esc   quit",
    };
    int n = (int)(sizeof lines / sizeof lines[0]), lh = viz_font_height(f->text) + 2;
    SDL_Rect box = {w / 2 - 260, h / 2 - n * lh / 2 - 12, 520, n * lh + 24};
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 235);
    SDL_RenderFillRect(r, &box);
    set_color(r, INK);
    SDL_RenderDrawRect(r, &box);
    for (int i = 0; i < n; i++)
        viz_text(f->text, box.x + 16, box.y + 12 + i * lh, lines[i], INK);
}

void viz_draw(SDL_Renderer *r, const struct viz_fonts *f, int w, int h,
              struct viz_series *const *runs, unsigned count, const struct viz_draw_opts *o)
{
    static const struct viz_draw_opts none = {0};
    if (!o)
        o = &none;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    set_color(r, PAPER);
    SDL_RenderClear(r);
    caption(f, w, runs, count, o);
    /* one scale per panel across the runs, so that side by side they compare */
    double shared[VIZ_PANEL_COUNT] = {0};
    for (unsigned k = 0; k < count; k++) {
        double m[VIZ_PANEL_COUNT] = {load_max(runs[k], o), latency_max(runs[k], o),
                                     queue_max(runs[k]), 1, policy_max(runs[k])};
        for (int p = 0; p < VIZ_PANEL_COUNT; p++)
            shared[p] = m[p] > shared[p] ? m[p] : shared[p];
    }
    for (unsigned k = 0; k < count; k++) {
        const struct viz_series *v = runs[k];
        SDL_Rect panels[VIZ_PANEL_COUNT];
        for (int p = 0; p < VIZ_PANEL_COUNT; p++)
            panels[p] = viz_panel_rect(w, h, count, k, (enum viz_panel)p);
        if (count > 1) { /* name the column */
            char buf[96];
            snprintf(buf, sizeof buf, "[%s]", v->variant);
            int tw = viz_text_width(f->small, buf);
            viz_text(f->small, panels[0].x + panels[0].w - tw, CAPTION_H - viz_font_height(f->small) - 2,
                     buf, INK);
        } else if (v->variant[0] && strcmp(v->variant, "default") != 0) {
            char buf[96];
            snprintf(buf, sizeof buf, "[%s]", v->variant);
            int tw = viz_text_width(f->small, buf);
            viz_text(f->small, panels[0].x + panels[0].w - tw, CAPTION_H - viz_font_height(f->small) - 2,
                     buf, INK);
        }
        for (int p = 0; p < VIZ_PANEL_COUNT; p++)
            shade_faults(r, f, v, panels[p], p == 0);
        draw_load(r, f, v, panels[VIZ_PANEL_LOAD], o, shared[VIZ_PANEL_LOAD]);
        draw_latency(r, f, v, panels[VIZ_PANEL_LATENCY], o, shared[VIZ_PANEL_LATENCY]);
        draw_services(r, f, v, panels[VIZ_PANEL_QUEUE], false, shared[VIZ_PANEL_QUEUE]);
        draw_services(r, f, v, panels[VIZ_PANEL_UTIL], true, 1);
        draw_policy(r, f, v, panels[VIZ_PANEL_POLICY], shared[VIZ_PANEL_POLICY]);
        for (int p = 0; p < VIZ_PANEL_COUNT; p++) {
            set_color(r, MUTED);
            SDL_RenderDrawRect(r, &panels[p]);
        }
        time_axis(r, f, panels[VIZ_PANEL_POLICY], v->duration_s);
        if (!v->finished && v->now_s < v->duration_s) { /* where the simulation is */
            int x = viz_time_x(panels[0], v->duration_s, v->now_s);
            set_color(r, GRID);
            SDL_RenderDrawLine(r, x, panels[0].y, x, panels[VIZ_PANEL_POLICY].y +
                                                          panels[VIZ_PANEL_POLICY].h);
        }
    }
    if (o->help)
        help_overlay(r, f, w, h);
}
