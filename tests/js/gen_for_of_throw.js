// A throw out of a for-of body closes the iterator, ignores errors from
// closing, and the body's error propagates. On break, by contrast, an error
// from closing propagates.
const log = (...a) => console.log(...a);
function iterable(label) {
  return {
    [Symbol.iterator]() {
      return {
        next() { return { value: label, done: false }; },
        return() {
          log(label, 'return called');
          throw new Error('close error');
        },
      };
    },
  };
}
function* gen() {
  try {
    yield 'gen';
  } finally {
    log('gen cleanup throws');
    throw new Error('gen close error');
  }
}
try {
  for (const x of iterable('object')) {
    log('body', x);
    throw new Error('body error');
  }
} catch (e) {
  log('caught', e.message);
}
try {
  for (const x of gen()) {
    log('body', x);
    throw new Error('body error');
  }
} catch (e) {
  log('caught', e.message);
}
try {
  for (const x of iterable('break')) {
    log('body', x);
    break;
  }
  log('not reached');
} catch (e) {
  log('caught', e.message);
}
try {
  for (const x of gen()) {
    log('body', x);
    break;
  }
  log('not reached');
} catch (e) {
  log('caught', e.message);
}
