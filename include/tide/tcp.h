/* tide — TCP: connections, servers, reading as an async iterable.
 *
 *   // Node                                      // tide
 *   const server = net.createServer();           tide_val server = tide_tcp_listen("127.0.0.1", 0, 0);
 *   server.listen(0, '127.0.0.1');
 *   for await (const [conn] of                   tide_for_await (conn, tide_retain(server), &rc, &err)
 *       on(server, 'connection')) {                  tide_release(tide_async(handle, &conn));
 *     handle(conn);
 *   }
 *   async function handle(conn) {                static int handle(void *arg, tide_val *out) {
 *     for await (const chunk of conn)                tide_val conn = *(tide_val *)arg, chunk;
 *       await write(conn, chunk);                    tide_for_await (chunk, tide_retain(conn), &rc, out) {
 *     conn.destroy();                                    ... tide_await(tide_tcp_write(conn, chunk), &r) ...
 *   }                                                }
 *                                                    tide_tcp_close(conn);
 *                                                    tide_release(conn);
 *                                                    ...
 *
 * A connection is an async iterable of its incoming data: each next()
 * fulfils with a chunk (a bytes value, at most 64 KiB) or, at end of stream,
 * done. The socket is read only while a next() is pending, so a consumer
 * that stops asking stops the reading and the peer's writes stall in the
 * kernel's buffers (backpressure). A server is an async iterable of accepted
 * connections, with the same rule: a connection is accepted only when a
 * next() asks for one; until then they wait in the kernel's backlog.
 *
 * Cancellation: every wait (connect, next() on a connection or a server,
 * write, shutdown) is tied to the abort signal of the task that starts it
 * (tide_task_signal(); none outside a task or while the task is shielded).
 * When that signal aborts, the pending promise rejects with the signal's
 * reason and libuv's work stops:
 *   - connect: the name lookup is cancelled or the half-open socket closed;
 *   - next() on a connection or a server: reading / accepting stops; nothing
 *     was consumed, so the connection or server stays usable;
 *   - write, shutdown: the connection is closed (part of the data may have
 *     gone out, so the stream cannot go on), as Node destroys a socket whose
 *     signal aborts.
 *
 * Closing — tide_tcp_close, return() (which a tide_for_await that is left
 * early calls, as Node's socket iterator destroys the socket on break), or
 * the last reference going — settles what is pending: next()s are done,
 * writes and shutdowns reject with TIDE_ECANCELED. A pending write or
 * shutdown holds a reference to its connection, so data written and then
 * released is still sent before the connection closes.
 *
 * Errors: libuv's errors map to TIDE_E codes (TIDE_ECONNREFUSED,
 * TIDE_ECONNRESET, TIDE_EPIPE, TIDE_EHOSTUNREACH, TIDE_EADDRINUSE,
 * TIDE_EMFILE, TIDE_EPERM, TIDE_ENOTFOUND for an unknown host name,
 * TIDE_ETIMEDOUT, TIDE_ECANCELED, TIDE_EINVAL, TIDE_ENOMEM, TIDE_EAGAIN;
 * TIDE_EIO for anything else) and the message says what
 * failed, where, and libuv's words and name, e.g. "connect 127.0.0.1:1:
 * connection refused (ECONNREFUSED)".
 *
 * Sockets have Nagle's algorithm off (TCP_NODELAY). The first TCP call sets
 * SIGPIPE to be ignored if it was at its default (as Node does), so that a
 * write to a connection the peer closed rejects instead of killing the
 * process. Connections and servers belong to the loop of the thread that
 * made them; close or release them before the loop is freed.
 *
 * Built only on the public API of the layers below and libuv, as a program
 * of its own could be.
 */
#ifndef TIDE_TCP_H
#define TIDE_TCP_H

#include "iter.h"

/* Connects to host:port. host is a numeric IPv4 or IPv6 address, or a name
 * resolved with the system's resolver (getaddrinfo on libuv's thread pool;
 * each address it gives is tried in turn). host is borrowed (copied).
 * Returns a promise (owned) of the connection (a TcpConnection object),
 * which never fails synchronously. It rejects with TIDE_EINVAL (host NULL or
 * longer than 255 bytes, port outside 1..65535), TIDE_ENOLOOP, TIDE_ENOMEM,
 * the mapped libuv error ("connect 127.0.0.1:1: connection refused
 * (ECONNREFUSED)", "getaddrinfo nowhere.invalid: unknown node or service
 * (EAI_NONAME)"), or the signal's reason when the task is cancelled. */
