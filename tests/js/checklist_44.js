// Checklist 44: leaving for await early by break, return or a labelled
// continue to an outer loop runs AsyncIteratorClose: return() is called once,
// with no arguments, and its result is awaited before the code after the loop
// (or the function's settlement) runs. A null `return` means absent. Mirrors
// test262 FAO/iterator-close-non-throw-get-method-is-null.js. (test262 counts
// reads of `return` through a getter: no C counterpart, a vtable slot is read
// without side effects; the calls are counted instead.)
const log = (...a) => console.log(...a);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick', i));
}
function iterable(label) {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next() {
          i++;
          return Promise.resolve({ value: i, done: false });
        },
        return(...args) {
          log(label, 'return called, arguments', args.length);
          return Promise.resolve().then(() => {
            log(label, 'return settles');
            return { value: 'ignored', done: true };
          });
        },
      };
    },
  };
}
const nullReturn = {
  [Symbol.asyncIterator]() {
    return { next() { return { value: 'n', done: false }; }, return: null };
  },
};
function* sg() {
  try {
    yield 1;
    yield 2;
  } finally {
    log('sg finally');
  }
}
async function* ag(name) {
  try {
    yield 1;
    yield 2;
  } finally {
    log(name, 'finally');
  }
}
async function viaReturn() {
  for await (const x of iterable('return')) {
    log('return body', x);
    return 'early';
  }
}
(async () => {
  witness(4);
  for await (const x of iterable('break')) {
    log('break body', x);
    break;
  }
  log('after break');
  log('function resolved', await viaReturn());
  outer: for (const round of [1, 2]) {
    for await (const x of iterable('continue ' + round)) {
      log('continue body', round, x);
      continue outer;
    }
  }
  log('after continue');
  let count = 0;
  for await (const x of nullReturn) {
    count++;
    log('null body', x);
    break;
  }
  log('after null', count);
  // A sync generator (through Async-from-Sync): its finally runs on break.
  witness(6);
  for await (const x of sg()) {
    log('sg body', x);
    break;
  }
  log('after sg');
  // A labelled break out of nested loops closes the inner iterator, then the
  // outer one, each awaited.
  witness(12);
  outer: for await (const a of ag('outer')) {
    for await (const b of ag('inner')) {
      log('nested', a, b);
      break outer;
    }
  }
  log('after nested');
})();
