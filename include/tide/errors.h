/* tide — error codes.
 *
 * Every error in tide is a negative int from the table below, errno-style where
 * an errno fits. The same table generates tide_strerror() and tide_err_name(),
 * so a code, its name and its text can never drift apart.
 *
 * A function that returns one of these codes settles nothing later: if a call
 * fails, none of its callbacks will run and no promise it would have settled
 * is touched.
 */
#ifndef TIDE_ERRORS_H
#define TIDE_ERRORS_H

#ifndef TIDE_EXTERN
#define TIDE_EXTERN __attribute__((visibility("default")))
#endif

/* X(name, value, message). Values are stable: append, never renumber. */
#define TIDE_ERRNO_MAP(X)                                                        \
    X(EPERM, -1, "operation not permitted")                                     \
    X(ENOENT, -2, "no such entry")                                              \
    X(EIO, -5, "input/output error")                                            \
    X(EAGAIN, -11, "resource temporarily unavailable")                          \
    X(ENOMEM, -12, "out of memory")                                             \
    X(EBUSY, -16, "resource busy")                                              \
    X(EINVAL, -22, "invalid argument")                                          \
    X(ERANGE, -34, "value out of range")                                        \
    X(ETIMEDOUT, -110, "timed out")                                             \
    X(ECANCELED, -125, "operation canceled")                                    \
    X(ETYPE, -4001, "type error")               /* JavaScript's TypeError */    \
    X(ENOTASK, -4002, "not inside an async function")                           \
    X(ETHREAD, -4003, "object belongs to another thread's loop")                \
    X(EALREADY, -4004, "already settled")                                      \
    X(ESTATE, -4005, "wrong state for this operation")                          \
    X(EAGGREGATE, -4006, "all promises were rejected")                          \
    X(EOVERFLOW, -4007, "stack overflow")                                       \
    X(ENOLOOP, -4008, "no tide loop on this thread")                            \
    X(EREJECTED, -4009, "promise rejected with a value that is not an error")                               \
    X(EUNHANDLED, -4010, "unhandled promise rejection")                         \
    X(ECONNREFUSED, -111, "connection refused")                                 \
    X(ECONNRESET, -104, "connection reset by peer")                             \
    X(EPIPE, -32, "broken pipe")                                                \
    X(EADDRINUSE, -98, "address already in use")                                \
    X(EHOSTUNREACH, -113, "host is unreachable")                                \
    X(EMFILE, -24, "too many open files")                                       \
    X(ENOTFOUND, -4011, "name not found")       /* DNS */                       \
    X(ETLS, -4012, "TLS failure")                                               \
    X(EREDIRECT, -4013, "too many redirects")

typedef enum tide_errno {
#define TIDE__ERR_ENUM(name, val, msg) TIDE_##name = (val),
    TIDE_ERRNO_MAP(TIDE__ERR_ENUM)
#undef TIDE__ERR_ENUM
    TIDE__ERR_PLACEHOLDER = 0
} tide_errno;

/* Status a generator body returns when it finished because a return(v)
 * request reached it (see the generator headers); positive so that it is
 * never mistaken for an error. */
#define TIDE_RETURN 1

/* The text for an error code, e.g. "out of memory". Never NULL: unknown codes
 * give "unknown error". The string is static. */
TIDE_EXTERN const char *tide_strerror(int code);

/* The code's name, e.g. "TIDE_ENOMEM". Never NULL; static. */
TIDE_EXTERN const char *tide_err_name(int code);

#endif
