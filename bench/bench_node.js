'use strict';
// make bench-node: tgauth's Node binding on 500 signed initData samples of about 600 bytes (the fields of
// ../shared/bench/telegram_samples.py, signed here), beside tma.js when TGAUTH_PEER_TMAJS names a CommonJS
// build of it exporting validate and parse (built outside this repository). Contestants alternate, round by
// round, in one process; each figure is the median of the rounds. Prints figures; never fails on timing.
const tgauth = require('../bindings/node');

const TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';  // a fixture token, not a live bot
const NOW = Math.floor(Date.now() / 1000);
const SAMPLES = 500, ROUNDS = 9, REPEAT = 40;

const samples = Array.from({ length: SAMPLES }, (_, i) => tgauth.signInitData(TOKEN, {
  query_id: `AAHdF6IQAAAAAN0XohDhrOrc${i}`,
  user: JSON.stringify({ id: 279058397 + i, first_name: 'Vladislav', last_name: 'Kibenko', username: `user${i}`, language_code: 'ru',
    is_premium: true, allows_write_to_pm: true, photo_url: `https://t.me/i/userpic/320/abc${i}.svg` }).replaceAll('/', '\\/'),
  chat_instance: String(-3788475317572404878n + BigInt(i)), chat_type: 'private', signature: 'x'.repeat(86),
}, { authDate: NOW }));

const validator = new tgauth.MiniAppValidator(TOKEN);
const contestants = {
  'tgauth validate (typed)': (s) => validator.validate(s).user.id,
  'tgauth isValid': (s) => validator.isValid(s),
};
const peer = process.env.TGAUTH_PEER_TMAJS;
if (peer) {
  const tma = require(peer);
  contestants['tma.js validate + JSON.parse(user)'] = (s) => { tma.validate(s, TOKEN); return JSON.parse(new URLSearchParams(s).get('user')).id; };
  contestants['tma.js parse'] = (s) => tma.parse(s).user.id;
}

for (const [name, run] of Object.entries(contestants)) {  // each checks the samples once, and warms up
  for (const s of samples) if (!run(s)) throw new Error(`${name} refused a sample`);
}
const times = Object.fromEntries(Object.keys(contestants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(contestants)) {
    const repeat = name === 'tma.js parse' ? 2 : REPEAT;
    const start = process.hrtime.bigint();
    for (let r = 0; r < repeat; r++) for (let i = 0; i < SAMPLES; i++) run(samples[i]);
    times[name].push(Number(process.hrtime.bigint() - start) / (repeat * SAMPLES));
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const ours = median(times['tgauth validate (typed)']);
console.log(`== Node ${process.version}: ${SAMPLES} initData samples of ${Math.round(samples.reduce((n, s) => n + s.length, 0) / SAMPLES)} bytes, ${ROUNDS} alternating rounds`);
for (const [name, xs] of Object.entries(times)) {
  const ns = median(xs);
  console.log(`  ${name.padEnd(36)} ${(ns / 1000).toFixed(2).padStart(8)} us   ${(ns / ours).toFixed(2).padStart(6)}x tgauth's typed result`);
}
if (!peer) console.log('  (set TGAUTH_PEER_TMAJS to a CommonJS build of tma.js exporting validate and parse to measure it beside)');
