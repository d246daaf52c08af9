#include "font.h"

#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "../sim/base/xalloc.h"

#define CACHE_SLOTS 256

struct cached {
    char *text;
    uint32_t rgba;
    SDL_Texture *tex;
    int w, h;
};

struct viz_font {
    SDL_Renderer *r;
    TTF_Font *ttf; /* NULL: the bitmap font */
    int px, scale;
    int zoom; /* the renderer draws zoom x zoom pixels a unit: text is rendered that much finer */
    struct cached cache[CACHE_SLOTS];
};

static const char *const FONT_PATHS[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    NULL,
};

struct viz_font *viz_font_open(SDL_Renderer *r, int px, bool builtin)
{
    return viz_font_open_zoomed(r, px, builtin, 1);
}

struct viz_font *viz_font_open_zoomed(SDL_Renderer *r, int px, bool builtin, int zoom)
{
    struct viz_font *f = xcalloc(1, sizeof *f);
    f->r = r;
    f->px = px;
    f->zoom = zoom < 1 ? 1 : zoom;
    f->scale = px >= 16 ? 2 : 1;
    if (builtin)
        return f;
    if (!TTF_WasInit() && TTF_Init() != 0)
        return f;
    const char *env = getenv("STAMPEDE_FONT");
    if (env && *env)
        f->ttf = TTF_OpenFont(env, px * f->zoom);
    for (int i = 0; !f->ttf && FONT_PATHS[i]; i++)
        f->ttf = TTF_OpenFont(FONT_PATHS[i], px * f->zoom);
    return f;
}

void viz_font_close(struct viz_font *f)
{
    if (!f)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        free(f->cache[i].text);
        if (f->cache[i].tex)
            SDL_DestroyTexture(f->cache[i].tex);
    }
    if (f->ttf)
        TTF_CloseFont(f->ttf);
    free(f);
}

bool viz_font_is_builtin(const struct viz_font *f) { return !f->ttf; }

int viz_font_ascent(const struct viz_font *f)
{
    return f->ttf ? (TTF_FontAscent(f->ttf) + f->zoom - 1) / f->zoom : 8 * f->scale;
}

int viz_font_px(const struct viz_font *f) { return f->px; }

int viz_font_height(const struct viz_font *f)
{
    return f->ttf ? (TTF_FontHeight(f->ttf) + f->zoom - 1) / f->zoom : 9 * f->scale;
}

int viz_text_width(struct viz_font *f, const char *text)
{
    if (!f->ttf)
        return (int)strlen(text) * 6 * f->scale;
    int w = 0, h = 0;
    TTF_SizeUTF8(f->ttf, text, &w, &h);
    return (w + f->zoom - 1) / f->zoom;
}

static int bitmap_text(struct viz_font *f, int x, int y, const char *text, SDL_Color c)
{
    SDL_SetRenderDrawColor(f->r, c.r, c.g, c.b, c.a);
    int s = f->scale, x0 = x;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++, x += 6 * s) {
        unsigned ch = *p >= 32 && *p < 127 ? *p : '?';
        const uint8_t *rows = viz_font5x7[ch - 32];
        for (int row = 0; row < 7; row++)
            for (int col = 0; col < 5; col++)
                if (rows[row] & (0x10 >> col)) {
                    SDL_Rect px = {x + col * s, y + (row + 1) * s, s, s};
                    SDL_RenderFillRect(f->r, &px);
                }
    }
    return x - x0;
}

static uint32_t hash(const char *text, uint32_t rgba)
{
    uint32_t h = 2166136261u ^ rgba;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

int viz_text(struct viz_font *f, int x, int y, const char *text, SDL_Color c)
{
    if (!*text)
        return 0;
    if (!f->ttf)
        return bitmap_text(f, x, y, text, c);
    uint32_t rgba = (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
    struct cached *slot = &f->cache[hash(text, rgba) % CACHE_SLOTS];
    if (!slot->tex || slot->rgba != rgba || strcmp(slot->text, text) != 0) {
        if (slot->tex)
            SDL_DestroyTexture(slot->tex);
        free(slot->text);
        *slot = (struct cached){0};
        SDL_Surface *s = TTF_RenderUTF8_Blended(f->ttf, text, c);
        if (!s)
            return 0;
        slot->tex = SDL_CreateTextureFromSurface(f->r, s);
        slot->w = s->w, slot->h = s->h;
        SDL_FreeSurface(s);
        if (!slot->tex)
            return 0;
        slot->text = xstrdup(text);
        slot->rgba = rgba;
    }
    /* in units, so that the renderer's zoom maps the texture 1:1 onto pixels */
    SDL_FRect dst = {(float)x, (float)y, (float)slot->w / (float)f->zoom,
                     (float)slot->h / (float)f->zoom};
    SDL_RenderCopyF(f->r, slot->tex, NULL, &dst);
    return (slot->w + f->zoom - 1) / f->zoom;
}
