/* font: text on an SDL renderer. A TrueType font (DejaVu Sans from
 * Debian's fonts-dejavu-core, or $STAMPEDE_FONT) through SDL2_ttf, with the
 * rendered strings cached as textures; without one, the built-in 5 x 7
 * bitmap font, scaled. */
#ifndef STAMPEDE_VIZ_FONT_H
#define STAMPEDE_VIZ_FONT_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

extern const uint8_t viz_font5x7[95][7];

struct viz_font;

/* A font of about `px` pixels a line for `r`; `builtin` forces the bitmap
 * font. Never fails: the bitmap font is always there. */
struct viz_font *viz_font_open(SDL_Renderer *r, int px, bool builtin);
/* The same for a renderer zoomed by an integer factor (SDL_RenderSetScale):
 * sizes are in units, glyphs rendered at px x zoom so they stay sharp. */
struct viz_font *viz_font_open_zoomed(SDL_Renderer *r, int px, bool builtin, int zoom);
void viz_font_close(struct viz_font *f);
bool viz_font_is_builtin(const struct viz_font *f);
int viz_font_height(const struct viz_font *f);
/* From a line's top to its baseline, and the size asked for (for SVG text). */
int viz_font_ascent(const struct viz_font *f);
int viz_font_px(const struct viz_font *f);
int viz_text_width(struct viz_font *f, const char *text);
/* Draws `text` with its top-left at (x, y); returns its width. */
int viz_text(struct viz_font *f, int x, int y, const char *text, SDL_Color c);

#endif
