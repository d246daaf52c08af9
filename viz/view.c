/* The live viewer: a window whose graphs grow while the simulation runs.
 *
 * One thread, two budgets per frame: the simulations advance in steps of
 * one window until they reach the simulated time the clock asks for or
 * spend their share of the frame (10 ms), then the frame is drawn. So a
 * slow simulation never freezes the window and drawing never holds the
 * simulation back more than a frame. All variants advance to the same
 * simulated time: side by side, a class sees them diverge at the same
 * moment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL_image.h>

#include "../sim/base/xalloc.h"
#include "viz.h"

#define MAX_RUNS 4
#define SIM_BUDGET_S 0.010
#define MAX_FRAMES 1000000

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct viewer {
    const struct scenario *const *sc;
    unsigned count;
    uint64_t seed;
    struct sim *sim[MAX_RUNS];
    struct viz_series *series[MAX_RUNS];
    double target_s;  /* simulated time the clock has reached */
    double speed;     /* simulated seconds per wall second; 0: as fast as possible */
    bool paused, step, help;
    struct viz_draw_opts opts;
};

static void start(struct viewer *v)
{
    for (unsigned i = 0; i < v->count; i++) {
        if (v->sim[i])
            sim_free(v->sim[i]);
        viz_series_free(v->series[i]);
        v->series[i] = viz_series_new(v->sc[i]);
        v->sim[i] = sim_new(v->sc[i], v->seed);
        struct sim_observer obs = {.ctx = v->series[i], .on_window = viz_series_on_window,
                                   .on_event = viz_series_on_event};
        sim_set_observer(v->sim[i], &obs);
    }
    v->target_s = 0;
}

static bool finished(const struct viewer *v)
{
    for (unsigned i = 0; i < v->count; i++)
        if (!v->series[i]->finished)
            return false;
    return true;
}

/* Advances every run towards target_s, a window at a time, within budget. */
static void advance(struct viewer *v, double budget_s)
{
    double until = wall() + budget_s;
    for (;;) {
        bool more = false;
        for (unsigned i = 0; i < v->count; i++) {
            struct viz_series *s = v->series[i];
            if (s->finished)
                continue;
            double next = sim_time_to_s(sim_now(v->sim[i])) + s->window_s;
            if (next > v->target_s && v->speed > 0)
                next = v->target_s;
            if (next <= sim_time_to_s(sim_now(v->sim[i])))
                continue;
            s->finished = !sim_advance(v->sim[i], sim_time_from_s(next));
            s->now_s = sim_time_to_s(sim_now(v->sim[i]));
            more = true;
        }
        if (!more || wall() > until)
            break;
    }
}

static int save_screenshot(SDL_Renderer *r, int w, int h, const char *path)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return -1;
    int rc = SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc == 0)
        rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    return rc;
}

