#!/usr/bin/env bash
# Recompiles DemoToken.sol into DemoToken.runtime.hex with the npm `solc` package (solc-js).
# The build never runs this: the hex file is committed. Needs Node.js and npm.
#   usage: executor/contracts/compile.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm install --silent --no-audit --no-fund solc@0.8.28 >/dev/null
cat > compile.js <<'JS'
const solc = require('solc');
const fs = require('fs');
const [source, out] = process.argv.slice(2);
const input = {
  language: 'Solidity',
  sources: { 'DemoToken.sol': { content: fs.readFileSync(source, 'utf8') } },
  settings: {
    evmVersion: 'shanghai',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { DemoToken: ['evm.deployedBytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length) { console.error(errors.map((e) => e.formattedMessage).join('\n')); process.exit(1); }
const code = output.contracts['DemoToken.sol'].DemoToken.evm.deployedBytecode.object;
fs.writeFileSync(out, code + '\n');
console.log(`DemoToken runtime: ${code.length / 2} bytes, solc ${solc.version()}`);
JS
node compile.js "$here/DemoToken.sol" "$here/DemoToken.runtime.hex"
