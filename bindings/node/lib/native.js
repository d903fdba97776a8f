'use strict';
// Finds the addon (and through it libtgauth) and checks, once, that it reads records as this package does.
const fs = require('node:fs');
const path = require('node:path');
const { RECORD_FINGERPRINT } = require('./_results');

const ROOT = path.join(__dirname, '..');

/** Where to look, in order: TGAUTH_NODE_ADDON, the package's prebuild, a build in the source tree. */
function candidates() {
  const places = [];
  if (process.env.TGAUTH_NODE_ADDON) places.push(['TGAUTH_NODE_ADDON', process.env.TGAUTH_NODE_ADDON]);
  places.push(['prebuild', path.join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'tgauth.node')]);
  places.push(['source build', path.join(ROOT, '..', '..', 'build', 'node', 'tgauth.node')]);
  return places;
}

function load() {
  const tried = [];
  for (const [how, file] of candidates()) {
    if (!fs.existsSync(file)) {
      tried.push(`${how}: ${file}: not found`);
      if (how === 'TGAUTH_NODE_ADDON') break;
      continue;
    }
    const addon = require(file);
    // records are read by position: a library of another layout would be misread, so it is refused
    const layout = addon.recordFingerprint();
    if (layout === RECORD_FINGERPRINT) return addon;
    tried.push(`${how}: ${file}: record layout ${layout}, this package reads layout ${RECORD_FINGERPRINT}`);
    if (how === 'TGAUTH_NODE_ADDON') break;
  }
  throw new Error(`tgauth: cannot load the native addon. Looked in:\n  - ${tried.join('\n  - ')}\n` +
    'Install the package from its tarball (npm install tgauth-<version>.tgz), or build it (make node).');
}

module.exports = load();