static void status_line(const struct viewer *v, char *buf, size_t n)
{
    char speed[32];
    if (v->speed > 0)
        snprintf(speed, sizeof speed, "x%g", v->speed);
    else
        snprintf(speed, sizeof speed, "as fast as possible");
    const struct viz_series *s = v->series[0];
    snprintf(buf, n, "%.1f / %.0f s   %s%s   h: keys", s->now_s, s->duration_s,
             v->paused ? "paused" : speed, finished(v) ? "   done" : "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One key: what it does to the viewer. Returns false to quit. */
static bool key(struct viewer *v, SDL_Keycode k, SDL_Renderer *r, int w, int h, unsigned *shots)
{
    switch (k) {
    case SDLK_q:
    case SDLK_ESCAPE:
        return false;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        if (v->speed > 0)
            v->speed = v->speed >= 512 ? 0 : v->speed * 2;
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        v->speed = v->speed == 0 ? 512 : v->speed > 0.125 ? v->speed / 2 : v->speed;
        break;
    case SDLK_SPACE:
        v->paused = !v->paused;
        break;
    case SDLK_PERIOD:
        v->paused = true;
        v->step = true;
        break;
    case SDLK_r:
        start(v);
        break;
    case SDLK_h:
        v->opts.help = !v->opts.help;
        break;
    case SDLK_s: {
        char path[256];
        snprintf(path, sizeof path, "stampede-%s-%u.png", v->series[0]->name, ++*shots);
        if (save_screenshot(r, w, h, path) == 0)
            snprintf(v->series[0]->narration, sizeof v->series[0]->narration, "saved %.180s",
                     path);
        break;
    }
    default:
        if (k >= SDLK_1 && k < SDLK_1 + VIZ_LINE_COUNT)
            v->opts.hidden[k - SDLK_1] = !v->opts.hidden[k - SDLK_1];
        break;
    }
    return true;
}

static SDL_Keycode scripted(char c)
{
    switch (c) {
    case ' ':
        return SDLK_SPACE;
    case '+':
        return SDLK_PLUS;
    case '-':
        return SDLK_MINUS;
    case '.':
        return SDLK_PERIOD;
    default:
        return (SDL_Keycode)c;
    }
}

int viz_view(const struct scenario *const *variants, unsigned count, uint64_t seed,
             const struct viz_view_options *o)
{
    if (count > MAX_RUNS)
        count = MAX_RUNS;
    const char *driver = getenv("SDL_VIDEODRIVER");
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !(driver && *driver)) {
        fprintf(stderr, "stampede: error: view needs a display (DISPLAY is not set); "
                        "`stampede plot` draws the same graphs into a PNG\n");
        return 2;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "stampede: error: view cannot open a display (%s); `stampede plot` "
                        "draws the same graphs into a PNG\n", SDL_GetError());
        return 2;
    }
    int w = o->width > 0 ? o->width : 1280, h = o->height > 0 ? o->height : 860;
    char title[256];
    snprintf(title, sizeof title, "stampede: %s", variants[0]->title ? variants[0]->title
                                                                     : variants[0]->name);
    SDL_Window *win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
                                       h, SDL_WINDOW_RESIZABLE);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (win && !r)
        r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!r) {
        fprintf(stderr, "stampede: error: view cannot open a window (%s)\n", SDL_GetError());
        if (win)
            SDL_DestroyWindow(win);
        SDL_Quit();
        return 2;
    }
    struct viewer v = {.sc = variants, .count = count, .seed = seed};
    /* by default the whole run takes about 30 s of wall time */
    if (o->speed > 0) {
        v.speed = o->speed;
    } else if (o->speed < 0) {
        v.speed = 0; /* as fast as possible */
    } else { /* a power of two near the whole run in 30 s */
        double d = sim_time_to_s(variants[0]->duration_ns) / 30;
        v.speed = d > 0 ? pow(2, round(log2(d))) : 1;
    }
    start(&v);
    struct viz_fonts fonts = {viz_font_open(r, 15, false), viz_font_open(r, 12, false)};
    double *frame_ms = xcalloc(MAX_FRAMES, sizeof *frame_ms);
    unsigned frames = 0, shots = 0;
    const char *keys = o->keys;
    double began = wall(), last = began;
    bool running = true;
    while (running) {
        double t0 = wall();
        SDL_Event e;
        if (keys && *keys) { /* a scripted key press, through SDL's own queue */
            SDL_Event k = {.type = SDL_KEYDOWN};
            k.key.keysym.sym = scripted(*keys++);
            SDL_PushEvent(&k);
        }
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT)
                running = false;
            else if (e.type == SDL_KEYDOWN)
                running = running && key(&v, e.key.keysym.sym, r, w, h, &shots);
            else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                w = e.window.data1, h = e.window.data2;
        }
        double dt = t0 - last;
        last = t0;
        if (v.step) { /* one window forward */
            v.target_s = v.series[0]->now_s + v.series[0]->window_s;
            double saved = v.speed;
            v.speed = v.speed > 0 ? v.speed : 1;
            advance(&v, SIM_BUDGET_S);
            v.speed = saved;
            v.step = false;
        } else if (!v.paused) {
            v.target_s += v.speed > 0 ? v.speed * dt : 0;
            advance(&v, SIM_BUDGET_S);
        }
        char status[160];
        status_line(&v, status, sizeof status);
        v.opts.status = status;
        viz_draw(r, &fonts, w, h, v.series, v.count, &v.opts);
        if (frames < MAX_FRAMES)
            frame_ms[frames++] = (wall() - t0) * 1000;
        SDL_RenderPresent(r);
        if (o->max_wall_s > 0 && wall() - began > o->max_wall_s)
            running = false;
    }
    if (o->screenshot && save_screenshot(r, w, h, o->screenshot) != 0)
        fprintf(stderr, "stampede: error: %s: cannot save the screenshot: %s\n", o->screenshot,
                SDL_GetError());
    if (frames > 1) { /* the first frame loads the fonts: reported apart */
        double first = frame_ms[0];
        qsort(frame_ms + 1, frames - 1, sizeof *frame_ms, cmp_double);
        fprintf(stderr,
                "view: %u frames in %.1f s, work per frame (simulation + drawing) median "
                "%.2f ms, worst %.2f ms, first %.1f ms (%s)\n",
                frames, wall() - began, frame_ms[1 + (frames - 1) / 2], frame_ms[frames - 1],
                first, viz_font_is_builtin(fonts.text) ? "built-in font" : "TrueType font");
    }
    free(frame_ms);
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    for (unsigned i = 0; i < v.count; i++) {
        sim_free(v.sim[i]);
        viz_series_free(v.series[i]);
    }
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}
