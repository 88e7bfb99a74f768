// An async function runs synchronously up to its first await; its promise
// fulfils with the return value or rejects with what it throws.
const log = (s) => console.log(s);
async function f() {
  log('f: start');
  await null;
  log('f: resumed');
  return 5;
}
async function g() {
  log('g: start');
  await null;
  throw new Error('boom');
}
async function h() {
  log('h: start, no await');
  return 'early';
}
log('before f');
const pf = f();
log('after f');
pf.then((v) => log('f fulfilled ' + v));
g().catch((e) => log('g rejected ' + e.message));
h().then((v) => log('h fulfilled ' + v));
log('main end');
