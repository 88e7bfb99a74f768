// Chains that transform values, skip handlers while rejected, catch and
// rethrow: each link is one tick whether its handler runs or not.
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const inc = (name) => (v) => { console.log(name, String(v)); return v + 1; };
const rethrow = (name) => (e) => { console.log(name, String(e)); throw e; };
Promise.resolve(1).then(inc("x1")).then(inc("x2")).then(inc("x3"));
Promise.reject(10).then(inc("y1")).then(inc("y2")).catch(inc("y-catch")).then(inc("y3"));
Promise.reject(20).catch(rethrow("z1")).then(inc("z2"), inc("z2-err")).then(inc("z3"));
witness(6);
