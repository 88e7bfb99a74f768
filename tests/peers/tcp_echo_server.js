// A Node `net` echo server for tests/test_tcp.c: listens on 127.0.0.1 with
// an ephemeral port, prints the port on a line of its own, echoes every
// connection (half-close aware: the echo ends when the client's data ends)
// and exits when its stdin closes (the test closes it, or dies).
'use strict';
const net = require('net');

const server = net.createServer({ allowHalfOpen: true }, (sock) => {
  sock.on('error', () => sock.destroy());
  sock.pipe(sock);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
