/* viz_exec: the drawing commands run in a program of their own.
 *
 * `plot` and `view` need SDL, SDL_ttf and SDL_image: 71 shared libraries
 * that cost every process that links them about 8 ms of CPU and 7 MiB of
 * memory before main, whether it draws or not. So `stampede` (run,
 * validate, check, compare, sweep, merge) links none of them, and the
 * drawing lives in `stampede-viz`, built beside it: `stampede plot` and
 * `stampede view` become that program (exec, same arguments, so signals
 * and exit codes are its own), and `run --plot` starts it on the folder it
 * just wrote and waits. $STAMPEDE_VIZ names another helper. */
#ifndef STAMPEDE_VIZ_EXEC_H
#define STAMPEDE_VIZ_EXEC_H

/* Replaces this process by `stampede-viz COMMAND ARGS...`; returns (3, with
 * a message) only when the helper cannot be started. */
int viz_exec(const char *command, int argc, char **argv);

/* Draws result folder `dir` into `png` as `stampede plot DIR -o PNG` does,
 * in a child process, and returns its exit code (130 if it was
 * interrupted; 3, with a message, if it cannot be started). */
int viz_plot_folder(const char *dir, const char *png);

#endif
