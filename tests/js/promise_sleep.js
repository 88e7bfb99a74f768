// sleep (setTimeout) and immediate (setImmediate) as promises: timers due
// in order, equal delays in start order, fulfilled with undefined.
const log = (name) => (v) => { console.log(name, String(v)); return v; };
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const immediate = () => new Promise((res) => setImmediate(res));
sleep(20).then(log("s20"));
sleep(5).then(log("s5a"));
sleep(5).then(log("s5b"));
sleep(0).then(log("s0"));
async function main() {
  console.log("main", String(await immediate()));
  console.log("main", String(await sleep(1)));
  console.log("main", String(await immediate()));
}
sleep(30).then(main).then(() => console.log("main done"));
