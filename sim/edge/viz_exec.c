#include "viz_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/xalloc.h"

extern char **environ;

#define HELPER "stampede-viz"

/* Where the helper is: $STAMPEDE_VIZ, else beside this program's own
 * executable (make builds the two in one folder), else HELPER on PATH. */
static void helper_path(char *path, size_t size)
{
    const char *env = getenv("STAMPEDE_VIZ");
    if (env && *env) {
        snprintf(path, size, "%s", env);
        return;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, size, "%s/" HELPER, self);
            if (access(path, X_OK) == 0)
                return;
        }
    }
    snprintf(path, size, HELPER);
}

static void cannot_start(const char *command, const char *path, int err)
{
    fprintf(stderr, "stampede: error: %s: cannot start the drawing program %s: %s (make builds "
                    "it beside stampede; $STAMPEDE_VIZ names another)\n",
            command, path, strerror(err));
}

int viz_exec(const char *command, int argc, char **argv)
{
    char path[4200];
    helper_path(path, sizeof path);
    char **args = xcalloc((size_t)argc + 3, sizeof *args);
    args[0] = path;
    args[1] = (char *)command;
    for (int i = 0; i < argc; i++)
        args[i + 2] = argv[i];
    fflush(NULL);
    if (strchr(path, '/'))
        execv(path, args);
    else
        execvp(path, args);
    int err = errno;
    free(args);
    cannot_start(command, path, err);
    return 3;
}

int viz_plot_folder(const char *dir, const char *png)
{
    char path[4200];
    helper_path(path, sizeof path);
    char *args[] = {path, (char *)"plot", (char *)dir, (char *)"-o", (char *)png, NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    /* plot names the file it wrote on stdout; run says so itself */
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    fflush(NULL);
    pid_t pid;
    int err = strchr(path, '/') ? posix_spawn(&pid, path, &actions, NULL, args, environ)
                                : posix_spawnp(&pid, path, &actions, NULL, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err != 0) {
        cannot_start("run --plot", path, err);
        return 3;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            cannot_start("run --plot", path, errno);
            return 3;
        }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGINT ? 130 : 3;
}
