// The four combinators over one shared array of inputs (the *_array forms).
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
const records = (rs) => rs.map((r) => (r.status === "fulfilled" ? "ok:" + String(r.value) : "err:" + String(r.reason))).join(",");
const aggregate = (name) => (e) => console.log(name, e.constructor.name, "[" + e.errors.join(",") + "]");
const items = [1, Promise.resolve(2), later(5, 3)];
Promise.all(items).then(log("all"));
Promise.allSettled(items).then((rs) => console.log("allSettled", records(rs)));
Promise.race(items).then(log("race"));
Promise.any(items).then(log("any"));
const bad = [Promise.reject(4), laterFail(10, 5)];
Promise.all(bad).catch(log("all-bad"));
Promise.allSettled(bad).then((rs) => console.log("allSettled-bad", records(rs)));
Promise.race(bad).catch(log("race-bad"));
Promise.any(bad).catch(aggregate("any-bad"));
witness(3);
