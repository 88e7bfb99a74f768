#!/bin/sh
# The README's first C block must compile as-is and run: extract it, build it
# against this build's library, run it, and check what it prints.
# usage: readme_quickstart.sh SOURCE_DIR BUILD_DIR CC [EXTRA_CFLAGS]
set -eu
src=$1 build=$2 cc=${3:-cc} extra=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on=1; next} on && /^```$/ {exit} on {print}' "$src/README.md" > "$tmp/hello.c"
[ -s "$tmp/hello.c" ] || { echo "no C block in README.md"; exit 1; }
"$cc" $extra -std=gnu11 -Wall -Wextra -Werror -I"$src/include" "$tmp/hello.c" \
    "$build/libtide.a" $(pkg-config --libs libuv) -lm -lpthread -o "$tmp/hello"
out=$("$tmp/hello")
[ "$out" = "hello, world" ] || { echo "unexpected output: $out"; exit 1; }
echo "1 passed, 0 failed"
