/* The renderer, off screen: pixels that must be there, and PNG files that
 * decode to the size asked for. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

#include "../sim/edge/loader.h"
#include "../viz/render.h"
#include "../viz/viz.h"

/* 60 s at 100 requests/s, an outage from 20 s to 40 s. */
static const char SCENARIO[] =
    "{\"name\":\"v\",\"title\":\"viz test\",\"duration_s\":60,\"services\":[{\"name\":\"s\","
    "\"workers\":4,\"service_time\":{\"dist\":\"exponential\",\"mean_ms\":10}}],"
    "\"clients\":[{\"name\":\"c\",\"target\":\"s\",\"arrival\":{\"rate_rps\":100}}],"
    "\"faults\":[{\"kind\":\"outage\",\"target\":\"s\",\"at_s\":20,\"duration_s\":20}]}";

static struct viz_series *run_series_of(const char *json)
{
    struct scenario_set set;
    struct diag d;
    diag_init(&d, "v.json");
    cr_assert_eq(loader_load_text("v.json", json, NULL, 0, NULL, &set, &d), LOAD_OK);
    diag_release(&d);
    struct viz_series *v = viz_series_new(set.items[0]);
    struct sim *s = sim_new(set.items[0], 1);
    struct sim_observer obs = {.ctx = v, .on_window = viz_series_on_window,
                               .on_event = viz_series_on_event};
    sim_set_observer(s, &obs);
    sim_run(s);
    viz_series_set_recovery(v, sim_report(s)); /* as the viewer does when a run ends */
    v->finished = true;
    sim_free(s);
    /* the series keeps its own copies of every string: the scenario may go */
    scenario_set_release(&set);
    return v;
}

static struct viz_series *run_series(void) { return run_series_of(SCENARIO); }

static SDL_Color pixel(SDL_Surface *s, int x, int y)
{
    Uint32 p = ((Uint32 *)s->pixels)[y * (s->pitch / 4) + x];
    SDL_Color c;
    SDL_GetRGBA(p, s->format, &c.r, &c.g, &c.b, &c.a);
    return c;
}

static bool near(SDL_Color a, SDL_Color b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

Test(viz, the_fault_window_is_shaded_at_the_right_x_in_every_panel)
{
    struct viz_series *v = run_series();
    cr_assert_eq(v->faults, 1u);
    cr_assert_float_eq(v->fault[0].start, 20, 1e-9);
    cr_assert_float_eq(v->fault[0].end, 40, 1e-9);
    int w = 900, h = 700;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    cr_assert_not_null(s);
    SDL_Color white = {255, 255, 255, 255};
    cr_assert_not(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_POLICY), "no policy: no policies panel");
    cr_assert_not(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_OUTCOMES), "one kind of failure only");
    for (int p = 0; p < VIZ_PANEL_COUNT; p++) {
        if (!viz_panel_shown(&v, 1, NULL, (enum viz_panel)p))
            continue;
        SDL_Rect r = viz_panel_rect(w, h, &v, 1, NULL, 0, (enum viz_panel)p);
        int x_in = viz_time_x(r, 60, 30), x_out = viz_time_x(r, 60, 50);
        int y = r.y + r.h * 7 / 8 + 1; /* between grid lines, below the lines, away from text */
        SDL_Color in = pixel(s, x_in, y), out = pixel(s, x_out, y);
        cr_assert(!near(in, white, 8), "panel %d: no shade at 30 s", p);
        cr_assert(in.r == in.g && in.g == in.b, "panel %d: the shade is grey", p);
        cr_assert(near(out, white, 0), "panel %d: shade outside the fault", p);
        /* the band starts at 20 s, to the pixel */
        int x20 = viz_time_x(r, 60, 20);
        cr_assert(near(pixel(s, x20 - 2, y), white, 0) && !near(pixel(s, x20 + 1, y), white, 8),
                  "panel %d: the band's edge is not at 20 s", p);
    }
    SDL_FreeSurface(s);
    viz_series_free(v);
}

