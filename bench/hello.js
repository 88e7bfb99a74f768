// bench hello — the Node twin of hello.c, timed from outside by bench/run.
setTimeout(() => console.log('hi'), 0);
