// Checklist 15: at a yield, return(x) awaits x inside the generator. If x
// rejects (or resolving it throws), the error is thrown into the body at the
// yield: a catch can handle it and go on to return or yield; finally blocks
// still run; with no handler return() rejects with the reason.
// After AGP/return/return-suspendedYield-broken-promise-try-catch.js, with a
// rejected promise and a thenable whose then throws in place of the broken
// promise (a constructor getter that throws has no C counterpart).
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
const broken = () => Promise.reject(new Error('broken promise'));
async function* gCatchReturn() {
  try {
    yield 0;
    return 1;
  } catch (err) {
    log('a caught ' + show(err));
    return 2;
  }
}
async function* gCatchYield() {
  try {
    yield 0;
  } catch (err) {
    log('b caught ' + show(err));
    yield 'from-catch';
  }
  log('b after catch');
}
async function* gFinally() {
  try {
    yield 0;
  } finally {
    log('c finally ran');
  }
}
async function* gBare() {
  yield 0;
  log('must not run');
}
async function* gThenable() {
  try {
    yield 0;
  } catch (err) {
    log('e caught ' + show(err));
    return 'handled';
  }
}
async function main() {
  const a = gCatchReturn();
  log('a next ' + res(await a.next()));
  log('a return ' + res(await a.return(broken())));
  log('a next ' + res(await a.next()));
  const b = gCatchYield();
  log('b next ' + res(await b.next()));
  log('b return ' + res(await b.return(broken())));
  log('b next ' + res(await b.next()));
  const c = gFinally();
  log('c next ' + res(await c.next()));
  try {
    log('c return ' + res(await c.return(broken())));
  } catch (e) {
    log('c return rejected ' + show(e));
  }
  log('c next ' + res(await c.next()));
  const d = gBare();
  log('d next ' + res(await d.next()));
  try {
    log('d return ' + res(await d.return(broken())));
  } catch (e) {
    log('d return rejected ' + show(e));
  }
  log('d next ' + res(await d.next()));
  const e = gThenable();
  log('e next ' + res(await e.next()));
  const bad = {
    then() {
      log('then called');
      throw new Error('then threw');
    },
  };
  log('e return ' + res(await e.return(bad)));
}
witness(30);
main();
log('main end');
