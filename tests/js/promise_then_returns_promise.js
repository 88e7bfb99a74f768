// A then handler returning a promise: the derived promise adopts it, two
// extra ticks after it settles (fulfilled, rejected, pending, plain value).
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
let resolvePend;
const pend = new Promise((res) => { resolvePend = res; });
Promise.resolve().then(() => Promise.resolve(1)).then(log("ret-fulfilled"));
Promise.resolve().then(() => Promise.reject(2)).catch(log("ret-rejected"));
Promise.resolve().then(() => pend).then(log("ret-pending"));
Promise.resolve().then(() => 4).then(log("ret-plain"));
witness(8, 2, () => resolvePend(3));
