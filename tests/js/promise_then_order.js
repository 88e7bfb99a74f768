// Reactions on a fulfilled and on a pending promise run in registration
// order, one tick per link of a chain, interleaved with a witness chain.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
witness(4);
const a = Promise.resolve(1);
let resolveB;
const b = new Promise((res) => { resolveB = res; });
b.then(log("b1"));
a.then(log("a1")).then(log("a1.2")).then(log("a1.3"));
a.then(log("a2"));
b.then(log("b2")).then(log("b2.2"));
resolveB(2);
a.then(log("a3"));
console.log("sync end");
