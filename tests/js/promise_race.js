// Promise.race: settles like the first input to settle; race([]) stays
// pending for ever.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const witness = (n, at, action) => { let p = Promise.resolve(); for (let i = 1; i <= n; i++) p = p.then(() => { console.log("w" + i); if (i === at) action(); }); };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const later = (ms, v) => sleep(ms).then(() => { console.log("timer", v); return v; });
const laterFail = (ms, v) => sleep(ms).then(() => { console.log("timer", v); throw v; });
Promise.race([later(20, 1), later(5, 2)]).then(log("race-timers"));
Promise.race([later(10, 3), Promise.reject(4)]).catch(log("race-rejected"));
Promise.race([5, Promise.resolve(6)]).then(log("race-plain"));
Promise.race([]).then(log("race-empty"));
setTimeout(() => console.log("end"), 30);
witness(3);
