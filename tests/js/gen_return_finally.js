// return(v) at a yield inside try/finally whose finally yields again: return()
// gives the finally's yield {from finally, false}; the next next() finishes
// the finally and gives {v, true}; after that {undefined, true}. A finally
// that returns a value of its own overrides v.
const log = (...a) => console.log(...a);
function* g() {
  try {
    yield 1;
    log('unreachable');
  } finally {
    log('cleanup');
    const x = yield 'from finally';
    log('cleanup end', x);
  }
}
const show = (label, r) => log(label, r.value, r.done);
const it = g();
show('next', it.next());
show('return', it.return('v'));
show('next', it.next('n'));
show('next', it.next());
function* override() {
  try {
    yield 1;
  } finally {
    return 'override';
  }
}
const o = override();
show('next', o.next());
show('return', o.return('v'));
show('next', o.next());
