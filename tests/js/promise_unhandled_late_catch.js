// A rejection handled later in the same microtask checkpoint is not
// reported: the loop goes on.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const p = Promise.reject(1);
Promise.resolve().then(() => p.catch(log("caught")));
setTimeout(() => console.log("timer"), 5);
