// A Node `net` client for tests/test_tcp.c: node tcp_echo_client.js PORT N BYTES
// opens N connections to 127.0.0.1:PORT at once; on connection i it sends
// BYTES bytes ((i * 7 + k) & 0xff for byte k), ends its side, reads the echo
// to the end and compares. Prints "ok N", or "FAIL <why>" and exits 1.
'use strict';
const net = require('net');

const [port, n, size] = process.argv.slice(2).map(Number);

function payload(i) {
  const b = Buffer.alloc(size);
  for (let k = 0; k < size; k++) b[k] = (i * 7 + k) & 0xff;
  return b;
}

async function one(i) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const want = payload(i);
  sock.end(want);
  const chunks = [];
  for await (const chunk of sock) chunks.push(chunk);
  const got = Buffer.concat(chunks);
  if (!got.equals(want))
    throw new Error(`connection ${i}: ${got.length} bytes came back for ${size} sent` +
                    (got.length === size ? ' (different bytes)' : ''));
}

const timer = setTimeout(() => { console.log('FAIL timed out'); process.exit(1); }, 15000);
Promise.all(Array.from({ length: n }, (_, i) => one(i))).then(
  () => { clearTimeout(timer); console.log(`ok ${n}`); },
  (e) => { clearTimeout(timer); console.log(`FAIL ${e.message}`); process.exitCode = 1; });
