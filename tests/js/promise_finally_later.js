// finally returning a promise that settles later: the outcome waits for it.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
Promise.resolve(1).finally(() => { console.log("fin-ok"); return later(5, 10); }).then(log("after-ok"));
Promise.reject(2).finally(() => { console.log("fin-err"); return later(20, 20); }).catch(log("after-err"));
witness(3);