Test(viz, goodput_is_a_green_line_in_the_load_panel_and_drops_in_the_outage)
{
    struct viz_series *v = run_series();
    int w = 900, h = 700;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    SDL_Rect r = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_LOAD);
    /* before the fault: goodput ~100/s on a 0..100 axis: green near the top;
     * in the fault: 0/s: green at the bottom, none near the top */
    int green_high_during = 0;
    for (int y = r.y + r.h / 4; y < r.y + r.h / 2; y++)
        green_high_during += near(pixel(s, viz_time_x(r, 60, 30), y), viz_color_goodput, 10);
    int green_anywhere_before = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int dx = -3; dx <= 3; dx++)
            green_anywhere_before +=
                near(pixel(s, viz_time_x(r, 60, 10) + dx, y), viz_color_goodput, 10);
    cr_assert_gt(green_anywhere_before, 0, "no goodput line in the load panel before the fault");
    cr_assert_eq(green_high_during, 0, "goodput should be at zero during the outage");
    SDL_FreeSurface(s);
    viz_series_free(v);
}

/* Counts pixels of colour c in a rectangle. */
static int count_color(SDL_Surface *s, SDL_Rect r, SDL_Color c)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            n += near(pixel(s, x, y), c, 10);
    return n;
}

Test(viz, the_recovery_instant_is_a_dashed_line_in_the_load_panel)
{
    /* a refusing outage with no backlog: back as soon as it ends, at 40 s */
    struct viz_series *v = run_series();
    cr_assert_eq(v->recovery, VIZ_RECOVERY_BACK);
    cr_assert_float_eq(v->last_fault_end_s, 40, 1e-9);
    cr_assert(v->recovery_s >= 0 && v->recovery_s < 1, "recovery_s %g", v->recovery_s);
    int w = 900, h = 700;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    SDL_Rect r = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_LOAD);
    int x = viz_time_x(r, 60, 40 + v->recovery_s);
    /* below the load lines (100/s on a 0..200 axis) and above the label */
    SDL_Rect column = {x, r.y + r.h * 55 / 100, 1, r.h / 4};
    int dashes = count_color(s, column, viz_color_goodput);
    cr_assert(dashes > column.h / 4 && dashes < column.h, "%d of %d pixels", dashes, column.h);
    SDL_FreeSurface(s);

    /* not back: no line, a note in the failure colour at the panel's right */
    v->recovery = VIZ_RECOVERY_NOT_BACK;
    v->recovery_s = NAN;
    s = viz_render_surface(&v, 1, w, h, NULL);
    int without = count_color(s, column, viz_color_goodput);
    cr_assert_lt(without, dashes / 4, "%d with the marker, %d without", dashes, without);
    SDL_Rect corner = {r.x + r.w * 2 / 3, r.y + r.h * 3 / 4, r.w / 3, r.h / 4};
    cr_assert_gt(count_color(s, corner, viz_color_failed), 20);
    SDL_FreeSurface(s);
    viz_series_free(v);
}

Test(viz, a_png_from_plot_decodes_to_the_size_asked)
{
    struct viz_series *v = run_series();
    char path[] = "/tmp/stampede-viz-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char err[256];
    cr_assert_eq(viz_plot_png(&v, 1, 640, 480, 1, 0, path, err, sizeof err), 0, "%s", err);
    SDL_Surface *img = IMG_Load(path);
    cr_assert_not_null(img, "%s", IMG_GetError());
    cr_assert_eq(img->w, 640);
    cr_assert_eq(img->h, 480);
    SDL_FreeSurface(img);
    remove(path);
    viz_series_free(v);
}

Test(viz, the_built_in_font_draws_without_a_font_file)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 200, 40, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    struct viz_font *f = viz_font_open(r, 12, true);
    cr_assert(viz_font_is_builtin(f));
    int width = viz_text(f, 2, 2, "goodput 0.99", (SDL_Color){0, 0, 0, 255});
    cr_assert_eq(width, 12 * 6);
    SDL_RenderPresent(r);
    int dark = 0;
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 200; x++)
            dark += pixel(s, x, y).r < 128;
    cr_assert_gt(dark, 50);
    viz_font_close(f);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
}

Test(viz, a_sweep_heatmap_decodes_to_the_size_asked)
{
    char csv[] = "/tmp/stampede-sweep-XXXXXX", png[] = "/tmp/stampede-heat-XXXXXX";
    int fd = mkstemp(csv);
    FILE *f = fdopen(fd, "w");
    fputs("point,a,b,variant,seed,goodput_ratio\n", f);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            fprintf(f, "%d,%d,%d,x,1,%g\n", i * 2 + j, i + 1, j + 1, (i * 2 + j) / 5.0);
    fclose(f);
    close(mkstemp(png));
    char err[256];
    cr_assert_eq(viz_heatmap(csv, NULL, NULL, "goodput_ratio", NULL, png, 600, 400, 1, err,
                                 sizeof err),
                 0, "%s", err);
    SDL_Surface *img = IMG_Load(png);
    cr_assert_not_null(img);
    cr_assert_eq(img->w, 600);
    cr_assert_eq(img->h, 400);
    SDL_FreeSurface(img);
    cr_assert_neq(viz_heatmap(csv, NULL, NULL, "nope", NULL, png, 600, 400, 1, err, sizeof err),
                  0);
    cr_assert_str_eq(strrchr(err, ':') + 2, "no column 'nope'");
    remove(csv);
    remove(png);
}

