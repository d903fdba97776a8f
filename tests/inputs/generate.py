#!/usr/bin/env python3
"""The input table, tests/inputs/cases.tsv, which every suite reads (Swift for the core and the CLI, C,
Python, Node, PHP): one row per class of bad input, which each surface must reject with the expected kind,
and one row per kind with every field the schema declares, which each surface must accept and read back
with the values in the row's `result` (each suite's schema walk). `make generate` writes it (scripts/generate.py
calls table()), and `make test` fails while it is stale.

Signed rows are signed here, with the standard library's hmac (independently of tgauth), so that the
input reaches the check the row is about instead of failing on its hash.

Columns: class, target, now, max_bytes, expect, input (hex), result (JSON, for an accepted row)
  target: mini_app | widget | third_party (Telegram's production key, bot 7342037359) | webhook (the
          deep-link webhook, secret "bad-input-secret") | bot_token (the input is the token) | id_token
          (Telegram's served key set, tests/vectors/telegram-oidc-jwks.json, client 7342037359)
          | jwks (the input is a key set, a NUL, then an id_token: load the set for client 7342037359 and,
          when it loads, verify the token with it) | claims (the input is an id_token's claims: sign them
          with the Ed25519 key of seed 2a2a…2a, kid "claims-1", alg EdDSA, and verify the token with that
          key alone for client 7342037359) | gateway (a Gateway report: the X-Request-Timestamp, a NUL, the
          X-Request-Signature, a NUL, the body, an empty header standing for an absent one; API token: the bot
          token above; the window the default) | deeplink (a deep-link login, confirmation off, secret
          "bad-input-secret": start a login, put its login token in place of LOGIN_TOKEN in the update, and
          hand the update to the webhook; accepted gives the user who logged in)
  expect: an error kind, "ignored:<reason>" for a webhook update that is not an error, or "accepted"
"""
import base64
import hashlib
import hmac
import json
import os
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
NOW = 1_700_000_000
DEFAULT = 16384
DEEP = 10_000
USER = '{"id":279058397,"first_name":"Vladislav","username":"vdkfrost"}'

with open(os.path.join(HERE, "..", "vectors", "telegram-vectors.json")) as f:
    REAL = json.load(f)["third_party_ed25519"][0]
REAL_DATE = int(dict(p.split("=", 1) for p in REAL["init_data"].split("&"))["auth_date"])


def dcs(fields):
    return "\n".join(f"{k}={v}" for k, v in sorted(fields))


def mini_app(fields, auth_date=str(NOW), hash_fix=lambda h: h, extra=""):
    """initData with `fields` (decoded values) and auth_date, signed with the Mini App secret."""
    fields = list(fields) + [("auth_date", auth_date)]
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    mac = hmac.new(secret, dcs(fields).encode(), hashlib.sha256).hexdigest()
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields)
    return f"{query}&hash={hash_fix(mac)}{extra}"


def widget_json(members):
    """The widget's JSON callback object, signed with SHA256(token); `members` are (key, raw JSON value)."""
    def text(raw):
        return json.loads(raw) if raw.startswith('"') else raw
    fields = [(k, str(text(v))) for k, v in members]
    mac = hmac.new(hashlib.sha256(TOKEN.encode()).digest(), dcs(fields).encode(), hashlib.sha256).hexdigest()
    return "{" + ",".join(f'"{k}":{v}' for k, v in members) + f',"hash":"{mac}"}}'


def update(text):
    return json.dumps({"update_id": 1, "message": {"message_id": 1, "from": {"id": 1, "is_bot": False, "first_name": "A"},
                                                   "chat": {"id": 1, "type": "private"}, "date": 1, "text": text}})


