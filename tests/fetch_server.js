// The peer of tests/test_fetch.c: an HTTP server on 127.0.0.1 built on Node's
// http module. It listens on an ephemeral port, prints the port on stdout and
// exits when its stdin closes (so a crashed test never leaves it behind).
//
//   /plain              a short body with a Content-Length
//   /chunked            a body in several chunks, no Content-Length
//   /slow?n=N           N chunks, one every 50 ms
//   /headers            repeated headers (Set-Cookie, X-Multi)
//   /large?mb=N         N MiB (byte k is k % 251), written with backpressure
//   /redirect/N         302 -> /redirect/N-1 ... -> /plain
//   /status/N           status N, body "status N"
//   /truncated          promises 1000 bytes, sends 100, drops the connection
//   /hang               never answers (counted in /stats when it closes)
//   /echo               answers the request body, method in X-Method
//   /to/S               status S (301, 302, 303, 307, 308) -> /echo (or ?to=),
//                       after ?delay= ms
//   /json, /json-bad    a JSON document / a broken one
//   /port               the client's port (tells a reused connection)
//   /stats              counters as JSON
//
// Given a directory with key.pem and cert.pem, it serves the same over HTTPS
// on a second port and prints "PORT TLS_PORT".
'use strict';

const http = require('http');

const stats = { hangOpen: 0, hangClosed: 0, largeClosed: 0, largeWritten: 0, requests: 0 };

const JSON_DOC =
  '{"name":"tide","n":[1,2.5,-3e-7,1e+21,true,null],"nested":{"a":"b","empty":{}},"s":"q\\"\\n\\u0001"}';

function large(req, res, mb) {
  const total = mb * 1024 * 1024;
  const block = Buffer.alloc(64 * 1024);
  let sent = 0;
  let done = false;
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': total });
  res.on('close', () => {
    done = true;
    stats.largeClosed++;
    stats.largeWritten = sent;
  });
  function pump() {
    while (!done && sent < total) {
      const n = Math.min(block.length, total - sent);
      for (let i = 0; i < n; i++) block[i] = (sent + i) % 251;
      sent += n;
      const more = res.write(n === block.length ? block : block.subarray(0, n));
      if (!more) {
        res.once('drain', pump);
        return;
      }
    }
    if (!done) res.end();
  }
  pump();
}

function handle(req, res) {
  stats.requests++;
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  if (path === '/plain') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('hello, tide\n');
  } else if (path === '/chunked') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const parts = ['one ', 'two ', 'three'];
    let i = 0;
    const next = () => {
      if (i < parts.length) {
        res.write(parts[i++]);
        setTimeout(next, 5);
      } else res.end();
    };
    next();
  } else if (path === '/slow') {
    const n = Number(url.searchParams.get('n') || 5);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.flushHeaders();
    let i = 0;
    const timer = setInterval(() => {
      res.write(`chunk ${i}\n`);
      if (++i === n) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    res.on('close', () => clearInterval(timer));
  } else if (path === '/headers') {
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.setHeader('X-Multi', ['first', 'second']);
    res.setHeader('X-Case', 'Mixed');
    res.writeHead(200, 'Fine Thanks');
    res.end('headers');
  } else if (path === '/large') {
    large(req, res, Number(url.searchParams.get('mb') || 1));
  } else if (path.startsWith('/redirect/')) {
    const n = Number(path.slice('/redirect/'.length));
    res.writeHead(302, { Location: n > 1 ? `/redirect/${n - 1}` : '/plain' });
    res.end('moved');
  } else if (path.startsWith('/to/')) {
    req.resume(); // the request body, if any, is not for this answer
    const to = url.searchParams.get('to') || '/echo';
    req.on('end', () => setTimeout(() => {
      res.writeHead(Number(path.slice('/to/'.length)), { Location: to });
      res.end(`see ${to}`);
    }, Number(url.searchParams.get('delay') || 0)));
  } else if (path.startsWith('/status/')) {
    const n = Number(path.slice('/status/'.length));
    res.writeHead(n, { 'Content-Type': 'text/plain' });
    res.end(`status ${n}`);
  } else if (path === '/truncated') {
    res.writeHead(200, { 'Content-Length': 1000 });
    res.write(Buffer.alloc(100, 'x'));
    setTimeout(() => res.socket.destroy(), 20);
  } else if (path === '/hang') {
    stats.hangOpen++;
    req.socket.on('close', () => stats.hangClosed++);
  } else if (path === '/echo') {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.writeHead(200, {
        'X-Method': req.method,
        'X-Transfer-Encoding': req.headers['transfer-encoding'] || '',
        'X-Content-Length': req.headers['content-length'] || '',
        'X-Test': req.headers['x-test'] || '',
      });
      res.end(body);
    });
  } else if (path === '/json') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON_DOC);
  } else if (path === '/json-bad') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"a": [1, 2');
  } else if (path === '/port') {
    res.end(String(req.socket.remotePort));
  } else if (path === '/stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stats));
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
}

// With a directory holding key.pem and cert.pem as argument, the same routes
// are served over HTTPS too, and the line printed is "PORT TLS_PORT".
const server = http.createServer(handle);
const tlsDir = process.argv[2];
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  if (!tlsDir) {
    process.stdout.write(`${port}\n`);
    return;
  }
  const fs = require('fs');
  const tls = require('https').createServer(
    { key: fs.readFileSync(`${tlsDir}/key.pem`), cert: fs.readFileSync(`${tlsDir}/cert.pem`) },
    handle,
  );
  tls.listen(0, '127.0.0.1', () => process.stdout.write(`${port} ${tls.address().port}\n`));
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
