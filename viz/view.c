/* The live viewer: a window whose graphs grow while the simulation runs.
 *
 * Two threads. The simulation thread advances every variant, a window at a
 * time, towards the simulated time the clock has reached (or as fast as it
 * can); the window thread handles keys and draws at the display's rate.
 * Neither waits for the other: the simulation appends each window to
 * arrays allocated for the whole run (they never move) and publishes the
 * count under a mutex held for microseconds; the window thread copies the
 * series' header under the same mutex and draws the windows published so
 * far. All variants advance to the same simulated time: side by side, a
 * class sees them diverge at the same moment. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "../sim/base/xalloc.h"
#include "render.h"
#include "viz.h"

#define MAX_RUNS 4
#define MAX_FRAMES 1000000

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
    struct sim *sim;
    struct viz_series *series; /* written by the simulation thread, under lock */
    SDL_mutex *lock;
};

struct viewer {
    const struct scenario *const *sc;
    unsigned count;
    uint64_t seed;
    struct run run[MAX_RUNS];
    SDL_Thread *thread;
    atomic_bool quit;
    atomic_llong target_ns; /* simulated time the clock has reached */
    atomic_bool fast;       /* ignore the clock: as fast as possible */
    double target_s;        /* the window thread's copy */
    double speed;           /* simulated seconds per wall second; 0: as fast as possible */
    bool paused, step;
    struct viz_draw_opts opts;
};

static void on_window(void *ctx, const struct window_report *w)
{
    struct run *r = ctx;
    SDL_LockMutex(r->lock);
    viz_series_on_window(r->series, w);
    SDL_UnlockMutex(r->lock);
}

static void on_event(void *ctx, sim_time at, const char *kind, const char *subject,
                     const char *detail)
{
    struct run *r = ctx;
    SDL_LockMutex(r->lock);
    viz_series_on_event(r->series, at, kind, subject, detail);
    SDL_UnlockMutex(r->lock);
}

/* The simulation thread: each run a window at a time towards the target. */
static int simulate(void *arg)
{
    struct viewer *v = arg;
    while (!atomic_load(&v->quit)) {
        bool moved = false;
        sim_time target = atomic_load(&v->target_ns);
        bool fast = atomic_load(&v->fast);
        for (unsigned i = 0; i < v->count; i++) {
            struct run *r = &v->run[i];
            if (r->series->finished)
                continue;
            sim_time now = sim_now(r->sim);
            sim_time next = now + v->sc[i]->window_ns;
            if (!fast && next > target)
                next = target;
            if (next <= now)
                continue;
            bool more = sim_advance(r->sim, next);
            const struct run_report *done = more ? NULL : sim_report(r->sim);
            SDL_LockMutex(r->lock);
            if (done)
                viz_series_set_recovery(r->series, done);
            r->series->finished = !more;
            r->series->now_s = sim_time_to_s(sim_now(r->sim));
            SDL_UnlockMutex(r->lock);
            moved = true;
        }
        if (!moved)
            SDL_Delay(1); /* waiting for the clock, or done */
    }
    return 0;
}

static void stop(struct viewer *v)
{
    if (!v->thread)
        return;
    atomic_store(&v->quit, true);
    SDL_WaitThread(v->thread, NULL);
    v->thread = NULL;
}

static void start(struct viewer *v)
{
    stop(v);
    for (unsigned i = 0; i < v->count; i++) {
        struct run *r = &v->run[i];
        if (r->sim)
            sim_free(r->sim);
        viz_series_free(r->series);
        if (!r->lock)
            r->lock = SDL_CreateMutex();
        r->series = viz_series_new(v->sc[i]);
        r->sim = sim_new(v->sc[i], v->seed);
        struct sim_observer obs = {.ctx = r, .on_window = on_window, .on_event = on_event};
        sim_set_observer(r->sim, &obs);
    }
    v->target_s = 0;
    atomic_store(&v->target_ns, 0);
    atomic_store(&v->quit, false);
    v->thread = SDL_CreateThread(simulate, "simulation", v);
}

/* A consistent copy of a run's series to draw from: its header (counts,
 * faults, narration) copied under the lock; its arrays shared, read only
 * up to the count copied, which the simulation thread no longer touches. */
static void snapshot(struct run *r, struct viz_series *out)
{
    SDL_LockMutex(r->lock);
    *out = *r->series;
    SDL_UnlockMutex(r->lock);
}

static bool finished(struct viz_series *const *s, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (!s[i]->finished)
            return false;
    return true;
}

static int save_screenshot(SDL_Renderer *r, int w, int h, const char *path, char *err,
                           size_t err_size)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    int rc = s ? SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) : -1;
    if (rc != 0)
        snprintf(err, err_size, "%s: cannot read the window: %s", path, SDL_GetError());
    else
        rc = viz_save_png(s, path, err, err_size);
    SDL_FreeSurface(s);
    return rc;
}