good = mini_app([("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"), ("user", USER)])
nested = "[" * DEEP + "]" * DEEP
rows = [
    # class, target, now, max_bytes, expect, input
    ("empty input", "mini_app", NOW, DEFAULT, "malformed", ""),
    ("empty input", "widget", NOW, DEFAULT, "malformed", ""),
    ("a lone &", "mini_app", NOW, DEFAULT, "malformed", "&"),
    ("a key without =", "mini_app", NOW, DEFAULT, "malformed", good + "&flag"),
    ("a key without =", "widget", NOW, DEFAULT, "malformed", "id=1&first_name&hash=" + "0" * 64),
    ("an empty key", "mini_app", NOW, DEFAULT, "malformed", good + "&=1"),
    ("a duplicate key", "mini_app", NOW, DEFAULT, "malformed", good + "&query_id=again"),
    ("a duplicate key", "widget", NOW, DEFAULT, "malformed", "id=1&id=2&first_name=A&auth_date=1&hash=" + "0" * 64),
    ("%zz", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=%zz", 1)),
    ("a truncated escape", "mini_app", NOW, DEFAULT, "malformed", good + "&x=%4"),
    ("invalid UTF-8 (escaped)", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=%ff%fe", 1)),
    ("invalid UTF-8 (raw byte)", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=\udcff", 1)),
    ("an embedded NUL (escaped)", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=a%00", 1)),
    ("an embedded NUL (raw byte)", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=a\0", 1)),
    # the data-check-string joins lines with \n: a line break in a value could move one field into another
    ("a line break that merges two signed fields", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("query_id", "AAHdF6IQAAAAAN0XohDhrOrc"), ("start_param", "x"), ("user", USER)]).replace("&start_param", "%0Astart_param", 1)),
    ("a line break that merges two signed fields", "widget", NOW, DEFAULT, "malformed",
     widget_json([("first_name", '"A\\nid=1"'), ("auth_date", str(NOW))])),
    ("a raw line break in a value", "mini_app", NOW, DEFAULT, "malformed", good.replace("query_id=", "query_id=a\n", 1)),
    ("'=' in a key (%3D)", "mini_app", NOW, DEFAULT, "malformed", good + "&a%3Db=c"),
    ("oversize input", "mini_app", NOW, DEFAULT, "too_large", good + "&pad=" + "a" * (DEFAULT - len(good) - 4)),
    ("oversize input", "widget", NOW, DEFAULT, "too_large", "a" * (DEFAULT + 1)),
    ("a hash of the wrong length", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", USER)], hash_fix=lambda h: h[:63])),
    ("a hash in uppercase", "mini_app", NOW, DEFAULT, "malformed", mini_app([("user", USER)], hash_fix=str.upper)),
    ("a hash of the right shape but wrong", "mini_app", NOW, DEFAULT, "bad_hash",
     mini_app([("user", USER)], hash_fix=lambda h: h[::-1])),
    ("no hash", "mini_app", NOW, DEFAULT, "missing_field", good.rsplit("&hash=", 1)[0]),
    ("a signature that is not base64url", "third_party", REAL_DATE, DEFAULT, "malformed",
     REAL["init_data"].replace("signature=zL-u", "signature=zL+u", 1)),
    ("a signature of the wrong length", "third_party", REAL_DATE, DEFAULT, "malformed",
     REAL["init_data"].replace("signature=zL-u", "signature=", 1)),
    ("a padded signature", "third_party", REAL_DATE, DEFAULT, "malformed",
     REAL["init_data"].replace("&hash=", "%3D%3D&hash=", 1)),
    ("a member given twice in user JSON", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", '{"id":1,"first_name":"A","first_name":"B"}')])),
    ("a member given twice in user JSON (once escaped)", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", '{"id":1,"i\\u0064":2,"first_name":"A"}')])),
    # found by the json fuzz target: the typed reader skipped an unknown member without the surrogate rule
    ("a lone surrogate in an unknown member of user JSON", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", '{"id":1,"first_name":"A","bio":"\\ud44d\\ude00"}')])),
    ("a NUL escape in an unknown member of user JSON", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", '{"id":1,"first_name":"A","bio":"a\\u0000b"}')])),
    ("a member given twice in chat JSON", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("chat", '{"id":1,"type":"group","title":"T","title":"U"}')])),
    ("bad JSON", "mini_app", NOW, DEFAULT, "malformed", mini_app([("user", '{"id":1,')])),
    ("bad JSON", "widget", NOW, DEFAULT, "malformed", '{"id":1,"first_name":"A",'),
    ("bad JSON", "webhook", NOW, DEFAULT, "malformed", '{"update_id":1,'),
    ("JSON nested 10,000 deep", "mini_app", NOW, 1 << 20, "malformed", mini_app([("user", nested)])),
    ("JSON nested 10,000 deep", "widget", NOW, 1 << 20, "malformed", '{"id":1,"x":' + nested + "}"),
    ("JSON nested 10,000 deep", "webhook", NOW, DEFAULT, "malformed", '{"update_id":' + nested + "}"),
    ("a number over 2^63", "mini_app", NOW, DEFAULT, "malformed",
     mini_app([("user", '{"id":9223372036854775808,"first_name":"A"}')])),
    ("a number over 2^63", "widget", NOW, DEFAULT, "malformed",
     widget_json([("id", "9223372036854775808"), ("first_name", '"A"'), ("auth_date", str(NOW))])),
    ("a negative auth_date", "mini_app", NOW, DEFAULT, "malformed", mini_app([("user", USER)], auth_date="-5")),
    ("a negative auth_date", "widget", NOW, DEFAULT, "malformed",
     widget_json([("id", "1"), ("first_name", '"A"'), ("auth_date", "-5")])),
    ("an auth_date from the future", "mini_app", NOW, DEFAULT, "future_auth_date",
     mini_app([("user", USER)], auth_date=str(NOW + 3600))),
    ("an auth_date from the future", "widget", NOW, DEFAULT, "future_auth_date",
     widget_json([("id", "1"), ("first_name", '"A"'), ("auth_date", str(NOW + 3600))])),
    ("an auth_date older than a day", "mini_app", NOW, DEFAULT, "expired",
     mini_app([("user", USER)], auth_date=str(NOW - 86401))),
    ("a bot token of the wrong shape (no secret)", "bot_token", NOW, DEFAULT, "invalid_argument", "5768337691"),
    ("a bot token of the wrong shape (trailing newline)", "bot_token", NOW, DEFAULT, "invalid_argument", TOKEN + "\n"),
    ("a bot token of the wrong shape (username)", "bot_token", NOW, DEFAULT, "invalid_argument", "@my_bot"),
    ("a login token of the wrong shape", "webhook", NOW, DEFAULT, "ignored:not_a_login", update("/start bad!token")),
    ("a login token of the wrong shape", "webhook", NOW, DEFAULT, "ignored:not_a_login", update("/start " + "A" * 65)),
]


def b64(data):
    import base64
    return base64.urlsafe_b64encode(data.encode() if isinstance(data, str) else data).rstrip(b"=").decode()


def jws(header, claims='{"iss":"https://oauth.telegram.org","aud":"7342037359","sub":"s","iat":1,"exp":2}', sig=b"\x01" * 256):
    """A compact JWS with `header` and `claims` and an arbitrary signature: every row fails before or at it."""
    return b64(header) + "." + b64(claims) + "." + b64(sig)


RSA = '{"alg":"RS256","kid":"oidc-1"}'
rows += [
    ("an id_token of two parts", "id_token", NOW, DEFAULT, "malformed", b64(RSA) + "." + b64("{}")),
    ("an id_token with alg none", "id_token", NOW, DEFAULT, "bad_signature", b64('{"alg":"none","kid":"oidc-1"}') + "." + b64("{}") + "."),
    ("an id_token with alg HS256 (the RSA key as its secret)", "id_token", NOW, DEFAULT, "bad_signature",
     jws('{"alg":"HS256","kid":"oidc-1"}', sig=b"\x02" * 32)),
    ("an id_token whose alg is not its key's", "id_token", NOW, DEFAULT, "bad_signature", jws('{"alg":"ES256","kid":"oidc-1"}')),
    ("an id_token with crit", "id_token", NOW, DEFAULT, "bad_signature", jws('{"alg":"RS256","kid":"oidc-1","crit":["exp"]}')),
    ("an id_token with an unknown kid", "id_token", NOW, DEFAULT, "unknown_key", jws('{"alg":"RS256","kid":"oidc-9"}')),
    ("an id_token whose signature does not verify", "id_token", NOW, DEFAULT, "bad_signature", jws(RSA)),
    ("an id_token with padding", "id_token", NOW, DEFAULT, "malformed", jws(RSA).replace(".", "=.", 1)),
    ("an id_token with + or / (base64, not base64url)", "id_token", NOW, DEFAULT, "malformed",
     jws(RSA, sig=b"\xfb\xff" * 128).replace("-", "+").replace("_", "/")),
    ("an id_token over 16 KiB", "id_token", NOW, DEFAULT, "too_large", jws(RSA, claims='{"x":"' + "a" * 17000 + '"}')),
    ("a member given twice in an id_token header", "id_token", NOW, DEFAULT, "malformed",
     jws('{"alg":"RS256","kid":"oidc-1","kid":"oidc-1"}')),
]

# key sets: Telegram's served RSA key with its numbers changed, each refused when the set is loaded
with open(os.path.join(HERE, "..", "vectors", "telegram-oidc-jwks.json")) as f:
    SERVED = json.load(f)["keys"]
SERVED_RSA, SERVED_EDDSA = SERVED[0], SERVED[2]
N = base64.urlsafe_b64decode(SERVED_RSA["n"] + "==")


def key_set(*keys, token=jws(RSA)):
    return json.dumps({"keys": list(keys)}) + "\0" + token


def rsa(**changes):
    return dict(SERVED_RSA, **changes)


rows += [
    ("an RSA key with e = 1 (anyone could sign)", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(e=b64(b"\x01")))),
    ("an RSA key with e = 0", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(e=b64(b"\x00")))),
    ("an RSA key with e = 2", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(e=b64(b"\x02")))),
    ("an RSA key with e = n", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(e=SERVED_RSA["n"]))),
    ("an RSA key with e above n", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(e=b64(b"\x01" + N)))),
    ("an RSA key with an even modulus", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(n=b64(N[:-1] + bytes([N[-1] & 0xFE]))))),
    ("an RSA key of 1024 bits", "jwks", NOW, DEFAULT, "invalid_argument", key_set(rsa(n=b64(N[:128])))),
    ("a key for encryption (use enc) is not used to verify", "jwks", NOW, DEFAULT, "unknown_key", key_set(rsa(use="enc"))),
    ("a key for encryption (key_ops without verify) is not used to verify", "jwks", NOW, DEFAULT, "unknown_key",
     key_set(rsa(key_ops=["encrypt"]))),
    ("a key set of 101 keys", "jwks", NOW, DEFAULT, "invalid_argument",
     key_set(*[dict(SERVED_EDDSA, kid=f"k{i}") for i in range(101)])),
    ("a kid twice in a key set", "jwks", NOW, DEFAULT, "invalid_argument", key_set(SERVED_RSA, dict(SERVED_EDDSA, kid="oidc-1"))),
]

