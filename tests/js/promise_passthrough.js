// then() without handlers passes values and reasons through (one tick per
// link); then on a plain value behaves as Promise.resolve(value).then.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
Promise.resolve(1).then().then(log("ok-through"));
Promise.reject(2).then().then(undefined, log("err-through"));
Promise.reject(3).then(log("never")).catch(log("caught"));
Promise.resolve(4).catch(log("never")).then(log("ok-after-catch"));
Promise.resolve(5).then(log("non-promise"));
witness(4);
