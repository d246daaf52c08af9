/* The program's version, printed by `stampede version` and recorded in every
 * summary.json. */
#ifndef STAMPEDE_VERSION_H
#define STAMPEDE_VERSION_H

#define STAMPEDE_VERSION "0.1.0"

#endif
