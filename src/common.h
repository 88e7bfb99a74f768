/* Shared by every layer: small definitions with no dependencies. */
#ifndef TIDE_COMMON_H
#define TIDE_COMMON_H

/* Thread-local state uses the initial-exec model: one %fs-relative load,
 * where the default for position-independent code is a call to
 * __tls_get_addr on every access, which hot paths (every await, every
 * allocation check) cannot afford. */
#define TIDE__TLS __thread __attribute__((tls_model("initial-exec")))

#endif
