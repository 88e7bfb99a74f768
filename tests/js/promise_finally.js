// finally: runs on either outcome, passes the outcome through (its own
// return value ignored), a throw or a rejected promise replaces it.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
Promise.resolve(1).finally(() => { console.log("f1"); }).then(log("after-f1"));
Promise.reject(2).finally(() => { console.log("f2"); }).catch(log("after-f2"));
Promise.resolve(3).finally(() => { console.log("f3"); return 99; }).then(log("after-f3"));
Promise.resolve(4).finally(() => { console.log("f4"); throw "boom"; }).catch(log("after-f4"));
Promise.reject(5).finally(() => { console.log("f5"); return Promise.reject("bad"); }).catch(log("after-f5"));
witness(8);
