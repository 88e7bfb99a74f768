// Resolving a promise with a fulfilled, a pending and a rejected promise:
// adoption takes two ticks after the adopted promise settles.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
let resolvePend;
const pend = new Promise((res) => { resolvePend = res; });
const fulfilled = Promise.resolve(1);
const rejected = Promise.reject(2);
new Promise((res) => res(fulfilled)).then(log("by-fulfilled"));
new Promise((res) => res(pend)).then(log("by-pending"));
new Promise((res) => res(rejected)).catch(log("by-rejected"));
Promise.resolve(4).then(log("plain"));
witness(7, 2, () => resolvePend(3));
