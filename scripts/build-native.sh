#!/usr/bin/env bash
# Builds the syscall addon (src/sys/native) with the node-gyp that ships with npm, outside
# the source tree (build/native/), and installs it where the compiled TypeScript loads it:
# dist/native/sys.node. npm 11 blocks dependency install scripts here, which is why lading
# builds its own tiny addon instead of relying on an ffi package.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_GYP="${NODE_GYP:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js}"
[ -f "$NODE_GYP" ] || NODE_GYP=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
NODEDIR="${NODEDIR:-/usr}"

work=build/native
mkdir -p "$work" dist/native
cp src/sys/native/binding.gyp src/sys/native/*.c src/sys/native/*.h "$work/"
(cd "$work" && node "$NODE_GYP" rebuild --nodedir="$NODEDIR" --loglevel=warn >/dev/null)
cp "$work/build/Release/sys.node" dist/native/sys.node.tmp
mv -f dist/native/sys.node.tmp dist/native/sys.node
echo "built dist/native/sys.node"
