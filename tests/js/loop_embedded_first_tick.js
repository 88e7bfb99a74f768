// Microtasks queued by the main program run before any timer, even one
// already due when the loop starts.
const log = (s) => console.log(s);
setTimeout(() => log('timer'), 1);
queueMicrotask(() => log('microtask'));
Promise.resolve().then(() => log('reaction'));
const end = performance.now() + 5;
while (performance.now() < end);