# claims, signed by each suite with its own Ed25519 signer (the rules after the signature)
CLAIMS = {"iss": "https://oauth.telegram.org", "aud": "7342037359", "sub": "s", "iat": NOW, "exp": NOW + 3600}


def claims(**changes):
    return json.dumps({k: v for k, v in dict(CLAIMS, **changes).items() if v is not None})


rows += [
    ("an id_token not valid before a time ahead (nbf)", "claims", NOW, DEFAULT, "future_auth_date", claims(nbf=NOW + 3600)),
    ("an id_token whose nbf is not a number", "claims", NOW, DEFAULT, "bad_claim", claims(nbf="soon")),
    ("an id_token with an empty sub", "claims", NOW, DEFAULT, "bad_claim", claims(sub="")),
    ("an id_token without sub", "claims", NOW, DEFAULT, "bad_claim", claims(sub=None)),
    ("an id_token for another audience too, without azp", "claims", NOW, DEFAULT, "bad_claim", claims(aud=["7342037359", "evil"])),
    ("an id_token for another audience too, azp the other", "claims", NOW, DEFAULT, "bad_claim",
     claims(aud=["7342037359", "evil"], azp="evil")),
    ("an id_token for another audience only", "claims", NOW, DEFAULT, "bad_claim", claims(aud="evil")),
    ("an id_token expired", "claims", NOW, DEFAULT, "expired", claims(exp=NOW - 3600)),
]


