"""make bench (Python): tgauth beside telegram-webapp-auth, telegram-init-data and aiogram, in one process, on the
same signed data (about 580-byte initData with realistic fields; widget data as a dict). Prints figures and
ratios; never fails on timing."""
import hashlib
import hmac
import json
import os
import sys
import time
from datetime import timedelta
from urllib.parse import quote, urlencode

import tgauth

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"  # a fixture token, not a live bot
NOW = int(time.time())


def init_data(i):
    user = {"id": 279058397 + i, "first_name": "Vladislav", "last_name": "Kibenko", "username": f"user{i}",
            "language_code": "ru", "is_premium": True, "allows_write_to_pm": True,
            "photo_url": f"https://t.me/i/userpic/320/abc{i}.svg"}
    fields = {"query_id": f"AAHdF6IQAAAAAN0XohDhrOrc{i}",
              "user": json.dumps(user, separators=(",", ":")).replace("/", "\\/"),
              "chat_instance": str(-3788475317572404878 + i), "chat_type": "private", "signature": "x" * 86}
    return tgauth.sign_init_data(TOKEN, fields, NOW)


def widget(i):
    return tgauth.sign_widget(TOKEN, {"id": str(279058397 + i), "first_name": "Vladislav", "last_name": "Kibenko",
                                      "username": f"user{i}", "photo_url": f"https://t.me/i/userpic/320/abc{i}.jpg"}, NOW)


inits = [init_data(i) for i in range(1000)]
widgets = [widget(i) for i in range(1000)]


def bench(fn, data):
    for x in data[:200]:
        fn(x)
    runs = []
    for _ in range(5):
        start = time.perf_counter_ns()
        n = 0
        while n < N // 5:
            for x in data:
                fn(x)
            n += len(data)
        runs.append((time.perf_counter_ns() - start) / n / 1000)
    return sorted(runs)[2]


results = {}


def row(name, us, ours=None):
    results[name] = us
    ratio = f"   ours is {us / ours:5.1f}x faster" if ours else ""
    print(f"  {name:58s} {us:8.2f} us/op{ratio}")


print(f"Python {sys.version.split()[0]}, tgauth {tgauth.__version__} over libtgauth {tgauth.library_version()}; "
      f"median of 5 runs of {N // 5} ops")
print(f"Mini App initData ({len(inits[0])} bytes), validate with a typed result:")
v = tgauth.MiniAppValidator(TOKEN)
assert v.validate(inits[0]).user.id == 279058397
ours = bench(v.validate, inits)
row("tgauth MiniAppValidator.validate", ours)

from telegram_webapp_auth.auth import TelegramAuthenticator, generate_secret_key  # noqa: E402

a = TelegramAuthenticator(generate_secret_key(TOKEN))
row("telegram-webapp-auth TelegramAuthenticator.validate", bench(lambda s: a.validate(s, timedelta(days=1)), inits), ours)

import telegram_init_data as tid  # noqa: E402

row("telegram-init-data validate (no parse)", bench(lambda s: tid.validate(s, TOKEN), inits), ours)
row("telegram-init-data validate + parse", bench(lambda s: (tid.validate(s, TOKEN), tid.parse(s)), inits), ours)

from aiogram.utils.web_app import safe_parse_webapp_init_data  # noqa: E402

row("aiogram safe_parse_webapp_init_data", bench(lambda s: safe_parse_webapp_init_data(TOKEN, s), inits), ours)
peers = [k for k in results if k != "tgauth MiniAppValidator.validate"]
fastest = min(peers, key=results.get)
print(f"  => fastest peer: {fastest}, {results[fastest] / ours:.1f}x slower than tgauth")

# Where one validate's time goes, from the binding's private pieces (each over the same 1000 inputs). Their
# sum is what any ctypes binding that returns these frozen dataclasses pays on this interpreter.
from tgauth import _call, _ffi, _records  # noqa: E402

scratch = _call.scratch()
limits = _call.limits(tgauth.DEFAULT_MAX_AGE, None, tgauth.DEFAULT_MAX_BYTES)
raws = [s.encode() for s in inits]


def record_call(handle):
    def call(raw):
        scratch.length.value = scratch.size
        scratch.input_len.value = len(raw)
        return _ffi.mini_app_validate_record(handle, scratch.buffer, scratch.length_ref, scratch.err_ref, raw,
                                     scratch.input_len, limits.ref)
    return call


assert record_call(None)(raws[0]) == 8 and record_call(v._handle.ptr)(raws[0]) == 0  # INVALID_ARGUMENT; OK
records = []
for raw in raws:
    record_call(v._handle.ptr)(raw)
    records.append(scratch.data[: scratch.length.value - 1].decode())
print("  where the time of one validate goes (the binding's pieces, each timed alone, each with the one Python")
print("  call of the timing loop):")
parts = [bench(str.encode, inits), bench(record_call(None), raws), bench(record_call(v._handle.ptr), raws),
         bench(lambda r: scratch.data[: len(r)].decode(), records), bench(_records.read, records)]
