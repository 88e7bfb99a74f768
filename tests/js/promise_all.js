// Promise.all: values in input order once all fulfil (plain values,
// resolved, later and thenable inputs), the first rejection otherwise;
// all([]) fulfils at once.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
const thenable = (name, body) => ({ then(res, rej) { console.log("then", name); body(res, rej); } });
Promise.all([1, Promise.resolve(2), later(5, 3), thenable("sync", (res) => res(1))]).then(log("all"));
Promise.all([later(20, 4), Promise.reject(5), Promise.reject(6)]).catch(log("all-rejected"));
Promise.all([Promise.resolve(7), 8]).then(log("all-quick"));
Promise.all([]).then((v) => console.log("all-empty", v.length));
witness(5);