# Telegram Gateway delivery reports, signed here: hex HMAC-SHA256(SHA256(token), timestamp "\n" body)
REPORT = {"request_id": "r1", "phone_number": "+15551234567", "request_cost": 0.03}


def report(body, timestamp=str(NOW), signature=None):
    mac = hmac.new(hashlib.sha256(TOKEN.encode()).digest(), f"{timestamp}\n{body}".encode("utf-8", "surrogateescape"),
                   hashlib.sha256).hexdigest()
    return f"{timestamp}\0{mac if signature is None else signature(mac)}\0{body}"


rows += [
    ("a Gateway report with another signature", "gateway", NOW, DEFAULT, "bad_signature",
     report(json.dumps(REPORT), signature=lambda m: m[:-1] + ("0" if m[-1] != "0" else "1"))),
    ("a Gateway report signed in uppercase hex", "gateway", NOW, DEFAULT, "malformed", report(json.dumps(REPORT), signature=str.upper)),
    ("a Gateway report without a signature", "gateway", NOW, DEFAULT, "missing_field", report(json.dumps(REPORT), signature=lambda m: "")),
    ("a Gateway report 301 s old", "gateway", NOW + 301, DEFAULT, "expired", report(json.dumps(REPORT))),
    ("a Gateway report 301 s ahead", "gateway", NOW - 301, DEFAULT, "future_auth_date", report(json.dumps(REPORT))),
    ("a Gateway report with a timestamp that is not digits", "gateway", NOW, DEFAULT, "malformed",
     report(json.dumps(REPORT), timestamp="1.7e9")),
    ("a Gateway report whose cost is a string", "gateway", NOW, DEFAULT, "malformed",
     report(json.dumps(dict(REPORT, request_cost="0.03")))),
    ("a Gateway report without request_id", "gateway", NOW, DEFAULT, "missing_field",
     report(json.dumps({k: v for k, v in REPORT.items() if k != "request_id"}))),
    ("a Gateway report that is not an object", "gateway", NOW, DEFAULT, "malformed", report("[1]")),
    ("a Gateway report in invalid UTF-8", "gateway", NOW, DEFAULT, "malformed", report('{"request_id":"\udcff"}')),
    ("a Gateway report with a member given twice", "gateway", NOW, DEFAULT, "malformed",
     report('{"request_id":"a","request_id":"b","phone_number":"+1","request_cost":1}')),
    ("a Gateway report nested 100 deep", "gateway", NOW, DEFAULT, "malformed", report('{"payload":' + "[" * 100 + "]" * 100 + "}")),
]