/* In the outage every request fails at once: failed = offered = 100/s.
 * Both must show (failed once vanished under offered, and a class read
 * "goodput is zero but nothing fails"): a red core inside a blue casing. */
Test(viz, failures_equal_to_offered_stay_visible)
{
    struct viz_series *v = run_series();
    int w = 900, h = 700;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    SDL_Rect r = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_LOAD);
    int x = viz_time_x(r, 60, 30);
    int red = 0, blue = 0;
    for (int y = r.y; y < r.y + r.h; y++) {
        red += near(pixel(s, x, y), viz_color_failed, 10);
        blue += near(pixel(s, x, y), viz_color_offered, 10);
    }
    cr_assert_geq(red, 2, "the failed line is hidden (%d red pixels)", red);
    cr_assert_geq(blue, 3, "the offered line is hidden under failed (%d blue pixels)", blue);
    SDL_FreeSurface(s);
    viz_series_free(v);
}

Test(viz, panels_are_named_and_a_misspelt_one_is_refused)
{
    unsigned panels;
    char err[200];
    cr_assert(viz_parse_panels("load,waste,policies", &panels, err, sizeof err), "%s", err);
    cr_assert_eq(panels, (1u << VIZ_PANEL_LOAD) | (1u << VIZ_PANEL_WASTE) | (1u << VIZ_PANEL_POLICY));
    cr_assert_not(viz_parse_panels("load,outcomse", &panels, err, sizeof err));
    cr_assert(strstr(err, "no panel 'outcomse' (did you mean 'outcomes'?)"), "%s", err);
    cr_assert_not(viz_parse_panels(",", &panels, err, sizeof err), "no panel at all");
    /* what is asked for is what is drawn, even an empty panel */
    struct viz_series *v = run_series();
    struct viz_draw_opts o = {.panels = 1u << VIZ_PANEL_POLICY | 1u << VIZ_PANEL_LOAD};
    cr_assert(viz_panel_shown(&v, 1, &o, VIZ_PANEL_POLICY));
    cr_assert_not(viz_panel_shown(&v, 1, &o, VIZ_PANEL_LATENCY));
    SDL_Rect load = viz_panel_rect(900, 700, &v, 1, &o, 0, VIZ_PANEL_LOAD);
    SDL_Rect pol = viz_panel_rect(900, 700, &v, 1, &o, 0, VIZ_PANEL_POLICY);
    cr_assert(load.h > 200 && pol.y > load.y + load.h, "two panels share the height");
    viz_series_free(v);
}

/* The one-pixel column of panel r at x. */
static SDL_Rect column_at(SDL_Rect r, int x) { return (SDL_Rect){x, r.y, 1, r.h}; }

/* A reader behind a one-key cache (warm after the first lookup), and a
 * payment retried after a 50 ms timeout over 80 ms of work (each request
 * executed twice): the cache and repeated-work panels appear by
 * themselves, and draw. */
static const char LESSONS[] =
    "{\"name\":\"l\",\"duration_s\":60,\"services\":["
    "{\"name\":\"db\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
    "\"cache\":{\"keys\":1,\"ttl_s\":1000}},"
    "{\"name\":\"pay\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":80}}],"
    "\"clients\":[{\"name\":\"reader\",\"target\":\"db\",\"arrival\":{\"rate_rps\":10}},"
    "{\"name\":\"buyer\",\"target\":\"pay\",\"policy\":\"w\",\"arrival\":{\"rate_rps\":10}}],"
    "\"policies\":{\"w\":{\"timeout_ms\":50,\"retry\":{\"max_attempts\":2,\"backoff\":\"constant\","
    "\"base_ms\":0}}}}";

