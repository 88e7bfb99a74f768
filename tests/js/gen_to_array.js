// Spread ([...iterable]) over a generator, over an array, over an empty
// generator, and over a generator that throws part-way.
const log = (...a) => console.log(...a);
function* letters() {
  yield 'a';
  yield 'b';
  yield 'c';
  return 'not included';
}
function* empty() {}
function* broken() {
  yield 1;
  throw new Error('broken');
}
const show = (label, arr) => log(label, arr.length, arr.join(','));
show('generator', [...letters()]);
show('array', [...[1, 2, 3]]);
show('empty', [...empty()]);
try {
  [...broken()];
} catch (e) {
  log('broken threw', e.message);
}
