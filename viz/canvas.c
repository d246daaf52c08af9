#include "canvas.h"

static void svg_paint(FILE *f, const char *what, SDL_Color c)
{
    fprintf(f, " %s=\"#%02x%02x%02x\"", what, c.r, c.g, c.b);
    if (c.a != 255)
        fprintf(f, " %s-opacity=\"%.3f\"", what, c.a / 255.0);
}

struct viz_canvas viz_canvas_svg(FILE *out, int w, int h)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n",
            w, h, w, h);
    return (struct viz_canvas){.svg = out};
}

void viz_canvas_finish(struct viz_canvas *c)
{
    if (c->svg)
        fputs("</svg>\n", c->svg);
}

void viz_canvas_color(struct viz_canvas *c, SDL_Color color)
{
    c->color = color;
    if (c->r)
        SDL_SetRenderDrawColor(c->r, color.r, color.g, color.b, color.a);
}

void viz_canvas_clear(struct viz_canvas *c, int w, int h)
{
    if (c->r) {
        SDL_RenderClear(c->r);
        return;
    }
    SDL_Rect all = {0, 0, w, h};
    viz_canvas_fill(c, &all);
}

void viz_canvas_line(struct viz_canvas *c, int x0, int y0, int x1, int y1)
{
    if (c->r) {
        SDL_RenderDrawLine(c->r, x0, y0, x1, y1);
        return;
    }
    fprintf(c->svg, "<line x1=\"%d.5\" y1=\"%d.5\" x2=\"%d.5\" y2=\"%d.5\"", x0, y0, x1, y1);
    svg_paint(c->svg, "stroke", c->color);
    fputs("/>\n", c->svg);
}

void viz_canvas_fill(struct viz_canvas *c, const SDL_Rect *r)
{
    if (c->r) {
        SDL_RenderFillRect(c->r, r);
        return;
    }
    fprintf(c->svg, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", r->x, r->y, r->w, r->h);
    svg_paint(c->svg, "fill", c->color);
    fputs("/>\n", c->svg);
}

void viz_canvas_frame(struct viz_canvas *c, const SDL_Rect *r)
{
    if (c->r) {
        SDL_RenderDrawRect(c->r, r);
        return;
    }
    fprintf(c->svg, "<rect x=\"%d.5\" y=\"%d.5\" width=\"%d\" height=\"%d\" fill=\"none\"", r->x,
            r->y, r->w - 1, r->h - 1);
    svg_paint(c->svg, "stroke", c->color);
    fputs("/>\n", c->svg);
}

void viz_canvas_polyline(struct viz_canvas *c, const SDL_Point *pts, int n, int width,
                         SDL_Rect clip)
{
    if (n < 2)
        return;
    if (c->r) { /* `width` one-pixel lines side by side, each kept inside the clip */
        for (int i = 1; i < n; i++)
            for (int k = 0; k < width; k++) {
                int off = k - width / 2, a = pts[i - 1].y + off, b = pts[i].y + off;
                if (a >= clip.y && b >= clip.y && a < clip.y + clip.h && b < clip.y + clip.h)
                    SDL_RenderDrawLine(c->r, pts[i - 1].x, a, pts[i].x, b);
            }
        return;
    }
    /* the raster draws rows y - width/2 .. y + (width - 1)/2: the same band */
    double shift = (width % 2 == 0) ? 0.0 : 0.5;
    fputs("<polyline fill=\"none\" stroke-linejoin=\"round\" points=\"", c->svg);
    for (int i = 0; i < n; i++)
        fprintf(c->svg, "%s%d.5,%.1f", i ? " " : "", pts[i].x, pts[i].y + shift);
    fprintf(c->svg, "\" stroke-width=\"%d\"", width);
    svg_paint(c->svg, "stroke", c->color);
    fputs("/>\n", c->svg);
}

int viz_canvas_text(struct viz_canvas *c, struct viz_font *f, int x, int y, const char *text,
                    SDL_Color color)
{
    if (c->r || !*text)
        return viz_text(f, x, y, text, color);
    fprintf(c->svg, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"", x, y + viz_font_ascent(f),
            viz_font_px(f));
    svg_paint(c->svg, "fill", color);
    fputc('>', c->svg);
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", c->svg); break;
        case '>': fputs("&gt;", c->svg); break;
        case '&': fputs("&amp;", c->svg); break;
        default: /* XML 1.0 has no control characters: a label from a CSV may */
            fputc((unsigned char)*p < 0x20 ? '?' : *p, c->svg);
        }
    }
    fputs("</text>\n", c->svg);
    return viz_text_width(f, text);
}