Test(viz, the_cache_and_repeated_work_panels_show_what_happened)
{
    struct viz_series *v = run_series_of(LESSONS);
    struct viz_series *plain = run_series();
    cr_assert(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_CACHE), "a cache: its panel");
    cr_assert(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_DUPLICATES), "retried writes executed twice");
    cr_assert_not(viz_panel_shown(&plain, 1, NULL, VIZ_PANEL_CACHE), "no cache, no panel");
    cr_assert_not(viz_panel_shown(&plain, 1, NULL, VIZ_PANEL_DUPLICATES));
    cr_assert_not(viz_panel_shown(&plain, 1, NULL, VIZ_PANEL_AMPLIFICATION),
                  "no retries: the amplification stays at 1 and needs no panel");
    cr_assert_not(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_QUEUE),
                  "100 workers, 20 requests/s: nothing ever queued, no panel of zeros");
    cr_assert(viz_panel_shown(&plain, 1, NULL, VIZ_PANEL_QUEUE),
              "M/M/4 at a quarter load queues now and then");
    int w = 900, h = 1400;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    /* db is the first service: the palette's first colour, the offered blue */
    SDL_Rect cache = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_CACHE);
    cr_assert_gt(count_color(s, column_at(cache, viz_time_x(cache, 60, 10.5)), viz_color_offered), 0,
                 "db's hit ratio of 1 is drawn");
    SDL_Rect dup = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_DUPLICATES);
    cr_assert_gt(count_color(s, column_at(dup, viz_time_x(dup, 60, 10.5)), viz_color_failed), 0,
                 "the second executions are drawn");
    SDL_FreeSurface(s);
    viz_series_free(plain);
    viz_series_free(v);
}

/* Retries at the leaf make its amplification climb during the fault: the
 * panel appears, and the service lines that coincide at 1 before it are
 * cased (every one of them visible, first widest). */
Test(viz, amplification_shows_where_retries_multiply_and_coinciding_lines_stay_visible)
{
    struct viz_series *v = run_series_of(
        "{\"name\":\"a\",\"duration_s\":60,\"services\":["
        "{\"name\":\"api\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},"
        "\"calls\":[{\"service\":\"db\",\"policy\":\"r\"}]},"
        "{\"name\":\"db\",\"workers\":100,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
        "\"clients\":[{\"name\":\"u\",\"target\":\"api\",\"arrival\":{\"rate_rps\":50}}],"
        "\"policies\":{\"r\":{\"retry\":{\"max_attempts\":3,\"backoff\":\"constant\",\"base_ms\":0}}},"
        "\"faults\":[{\"kind\":\"errors\",\"target\":\"db\",\"at_s\":20,\"duration_s\":20,"
        "\"rate\":1}]}");
    cr_assert(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_AMPLIFICATION));
    int w = 900, h = 1200;
    SDL_Surface *s = viz_render_surface(&v, 1, w, h, NULL);
    SDL_Rect a = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_AMPLIFICATION);
    int x = viz_time_x(a, 60, 10.5); /* before the fault both tiers are at 1 */
    SDL_Color second = {0xE6, 0x9F, 0x00, 255};
    cr_assert_gt(count_color(s, column_at(a, x), viz_color_offered), 0, "api is drawn under db");
    cr_assert_gt(count_color(s, column_at(a, x), second), 0, "db is drawn inside it");
    x = viz_time_x(a, 60, 30.5); /* in the fault db sees 3 attempts per request */
    cr_assert_gt(count_color(s, column_at(a, x), second), 0);
    /* the api's retries of its calls to db: a panel of their own, in api's colour */
    cr_assert(viz_panel_shown(&v, 1, NULL, VIZ_PANEL_RETRIES), "a service retried its calls");
    SDL_Rect rp = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_RETRIES);
    cr_assert_gt(count_color(s, column_at(rp, viz_time_x(rp, 60, 30.5)), viz_color_offered), 0,
                 "api's retries are drawn");
    SDL_FreeSurface(s);
    viz_series_free(v);
}

/* The colour of the first cell (lowest x, lowest y) of a 3 x 2 heatmap of
 * `metric` whose six values run from `lo` to `hi`, at 600 x 400. */
static SDL_Color first_cell(const char *metric, double lo, double hi)
{
    char csv[] = "/tmp/stampede-sweep-XXXXXX", png[] = "/tmp/stampede-heat-XXXXXX";
    FILE *f = fdopen(mkstemp(csv), "w");
    fprintf(f, "point,a,b,variant,seed,%s\n", metric);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            fprintf(f, "%d,%d,%d,x,1,%g\n", i * 2 + j, i + 1, j + 1, lo + (hi - lo) * (i * 2 + j) / 5);
    fclose(f);
    close(mkstemp(png));
    char err[256];
    cr_assert_eq(viz_heatmap(csv, NULL, NULL, metric, NULL, png, 600, 400, 1, err, sizeof err), 0,
                 "%s", err);
    SDL_Surface *img = IMG_Load(png);
    cr_assert_not_null(img);
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ARGB8888, 0);
    /* cells are (600 - 250) / 3 = 116 by (400 - 120) / 2 = 140 from (130, 50);
     * the first y value is the bottom row */
    SDL_Color c = pixel(argb, 130 + 20, 50 + 140 + 20);
    SDL_FreeSurface(argb);
    SDL_FreeSurface(img);
    remove(csv);
    remove(png);
    return c;
}

