// An unhandled rejection ends the process (status 1) after the microtask
// checkpoint it happened in; the pending timer never runs.
setTimeout(() => console.log("timer"), 5);
console.log("start");
Promise.reject("boom");
Promise.resolve().then(() => console.log("w1"));