# ---- one row per kind that holds every field the schema declares ------------------------------------------
# Each suite checks that the row is accepted and that its result, read through its own surface, carries every
# field with the value below (the `result` column): this is the schema walk of every surface, so a new field
# or a new kind needs no test edited for it. Values: ints 100 + the field's index, numbers the index + 0.25,
# strings naming the field (with a space and a non-ASCII letter), flags true, objects every field of theirs.

with open(os.path.join(HERE, "..", "..", "schema", "results.json")) as f:
    OBJECTS = {o["name"]: o for o in json.load(f)["objects"]}


def value(obj, index, field):
    kind = field["type"]
    if kind == "int":
        return 100 + index
    if kind == "number":
        return index + 0.25
    if kind == "string":
        return f"{obj}.{field['name']} \u00fc"
    if kind == "bool":
        return True
    return full(kind)


def full(name):
    """Every field of object `name`, in the schema's order."""
    return {f["name"]: value(name, i, f) for i, f in enumerate(OBJECTS[name]["fields"])}


def walked(name):
    """What a surface's walk of a result gives: its fields in the schema's order, a flattened object's
    fields in its place."""
    out = {}
    for i, f in enumerate(OBJECTS[name]["fields"]):
        if f.get("flatten"):
            nested = OBJECTS[f["type"]]["fields"]
            for n in f["flatten"]:
                k = next(j for j, g in enumerate(nested) if g["name"] == n)
                out[n] = value(f["type"], k, nested[k])
        else:
            out[f["name"]] = value(name, i, f)
    return out


