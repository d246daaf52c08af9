/* interrupt: Ctrl-C (SIGINT) and SIGTERM end a command cleanly. The
 * handler only records the signal; long loops poll it, remove their
 * temporary files, stop their workers and exit 128 + the signal. */
#ifndef STAMPEDE_INTERRUPT_H
#define STAMPEDE_INTERRUPT_H

/* Installs the handlers (without SA_RESTART, so a blocking read returns). */
void interrupt_install(void);
/* The signal received, or 0. */
int interrupt_signal(void);

#endif
