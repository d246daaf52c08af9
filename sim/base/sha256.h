/* sha256: FIPS 180-4 SHA-256 of a byte string, for recording exactly which
 * scenario text produced a result. */
#ifndef STAMPEDE_SHA256_H
#define STAMPEDE_SHA256_H

#include <stddef.h>

/* Writes the digest of data[0..len) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