def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def text(v):
    """A field's value as a query string carries it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return compact(v) if isinstance(v, dict) else str(v)


EVERY = "every field"
signed_fields = [(k, text(v)) for k, v in walked("InitData").items() if k not in ("auth_date", "hash")]
init_data = mini_app(signed_fields, auth_date="100")
every_init_data = dict(walked("InitData"), hash=init_data.rsplit("hash=", 1)[1])
widget_fields = [(k, text(v)) for k, v in walked("WidgetUser").items()]
widget_mac = hmac.new(hashlib.sha256(TOKEN.encode()).digest(), dcs(widget_fields).encode(), hashlib.sha256).hexdigest()
results = {
    (EVERY, "mini_app"): (200, init_data, every_init_data),
    (EVERY, "widget"): (200, "&".join(f"{k}={quote(v, safe='')}" for k, v in widget_fields) + "&hash=" + widget_mac,
                        walked("WidgetUser")),
    (EVERY, "claims"): (101, json.dumps(dict(full("IDToken"), iss="https://oauth.telegram.org", aud="7342037359")),
                        walked("IDToken")),
    (EVERY, "gateway"): (NOW, report(compact(full("GatewayReport"))), walked("GatewayReport")),
    # a bot cannot log in, so is_bot is the one flag given as false
    (EVERY, "deeplink"): (NOW, json.dumps({"update_id": 1, "message": {
        "message_id": 1, "from": dict(full("TelegramUser"), is_bot=False), "chat": {"id": 100, "type": "private"}, "date": 1,
        "text": "/start LOGIN_TOKEN"}}, ensure_ascii=False, separators=(",", ":")), dict(walked("TelegramUser"), is_bot=False)),
}
rows += [(name, target, now, DEFAULT, "accepted", text) for (name, target), (now, text, _) in results.items()]


def raw(text):
    return text.encode("utf-8", "surrogateescape")


def table():
    """cases.tsv's text: a row is tab-separated, its input in hex, its result (for an accepted row) as JSON."""
    out = ["# class\ttarget\tnow\tmax_bytes\texpect\tinput (hex)\tresult. Generated by tests/inputs/generate.py "
           "(make generate); do not edit.\n"]
    for name, target, now, max_bytes, expect, text in rows:
        result = compact(results[name, target][2]) if expect == "accepted" else ""
        out.append(f"{name}\t{target}\t{now}\t{max_bytes}\t{expect}\t{raw(text).hex()}\t{result}\n")
    return "".join(out)


if __name__ == "__main__":
    with open(os.path.join(HERE, "cases.tsv"), "w") as f:
        f.write(table())
    print(f"{len(rows)} rows")
