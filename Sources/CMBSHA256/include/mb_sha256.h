// SHA-256's block function (FIPS 180-4), for History's SHA256: the hash of every stored
// session, input file and protocol. In C because the x86 SHA extensions (SHA-NI) are reached
// only through compiler intrinsics; the portable rounds are beside them for a machine
// without, and a test holds the two to the same digests.
#ifndef MB_SHA256_H
#define MB_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// Runs `blocks` 64-byte blocks from `data` through `state` (eight words, a-h).
void mb_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

/// The same with the portable rounds whatever the processor: for the test that holds the two
/// paths to the same digests.
void mb_sha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/// 1 when `mb_sha256_blocks` uses the processor's SHA extensions.
int mb_sha256_uses_sha_extensions(void);

#endif
