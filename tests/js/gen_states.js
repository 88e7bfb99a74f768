// Generator states: next() after completion gives {undefined, true}; return(v)
// at suspendedStart runs nothing and gives {v, true}; throw(e) at
// suspendedStart throws e without running the body; both complete the
// generator.
const log = (...a) => console.log(...a);
function* g() {
  log('body start');
  try {
    const a = yield 1;
    log('got', a);
    yield 2;
  } finally {
    log('finally');
  }
  log('body end');
  return 'ret';
}
const show = (label, r) => log(label, r.value, r.done);
let it = g();
show('next', it.next('dropped'));
show('next', it.next('a'));
show('next', it.next('b'));
show('next', it.next('c'));
show('next', it.next());

it = g();
show('return at start', it.return('v'));
show('next', it.next());

it = g();
try {
  it.throw(new Error('e'));
  log('not thrown');
} catch (e) {
  log('throw at start threw', e.message);
}
show('next', it.next());
