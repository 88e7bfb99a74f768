// Thenables: then() is called in a job of its own; it may settle its
// resolver at once, later, twice (the first wins), reject first, or resolve
// it with a promise.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const thenable = (name, body) => ({ then(res, rej) { console.log("then", name); body(res, rej); } });
let laterRes;
Promise.resolve(thenable("sync", (res) => res(1))).then(log("sync"));
Promise.resolve(thenable("later", (res) => { laterRes = res; })).then(log("later"));
Promise.resolve(thenable("twice", (res) => { res(3); res(4); })).then(log("twice"));
Promise.resolve(thenable("reject-first", (res, rej) => { rej(5); res(6); })).then(log("rf"), log("rf-err"));
Promise.resolve(thenable("promise", (res) => res(Promise.resolve(7)))).then(log("promise"));
Promise.resolve().then(() => thenable("sync", (res) => res(1))).then(log("returned"));
witness(7, 3, () => laterRes(2));
