'use strict';
// What the Node suites share: the repository's one copy of the vectors and the input table.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const vectors = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'vectors', 'telegram-vectors.json'), 'utf8'));
const oidcKeySet = fs.readFileSync(path.join(ROOT, 'tests', 'vectors', 'telegram-oidc-jwks.json'), 'utf8');

/** The rows of tests/inputs/cases.tsv: { name, target, now, maxBytes, expect, data (a Buffer), result (an
 *  every-field row's expected result, parsed; otherwise undefined) }. */
function inputTable() {
  const lines = fs.readFileSync(path.join(ROOT, 'tests', 'inputs', 'cases.tsv'), 'utf8').split('\n');
  return lines.filter((line) => line && !line.startsWith('#')).map((line) => {
    const [name, target, now, maxBytes, expect, hex, result] = line.split('\t');
    return { name, target, now: Number(now), maxBytes: Number(maxBytes), expect, data: Buffer.from(hex, 'hex'),
             result: result ? JSON.parse(result) : undefined };
  });
}

/** The value at a dotted path ("user.id") of a result. */
function at(result, dotted) {
  return dotted.split('.').reduce((value, key) => (value === undefined ? undefined : value[key]), result);
}

module.exports = { ROOT, vectors, oidcKeySet, inputTable, at };
