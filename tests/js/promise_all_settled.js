// Promise.allSettled: a record per input, in input order, once all settle.
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
const thenable = (name, body) => ({ then(res, rej) { console.log("then", name); body(res, rej); } });
const records = (rs) => rs.map((r) => (r.status === "fulfilled" ? "ok:" + String(r.value) : "err:" + String(r.reason))).join(",");
Promise.allSettled([1, Promise.reject(2), later(5, 3), laterFail(10, 4), thenable("sync", (res) => res(1))])
  .then((rs) => console.log("allSettled", records(rs)));
Promise.allSettled([Promise.resolve(5)]).then((rs) => console.log("allSettled-quick", records(rs)));
Promise.allSettled([]).then((rs) => console.log("allSettled-empty", rs.length));
witness(4);