row("  str.encode of the initData", parts[0])
row("  ctypes call, 7 arguments, NULL validator (returns at once)", parts[1])
row("  ctypes call that validates and writes the record", parts[2])
row("  the record's bytes to str", parts[3])
row("  record split into InitData + WebAppUser (dataclasses)", parts[4])
print(f"  => encode + validating call + str + build: {parts[0] + parts[2] + parts[3] + parts[4]:.2f} us "
      f"(of it, C validation about {parts[2] - parts[1]:.2f} us); the rest of validate() is argument handling")
print("Login Widget, data as a dict:")
w = tgauth.LoginWidgetVerifier(TOKEN)
assert w.verify(widgets[0]).id == 279058397
ours_w = bench(w.verify, widgets)
row("tgauth LoginWidgetVerifier.verify(dict)", ours_w)
query = [urlencode(d, quote_via=quote) for d in widgets]
row("tgauth LoginWidgetVerifier.verify(query string)", bench(w.verify, query))
from aiogram.utils.auth_widget import check_integrity  # noqa: E402

row("aiogram check_integrity", bench(lambda d: check_integrity(TOKEN, dict(d)), widgets), ours_w)

key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
payload = [s.encode() for s in inits]
row("floor: one hmac.new(...).hexdigest() in Python over the initData", bench(
    lambda b: hmac.compare_digest(hmac.new(key, b, hashlib.sha256).hexdigest(), "0" * 64), payload))

print("Third-party (Ed25519) initData, validate with a typed result:")
SEED = "c80e09dc60f5efcf2e1f8d0793358e0ea3371267bef0024588f7bf67cf48dfb9"  # the shared vectors' test key pair
PUB = "4112765021341e5415e772cd65903f6b94e3ea1c2ab669e6d3e18ee2db00da61"
third = [tgauth.sign_init_data(TOKEN, {"user": json.dumps({"id": 7 + i, "first_name": "Ann"})}, NOW,
                               ed25519_private_key=SEED, bot_id=42) for i in range(4 * tgauth.DEFAULT_CACHE_SIZE)]
t = tgauth.ThirdPartyValidator(42, public_key=PUB)
N_ED = max(N // 100, 200)
saved, N = N, N_ED
miss = bench(t.validate, third)  # cycles through 4x the cache size: every lookup misses
N = saved
row("tgauth ThirdPartyValidator.validate, cache miss (new data)", miss)
hit = bench(t.validate, third[:100])  # the same initData again, as a Mini App sends with each request
row("tgauth ThirdPartyValidator.validate, cache hit", hit)
print(f"  => a hit is {miss / hit:.0f}x faster than a miss")

print("OpenID Connect id_token (Log In With Telegram), verify with claims checked, against PyJWT on the same tokens:")

import jwt  # noqa: E402  (PyJWT)

from tgauth.oidc import TelegramOIDC  # noqa: E402


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "python"))
from oidc_simulator import ALGORITHMS, new_key, public_jwk  # noqa: E402  (keys and JWKs, from the example)

OIDC_KEYS = {alg: new_key(alg) for alg in ALGORITHMS}


claims = {"iss": "https://oauth.telegram.org", "aud": "7342037359", "sub": "opaque-sub", "id": 279058397,
          "name": "Vladislav", "preferred_username": "vdkfrost", "iat": NOW - 10, "exp": NOW + 3590}
verifier = TelegramOIDC(7342037359, jwks=json.dumps({"keys": [public_jwk(a, a, k) for a, k in OIDC_KEYS.items()]}))
saved, N = N, max(N // 40, 250)
for alg, key in OIDC_KEYS.items():
    tokens = [jwt.encode(dict(claims, jti=str(i)), key, algorithm=alg, headers={"kid": alg}) for i in range(50)]
    public = key.public_key()
    assert verifier.verify_id_token(tokens[0]).sub == "opaque-sub"
    def pyjwt(t, public=public, alg=alg):
        return jwt.decode(t, public, algorithms=[alg], audience="7342037359", issuer="https://oauth.telegram.org")

    # interleaved: 9 rounds of each side in turn, the medians of the times and of the per-round ratios (this host
    # drifts by tens of percent between back-to-back runs)
    rounds = [(bench(verifier.verify_id_token, tokens), bench(pyjwt, tokens)) for _ in range(9)]
    ours, peer = sorted(r[0] for r in rounds)[4], sorted(r[1] for r in rounds)[4]
    ratio = sorted(r[1] / r[0] for r in rounds)[4]
    row(f"tgauth TelegramOIDC.verify_id_token, {alg}", ours)
    results[f"PyJWT jwt.decode (cryptography), {alg}"] = peer
    print(f"  {'PyJWT jwt.decode (cryptography), ' + alg:58s} {peer:8.2f} us/op   ours is {ratio:5.2f}x faster (median of per-round ratios)")
N = saved