static void status_line(const struct viewer *v, struct viz_series *const *s, char *buf,
                        size_t n)
{
    char speed[32];
    if (v->speed > 0)
        snprintf(speed, sizeof speed, "x%g", v->speed);
    else
        snprintf(speed, sizeof speed, "as fast as possible");
    snprintf(buf, n, "%.1f / %.0f s   %s%s   h: keys", s[0]->now_s, s[0]->duration_s,
             v->paused ? "paused" : speed, finished(s, v->count) ? "   done" : "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One key: what it does to the viewer. Returns false to quit. */
static bool key(struct viewer *v, SDL_Keycode k, SDL_Renderer *r, int w, int h, unsigned *shots,
                char *said, size_t said_size)
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
        snprintf(path, sizeof path, "stampede-%s-%u.png", v->sc[0]->name, ++*shots);
        char err[320];
        if (save_screenshot(r, w, h, path, err, sizeof err) == 0)
            snprintf(said, said_size, "saved %.180s", path);
        else
            snprintf(said, said_size, "%.190s", err);
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
    v.opts.panels = o->panels;
    /* by default the whole run takes about 30 s of wall time */
    if (o->speed > 0) {
        v.speed = o->speed;
    } else if (o->speed < 0) {
        v.speed = 0; /* as fast as possible */
    } else { /* a power of two near the whole run in 30 s */
        double d = sim_time_to_s(variants[0]->duration_ns) / 30;
        v.speed = d > 0 ? pow(2, round(log2(d))) : 1;
    }
    atomic_store(&v.fast, v.speed == 0);
    start(&v);
    struct viz_fonts fonts = {viz_font_open(r, 15, false), viz_font_open(r, 12, false)};
    double *frame_ms = xcalloc(MAX_FRAMES, sizeof *frame_ms);
    unsigned frames = 0, shots = 0;
    const char *keys = o->keys;
    char said[200] = "";
    double began = wall(), last = began;
    bool running = true;
    struct viz_series copies[MAX_RUNS], *shown[MAX_RUNS];
    for (unsigned i = 0; i < v.count; i++)
        shown[i] = &copies[i];
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
                running = running &&
                          key(&v, e.key.keysym.sym, r, w, h, &shots, said, sizeof said);
            else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                w = e.window.data1, h = e.window.data2;
        }
        for (unsigned i = 0; i < v.count; i++)
            snapshot(&v.run[i], &copies[i]);
        double dt = t0 - last;
        last = t0;
        if (v.step) { /* one window forward from where the first run is */
            v.target_s = copies[0].now_s + copies[0].window_s;
            v.step = false;
        } else if (!v.paused && v.speed > 0) {
            v.target_s += v.speed * dt;
        }
        atomic_store(&v.fast, !v.paused && v.speed == 0);
        atomic_store(&v.target_ns, sim_time_from_s(v.target_s));
        if (said[0])
            snprintf(copies[0].narration, sizeof copies[0].narration, "%s", said);
        char status[160];
        status_line(&v, shown, status, sizeof status);
        v.opts.status = status;
        viz_draw(r, &fonts, w, h, shown, v.count, &v.opts);
        if (frames < MAX_FRAMES)
            frame_ms[frames++] = (wall() - t0) * 1000;
        SDL_RenderPresent(r);
        if (o->max_wall_s > 0 && wall() - began > o->max_wall_s)
            running = false;
    }
    stop(&v);
    char err[512];
    if (o->screenshot && save_screenshot(r, w, h, o->screenshot, err, sizeof err) != 0)
        fprintf(stderr, "stampede: error: %s\n", err);
    if (frames > 1) { /* the first frame loads the fonts: reported apart */
        double first = frame_ms[0];
        qsort(frame_ms + 1, frames - 1, sizeof *frame_ms, cmp_double);
        fprintf(stderr,
                "view: %u frames in %.1f s, drawing per frame median %.2f ms, worst %.2f ms, "
                "first %.1f ms (%s); simulated %.1f of %.0f s\n",
                frames, wall() - began, frame_ms[1 + (frames - 1) / 2], frame_ms[frames - 1],
                first, viz_font_is_builtin(fonts.text) ? "built-in font" : "TrueType font",
                v.run[0].series->now_s, v.run[0].series->duration_s);
    }
    free(frame_ms);
    /* what each column's caption last narrated, so a script (or a test)
     * can tell that every variant, not only the first, is followed */
    for (unsigned i = 0; i < v.count; i++) {
        const struct viz_series *s = v.run[i].series;
        fprintf(stderr, "view: [%s] last event: %s\n", s->variant,
                s->narration[0] ? s->narration : "(none)");
    }
    viz_font_close(fonts.text);
    viz_font_close(fonts.small);
    for (unsigned i = 0; i < v.count; i++) {
        sim_free(v.run[i].sim);
        viz_series_free(v.run[i].series);
        SDL_DestroyMutex(v.run[i].lock);
    }
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}