/* A count ramps from its lowest value (dark) to its highest; a ratio is
 * coloured on 0..1, so goodput ratios of 0.95 to 1 are all near the top
 * (bright), not night and day. */
Test(viz, a_heatmap_ramps_counts_from_low_to_high_and_ratios_over_0_to_1)
{
    SDL_Color dark = {68, 1, 84, 255};
    cr_assert(near(first_cell("attempts", 95, 100), dark, 3), "the lowest count is the darkest");
    SDL_Color r = first_cell("goodput_ratio", 0.95, 1);
    cr_assert_not(near(r, dark, 60), "0.95 of 0..1 is high on the ramp (%d,%d,%d)", r.r, r.g, r.b);
    cr_assert_gt(r.g, 180, "0.95 is in the ramp's green-yellow end (%d,%d,%d)", r.r, r.g, r.b);
}

/* The bundled storm, naive: after the pause every request times out
 * (failed = offered = 7/s) and the failed line must show in the load
 * panel, not vanish under offered as it once did. */
Test(viz, in_the_naive_retry_storm_the_failures_show_after_the_pause)
{
    struct scenario_set set;
    struct diag d;
    diag_init(&d, "scenarios/retry-storm.json");
    cr_assert_eq(loader_load("scenarios/retry-storm.json", NULL, 0, "naive", &set, &d), LOAD_OK);
    diag_release(&d);
    struct viz_series *v = viz_series_new(set.items[0]);
    struct sim *s = sim_new(set.items[0], set.items[0]->seed);
    struct sim_observer obs = {.ctx = v, .on_window = viz_series_on_window,
                               .on_event = viz_series_on_event};
    sim_set_observer(s, &obs);
    sim_run(s);
    v->finished = true;
    sim_free(s);
    scenario_set_release(&set);
    int w = 1400, h = 1400;
    SDL_Surface *img = viz_render_surface(&v, 1, w, h, NULL);
    SDL_Rect load = viz_panel_rect(w, h, &v, 1, NULL, 0, VIZ_PANEL_LOAD);
    for (double t = 40.5; t < 120; t += 20) {
        int x = viz_time_x(load, v->duration_s, t);
        cr_assert_geq(count_color(img, column_at(load, x), viz_color_failed), 2,
                      "the failed line is hidden at %.1f s", t);
        cr_assert_geq(count_color(img, column_at(load, x), viz_color_offered), 2,
                      "offered is hidden under failed at %.1f s", t);
    }
    SDL_FreeSurface(img);
    viz_series_free(v);
}

/* The rows of the title's ink (the caption's first line), measured. */
static int title_ink_rows(SDL_Surface *s, int zoom)
{
    int first = -1, last = -1;
    for (int y = 0; y < 30 * zoom; y++)
        for (int x = 0; x < 300 * zoom; x++) {
            SDL_Color c = pixel(s, x, y);
            if (c.r < 0x60 && c.g < 0x60 && c.b < 0x60) {
                first = first < 0 ? y : first;
                last = y;
                break;
            }
        }
    return first < 0 ? 0 : last - first + 1;
}

/* --scale 2 draws the same picture with text twice as tall, measured on
 * the title's glyphs. */
Test(viz, scale_two_doubles_the_glyph_height)
{
    struct viz_series *v = run_series();
    SDL_Surface *one = viz_render_surface_zoomed(&v, 1, 900, 700, 1, NULL);
    SDL_Surface *two = viz_render_surface_zoomed(&v, 1, 1800, 1400, 2, NULL);
    int h1 = title_ink_rows(one, 1), h2 = title_ink_rows(two, 2);
    cr_assert_gt(h1, 5, "the title has ink (%d rows)", h1);
    cr_assert(h2 >= 2 * h1 - 2 && h2 <= 2 * h1 + 2, "%d rows at scale 2 against %d at 1", h2, h1);
    SDL_FreeSurface(one);
    SDL_FreeSurface(two);
    viz_series_free(v);
}
