/* check: invariants are checked, never repaired.
 *
 * SIM_ASSERT(cond) holds in every build, release included: a simulator that
 * quietly fixes up state it found broken goes on to report numbers nobody
 * can trust, so a broken invariant stops the run at once with its file and
 * line. It is for bugs only; bad input gets a clear error from the loader
 * long before anything runs. */
#ifndef STAMPEDE_CHECK_H
#define STAMPEDE_CHECK_H

#define SIM_ASSERT(cond) ((cond) ? (void)0 : sim_bug(__FILE__, __LINE__, #cond))
/* Marks a place the code must never reach. */
#define SIM_BUG(what) sim_bug(__FILE__, __LINE__, what)

/* Prints "stampede: internal error (a bug, not bad input): FILE:LINE: WHAT"
 * and aborts. */
_Noreturn void sim_bug(const char *file, int line, const char *what);

#endif
