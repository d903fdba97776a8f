'use strict';
// Reads the library's result records (tgauth_record.h) into plain objects named as Telegram names fields.
//
// A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
// optional fields are present; the values follow the schema's field order (FIELDS, generated from
// schema/results.json), the same walk the library's writer makes.
const { FIELDS, EXTRAS, MARKS } = require('./_results');

/** Walks object `name`'s fields from shape[s] and part `at` into `target`; returns the next [s, at]. `keep`
 *  names the fields a flattened object carries: the others are walked over but not stored. */
function walk(name, target, shape, parts, s, at, keep) {
  for (const [field, kind, required, flatten] of FIELDS[name]) {
    const stored = keep === null || keep.includes(field);
    if (kind === 'bool') {
      const flag = shape.charCodeAt(s++);
      if (flag !== 45 /* - */ && stored) target[field] = flag === 49; /* 1 */
    } else if (kind === 'int' || kind === 'string' || kind === 'number') {
      const present = required || shape.charCodeAt(s++) === 49;
      if (present) {
        if (stored) target[field] = kind === 'string' ? parts[at] : Number(parts[at]);
        at++;
      }
    } else if (flatten !== null) {  // the widget's user: its fields are the result's own
      [s, at] = walk(kind, target, shape, parts, s, at, flatten);
    } else if (shape[s] === '0') {
      s++;
    } else {
      const nested = {};
      [s, at] = walk(MARKS[shape[s]], nested, shape, parts, s + 1, at, null);
      target[field] = nested;
    }
  }
  return [s, at];
}

/** The result a record (without its last NUL) holds. */
function read(record) {
  const parts = record.split('\0');
  const shape = parts[0];
  const name = MARKS[shape[0]];
  if (name === undefined) throw new Error(`tgauth: unknown record shape ${JSON.stringify(shape)}`);
  const result = {};
  const [, at] = walk(name, result, shape, parts, 1, 1, null);
  if (EXTRAS.has(name)) {
    const extras = {};
    for (let i = at; i + 1 < parts.length; i += 2) extras[parts[i]] = parts[i + 1];
    result.extras = extras;
  }
  return result;
}

module.exports = { read };
