'use strict';
// Reads the library's result records (tgauth_record.h) into plain objects named as Telegram names fields.
//
// A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
// optional fields are present; the values follow the schema's field order (FIELDS, generated from
// schema/results.json), the same walk the library's writer makes.
//
// Real data comes in few shapes, and building the result is most of a validation's cost in JavaScript. So,
// as the Python binding does, the first record of each shape is walked once (`walk`), and the walk is
// written out as one function returning an object literal with fixed positions (`describe` shows it): a
// record of a known shape is read by one call, into an object of one hidden class. make bench-node prints
// both readers.
const { FIELDS, EXTRAS, MARKS } = require('./_results');

const DASH = 45, ONE = 49;  // '-' (a flag absent) and '1' (present, or true)

/** Walks object `name`'s fields from the cursor's shape byte `s` and value `at`, returning the members of
 *  its object literal as source lines. `keep` names the fields a flattened object carries (the others are
 *  walked over but not written), or is null. */
function walk(name, shape, cursor, keep) {
  const members = [];
  for (const [field, kind, required, flatten] of FIELDS[name]) {
    const stored = keep === null || keep.includes(field);
    if (kind === 'bool') {
      const flag = shape.charCodeAt(cursor.s++);
      if (flag !== DASH && stored) members.push(`${JSON.stringify(field)}: ${flag === ONE}`);
    } else if (kind === 'string' || kind === 'int' || kind === 'number') {
      if (required || shape.charCodeAt(cursor.s++) === ONE) {
        if (stored) members.push(`${JSON.stringify(field)}: ${kind === 'string' ? `p[${cursor.at}]` : `+p[${cursor.at}]`}`);
        cursor.at++;
      }
    } else if (flatten !== null) {  // the widget's user: its fields are the result's own
      members.push(...walk(kind, shape, cursor, flatten));
    } else if (shape[cursor.s] === '0') {
      cursor.s++;
    } else {
      const mark = shape[cursor.s++];
      members.push(`${JSON.stringify(field)}: { ${walk(MARKS[mark], shape, cursor, null).join(', ')} }`);
    }
  }
  return members;
}

/** The source of the reader of records of `shape` (a function of the record's parts `p`). */
function describe(shape) {
  const name = MARKS[shape[0]];
  if (name === undefined) throw new Error(`tgauth: unknown record shape ${JSON.stringify(shape)}`);
  const cursor = { s: 1, at: 1 };
  const members = walk(name, shape, cursor, null);
  if (cursor.s !== shape.length) throw new Error(`tgauth: record shape ${JSON.stringify(shape)} does not fit ${name}`);
  if (EXTRAS.has(name)) members.push(`extras: extras(p, ${cursor.at})`);
  return `return { ${members.join(', ')} };`;
}

/** The unknown fields, key and value from part `at` on. */
function extras(p, at) {
  const found = {};
  for (let i = at; i + 1 < p.length; i += 2) found[p[i]] = p[i + 1];
  return found;
}

const readers = new Map();

/** The result a record (without its last NUL) holds. */
function read(record) {
  const parts = record.split('\0');
  let reader = readers.get(parts[0]);
  if (reader === undefined) {
    reader = new Function('p', 'extras', describe(parts[0]));
    if (readers.size < 1024) readers.set(parts[0], reader);
  }
  return reader(parts, extras);
}

module.exports = { read, describe };
