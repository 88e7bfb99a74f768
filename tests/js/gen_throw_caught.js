// throw(e) at a yield enters the body's catch; throw() returns what the body
// yields next. A throw that is not caught escapes and completes the generator.
const log = (...a) => console.log(...a);
function* g() {
  for (let round = 1; round <= 2; round++) {
    try {
      yield 'waiting ' + round;
    } catch (e) {
      log('caught', e.message);
      yield 'recovered ' + round;
    }
  }
  yield 'last';
}
const show = (label, r) => log(label, r.value, r.done);
const it = g();
show('next', it.next());
show('throw', it.throw(new Error('first')));
show('next', it.next());
show('throw', it.throw(new Error('second')));
try {
  it.throw(new Error('third'));
} catch (e) {
  log('escaped', e.message);
}
show('next', it.next());
