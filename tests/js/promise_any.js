// Promise.any: the first fulfilment; if all reject, an AggregateError with
// the reasons in input order; any([]) rejects at once with no reasons.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
const aggregate = (name) => (e) => console.log(name, e.constructor.name, "[" + e.errors.join(",") + "]");
Promise.any([Promise.reject(1), later(5, 2), laterFail(10, 3)]).then(log("any"));
Promise.any([Promise.reject(4), laterFail(15, 5)]).catch(aggregate("any-rejected"));
Promise.any([]).catch(aggregate("any-empty"));
Promise.any([Promise.reject(7), Promise.resolve(6)]).then(log("any-quick"));
witness(3);
