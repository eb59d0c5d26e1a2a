// zlib from the system (Debian: zlib1g-dev, which ZIPFoundation already needs on Linux).
// Only the History module imports it, to keep a session's stored text small (`Deflated`).
#include <zlib.h>