TIDE_EXTERN tide_val tide_tcp_connect(const char *host, int port);

/* Listens on host:port (host a numeric IPv4 or IPv6 address, borrowed; port
 * 0 picks a free port, see tide_tcp_server_port) with a backlog of pending
 * connections (0 or less: 511, Node's default). Returns the server (owned):
 * an async iterable whose next() fulfils with the next accepted connection
 * (owned by whoever takes it from the iterator result). return() — leaving a
 * tide_for_await over the server early — closes it, and so does releasing
 * its last reference; connections already accepted stay open. An accept
 * error rejects one next() (the one pending, else the next to come); the
 * server goes on. (Out of descriptors, libuv accepts the waiting connection
 * and closes it at once, reporting nothing.) Errors come back as an error value instead of the server
 * (check with tide_is_error): TIDE_EINVAL (host NULL or not numeric, port
 * outside 0..65535), TIDE_ENOLOOP, TIDE_ENOMEM, or the mapped libuv error
 * ("listen 127.0.0.1:8080: address already in use (EADDRINUSE)" is
 * TIDE_EBUSY). */
TIDE_EXTERN tide_val tide_tcp_listen(const char *host, int port, int backlog);

/* The port a server (borrowed) listens on — the one the system chose when it
 * was made with port 0. TIDE_EINVAL if server is not a TCP server. */
TIDE_EXTERN int tide_tcp_server_port(tide_val server);

/* Writes data (taken: a bytes value or a string, its bytes as they are) to
 * conn (borrowed). Returns a promise (owned) that fulfils with undefined
 * once libuv has handed all of it to the kernel; writes go out in the order
 * they were made. Never fails synchronously; rejects with data itself when
 * it is an error value (so that tide_tcp_write(c, tide_str_new(s)) reports
 * running out of memory), TIDE_ETYPE (conn not a TCP connection; data not
 * bytes or a string), TIDE_ERANGE (over 4 GiB at once), TIDE_ETHREAD,
 * TIDE_ESTATE (conn closed or shut down), TIDE_ECANCELED (conn closed
 * before the data went out), the mapped libuv error ("write
 * 127.0.0.1:5000: broken pipe (EPIPE)" is TIDE_EPIPE), or the signal's
 * reason when the task is cancelled (which closes conn, see above). */
TIDE_EXTERN tide_val tide_tcp_write(tide_val conn, tide_val data);

/* Node's socket.end(): once the writes already made have gone out, sends
 * the end of stream (FIN); the peer's reading ends (done) while conn can
 * still be read. Later writes reject with TIDE_ESTATE. conn borrowed.
 * Returns a promise (owned) that fulfils with undefined when the FIN was
 * handed to the kernel; rejects as tide_tcp_write does (TIDE_ESTATE also
 * for a second shutdown). */
TIDE_EXTERN tide_val tide_tcp_shutdown(tide_val conn);

/* Closes a connection or a server (borrowed) at once (Node's destroy() /
 * close()): pending next()s end done, pending writes and shutdowns reject
 * with TIDE_ECANCELED, and the socket is closed by libuv in its close phase.
 * Closing twice does nothing. Returns 0, TIDE_EINVAL if v is neither, or
 * TIDE_ETHREAD if v belongs to another thread's loop. */
TIDE_EXTERN int tide_tcp_close(tide_val v);

/* The peer's address of a connection (borrowed), as "127.0.0.1:5000" or
 * "[::1]:5000": a string valid as long as conn is; "" when conn is not a
 * TCP connection. */
TIDE_EXTERN const char *tide_tcp_peer(tide_val conn);

/* Private, for tests: this thread's counters. `handles`: libuv handles
 * (connections, servers, connection attempts) open or closing; `reading`:
 * connections reading now; `reads`: read callbacks that brought data, the
 * end or an error, since the thread started; `reads_unasked`: chunks that
 * arrived while no next() was pending (backpressure says: always 0). */
typedef struct tide__tcp_stats {
    long handles;
    long reading;
    long reads;
    long reads_unasked;
} tide__tcp_stats;
void tide__tcp_get_stats(tide__tcp_stats *out);

#endif
