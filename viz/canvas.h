/* canvas: what the graphs are drawn on, an SDL renderer (the window, PNG
 * files) or an SVG document, behind the few drawing calls the renderer
 * uses, so that `plot -o x.svg` draws the same picture as the PNG: same
 * layout, same colours, text measured with the same font. */
#ifndef STAMPEDE_VIZ_CANVAS_H
#define STAMPEDE_VIZ_CANVAS_H

#include <stdbool.h>
#include <stdio.h>

#include <SDL.h>

#include "font.h"

struct viz_canvas {
    SDL_Renderer *r; /* raster, or NULL */
    FILE *svg;       /* vector, or NULL */
    SDL_Color color; /* for the calls below; alpha blends */
};

static inline struct viz_canvas viz_canvas_raster(SDL_Renderer *r)
{
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return (struct viz_canvas){.r = r};
}
/* Starts an SVG document of w x h on `out` (the canvas writes to it). */
struct viz_canvas viz_canvas_svg(FILE *out, int w, int h);
/* Ends the SVG document (nothing for a raster canvas). */
void viz_canvas_finish(struct viz_canvas *c);

void viz_canvas_color(struct viz_canvas *c, SDL_Color color);
void viz_canvas_clear(struct viz_canvas *c, int w, int h);
void viz_canvas_line(struct viz_canvas *c, int x0, int y0, int x1, int y1);
void viz_canvas_fill(struct viz_canvas *c, const SDL_Rect *r);
void viz_canvas_frame(struct viz_canvas *c, const SDL_Rect *r);
/* A polyline `width` pixels wide, centred on the points, which lie inside
 * `clip` (raster: rows of the width outside it are not drawn; SVG: the
 * stroke may overhang it by half its width). */
void viz_canvas_polyline(struct viz_canvas *c, const SDL_Point *pts, int n, int width,
                         SDL_Rect clip);
/* Text with its top-left at (x, y); returns its width. */
int viz_canvas_text(struct viz_canvas *c, struct viz_font *f, int x, int y, const char *text,
                    SDL_Color color);

#endif
