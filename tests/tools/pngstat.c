/* pngstat FILE: prints "WIDTH HEIGHT COLOURS" (distinct colours, up to
 * 4096) of a PNG, so shell tests can tell a real picture from a blank one. */
#include <stdio.h>
#include <stdlib.h>

#include <SDL_image.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pngstat FILE\n");
        return 2;
    }
    SDL_Surface *raw = IMG_Load(argv[1]);
    if (!raw) {
        fprintf(stderr, "pngstat: %s: %s\n", argv[1], IMG_GetError());
        return 1;
    }
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    Uint32 seen[4096];
    int n = 0;
    for (int y = 0; y < s->h && n < 4096; y++)
        for (int x = 0; x < s->w && n < 4096; x++) {
            Uint32 p = ((Uint32 *)s->pixels)[y * (s->pitch / 4) + x];
            int k = 0;
            while (k < n && seen[k] != p)
                k++;
            if (k == n)
                seen[n++] = p;
        }
    printf("%d %d %d\n", s->w, s->h, n);
    SDL_FreeSurface(s);
    SDL_FreeSurface(raw);
    return 0;
}
