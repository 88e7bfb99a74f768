// A thenable whose then() resolves with the very promise that adopts it: a
// TypeError (chaining cycle), as for a promise resolved with itself.
const thenable = (name, body) => ({ then(res, rej) { console.log("then", name); body(res, rej); } });
const target = Promise.resolve(thenable("target", (res) => res(target)));
target.catch((e) => console.log("self", e.constructor.name));
