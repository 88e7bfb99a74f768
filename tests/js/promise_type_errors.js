// TypeErrors: a promise resolved with itself, a then handler returning its
// own derived promise, Promise.all over something that is not iterable.
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
let res;
const p = new Promise((r) => { res = r; });
res(p);
p.catch((e) => console.log("self", e.constructor.name));
const d = Promise.resolve(1).then(() => d);
d.catch((e) => console.log("then-self", e.constructor.name));
Promise.all(3).catch((e) => console.log("all-non-array", e.constructor.name));
witness(4);
