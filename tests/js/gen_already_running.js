// A generator's body calling next() / return() / throw() on its own
// generator gets a TypeError ("already running"); the generator goes on.
const log = (...a) => console.log(...a);
let it;
function* g() {
  for (const m of ['next', 'return', 'throw']) {
    try {
      it[m](1);
      log(m, 'returned');
    } catch (e) {
      log(m, e instanceof TypeError ? 'TypeError' : e);
    }
  }
  yield 'still running';
}
it = g();
let r = it.next();
log('next', r.value, r.done);
r = it.next();
log('next', r.value, r.done);
