'use strict';
// Run from an empty project where the npm tarball was installed offline: the public vectors verify through
// the installed package, and every shared library loading it brought in comes from inside the package
// (glibc and the C++ runtime, which Node itself had loaded, aside).
const fs = require('node:fs');
const path = require('node:path');

const libraries = () => new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\n')
  .map((line) => line.split(/\s+/)[5]).filter((file) => file && file.includes('.so')));

const before = libraries();
const tgauth = require('tgauth');
const vectors = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let checked = 0;
for (const v of vectors.mini_app_hmac) {
  const data = new tgauth.MiniAppValidator(v.bot_token).validate(v.init_data, { maxAge: 0 });
  if (data.auth_date !== v.expect.auth_date || data.user.id !== v.expect['user.id']) throw new Error(`${v.name}: wrong result`);
  checked++;
}
for (const v of vectors.third_party_ed25519.filter((v) => v.environment)) {
  new tgauth.ThirdPartyValidator(v.bot_id, { environment: v.environment }).validate(v.init_data, { maxAge: 0 });
  checked++;
}
for (const v of vectors.login_widget) {
  new tgauth.LoginWidgetVerifier(v.bot_token).verify(v.query, { maxAge: 0 });
  checked++;
}
const home = fs.realpathSync(path.dirname(require.resolve('tgauth/package.json')));
// glibc's own libraries (Debian's libc6) are the system's, as scripts/make-npm.sh leaves them
const glibc = /^(libc|libm|libdl|libpthread|librt|libresolv|libutil|libnsl|libanl|libnss_\w+|ld-linux-x86-64)\.so/;
const outside = [...libraries()].filter((file) => !before.has(file) && !file.startsWith(home + path.sep) && !glibc.test(path.basename(file)));
if (outside.length) throw new Error(`loaded from outside the package: ${outside.join(', ')}`);
const inside = [...libraries()].filter((file) => file.startsWith(home + path.sep));
console.log(`npm package: ${checked} vectors verify; ${inside.length} libraries loaded, all from ${home}`);
console.log(`${checked} passed, 0 failed`);
