// A hook for unhandled rejections (process.on("unhandledRejection")) is
// called after the checkpoint, in rejection order, and the loop goes on.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
process.on("unhandledRejection", (reason) => console.log("unhandled", String(reason)));
Promise.reject(1);
const p = Promise.reject(2);
setTimeout(() => { console.log("timer"); p.catch(log("late-catch")); }, 5);
witness(2);
