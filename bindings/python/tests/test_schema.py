"""Walks schema/results.json and checks that every declared field reaches the surfaces outside Swift: the
record and the Python dataclasses (validate), each C accessor (called by its derived name through ctypes),
and the CLI's JSON. The Swift suite's SchemaTests does the same for the Swift views and JSON output.

Every suite gives a field the same value: ints 100 + its index, numbers the index + 0.25, strings naming the field (with a space and a
non-ASCII letter), flags true, objects every field of theirs.
"""
import ctypes
import json
import os
import subprocess

import tgauth
from tgauth import _ffi

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
with open(os.path.join(ROOT, "schema", "results.json")) as f:
    OBJECTS = {o["name"]: o for o in json.load(f)["objects"]}
TOKEN = "123456:schema-test-token"
NOW = 200


def value(obj, index, field):
    if field["type"] == "int":
        return 100 + index
    if field["type"] == "string":
        return f"{obj}.{field['name']} ü"
    if field["type"] == "bool":
        return True
    if field["type"] == "number":
        return index + 0.25
    return full(field["type"])


def full(name):
    return {f["name"]: value(name, i, f) for i, f in enumerate(OBJECTS[name]["fields"])}


def top_fields(name):
    """The query-string fields of a top-level result (a flattened object's fields at the top level)."""
    out = {}
    for i, f in enumerate(OBJECTS[name]["fields"]):
        if f["name"] == "hash":
            continue
        if f.get("flatten"):
            nested = OBJECTS[f["type"]]["fields"]
            for n in f["flatten"]:
                k = next(j for j, g in enumerate(nested) if g["name"] == n)
                out[n] = value(f["type"], k, nested[k])
        else:
            out[f["name"]] = value(name, i, f)
    return out


def text(v):
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def signed_init_data():
    fields = {k: text(v) for k, v in top_fields("InitData").items() if k != "auth_date"}
    return tgauth.sign_init_data(TOKEN, fields, 100)


def expected_init_data(data):
    want = full("InitData")
    want["hash"] = data.hash  # the signer's
    return want


def as_dict(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return {k: as_dict(getattr(obj, k)) for k in obj.__dataclass_fields__ if k != "extras"}
    return obj


def test_every_init_data_field_reaches_python_through_the_record():
    data = tgauth.MiniAppValidator(TOKEN).validate(signed_init_data(), max_age=0, now=NOW)
    assert len(data.hash) == 64
    assert as_dict(data) == expected_init_data(data)
    assert data.extras == {}


def test_every_widget_field_reaches_python_through_the_record():
    fields = {k: text(v) for k, v in top_fields("WidgetUser").items() if k != "auth_date"}
    signed = tgauth.sign_widget(TOKEN, fields, 100)
    user = tgauth.LoginWidgetVerifier(TOKEN).verify(signed, max_age=0, now=NOW)
    assert as_dict(user) == top_fields("WidgetUser")


# ---- C accessors, by the names the schema implies ------------------------------------------------------

lib = _ffi.lib


def c_accessor(obj, field):
    fn = getattr(lib, f"tgauth_{OBJECTS[obj]['c']}_{field['name']}")
    fn.argtypes = [ctypes.c_void_p] + ([ctypes.POINTER(ctypes.c_size_t)] if field["type"] == "string" else [])
    if field["type"] == "int" and not field.get("required"):
        fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64)]
    if field["type"] == "number":
        fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_double)]
    fn.restype = {"int": ctypes.c_int64 if field.get("required") else ctypes.c_int, "string": ctypes.c_void_p,
                  "bool": ctypes.c_int, "number": ctypes.c_int}.get(field["type"], ctypes.c_void_p)
    return fn


def read_c(obj, handle):
    """Every field of `obj` read through its C accessors, as a dict."""
    out = {}
    for f in OBJECTS[obj]["fields"]:
        fn = c_accessor(obj, f)
        if f["type"] == "string":
            n = ctypes.c_size_t()
            p = fn(handle, ctypes.byref(n))
            out[f["name"]] = None if p is None else ctypes.string_at(p, n.value).decode()
        elif f["type"] == "int" and not f.get("required"):
            v = ctypes.c_int64()
            out[f["name"]] = v.value if fn(handle, ctypes.byref(v)) == 1 else None
        elif f["type"] == "int":
            out[f["name"]] = fn(handle)
        elif f["type"] == "number":
            d = ctypes.c_double()
            out[f["name"]] = d.value if fn(handle, ctypes.byref(d)) == 1 else None
        elif f["type"] == "bool":
            out[f["name"]] = {1: True, 0: False, -1: None}[fn(handle)]
        else:
            view = fn(handle)
            out[f["name"]] = None if view is None else read_c(f["type"], view)
    return out


def free(*objects):
    """Frees library objects, each given as (the name of its _free function, its pointer)."""
    for name, ptr in objects:
        fn = getattr(lib, name)
        fn.argtypes = [ctypes.c_void_p]
        fn(ptr)


def test_every_init_data_field_reaches_its_c_accessor():
    raw = signed_init_data().encode()
    validator, data, err = ctypes.c_void_p(), ctypes.c_void_p(), _ffi.Error()
    assert lib.tgauth_mini_app_new(ctypes.byref(validator), None, TOKEN.encode(), len(TOKEN)) == 0
    check = _ffi.Check(0, 60, NOW, 16384)
    lib.tgauth_mini_app_validate.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                             ctypes.c_size_t, ctypes.c_void_p]
    code = lib.tgauth_mini_app_validate(validator, ctypes.byref(data), ctypes.byref(err), raw, len(raw), ctypes.byref(check))
    assert code == 0, err.message
    try:
        got = read_c("InitData", data)
        want = full("InitData")
        want["hash"] = got["hash"]
        assert len(got["hash"]) == 64
        assert got == want
    finally:
        free(("tgauth_init_data_free", data), ("tgauth_mini_app_free", validator))


# ---- the CLI -----------------------------------------------------------------------------------------

CLI = os.environ.get("TGAUTH_CLI") or os.path.join(ROOT, "build", "bin", "tgauth")


def test_every_init_data_field_reaches_the_cli_json():
    assert os.path.exists(CLI), f"no CLI at {CLI} (make test-python builds it)"
    run = subprocess.run([CLI, "verify", "init-data", "--bot-token", TOKEN, "--max-age", "0", "--now", str(NOW)],
                         input=signed_init_data(), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    want = full("InitData")
    want["hash"] = got["hash"]
    assert got == want


# ---- the tables shared across languages ---------------------------------------------------------------

def test_status_codes_agree_between_the_header_the_library_and_python():
    """Every TGAUTH_E_* of the header is the code the library gives its kind, and Python has an exception
    for each kind that is a verdict (the argument kinds raise ValueError)."""
    import re

    from tgauth import _errors

    with open(os.path.join(ROOT, "include", "tgauth_verify.h")) as f:
        header = dict((name.lower(), int(code)) for name, code in re.findall(r"#define TGAUTH_E_(\w+) (\d+)", f.read()))
    assert header and set(header.values()) == set(range(1, len(header) + 1))
    assert {kind: code for code, kind in _ffi.KINDS.items()} == header
    for kind in header:
        exc = _errors.error_for(header[kind], "f", "message")
        if kind in ("invalid_argument", "buffer_too_small"):
            assert type(exc) is ValueError
        else:
            assert exc.kind == kind and exc.field == "f"


# ---- the id_token (signed here with the test keys of test_oidc.py) -------------------------------------

def id_token_claims():
    claims = full("IDToken")
    claims.update(iss="https://oauth.telegram.org", aud="7342037359")
    return claims


def test_every_id_token_claim_reaches_python_the_c_accessors_and_the_cli(tmp_path):
    from test_oidc import JWKS, token
    from tgauth.oidc import TelegramOIDC

    signed = token("EdDSA", id_token_claims())
    t = TelegramOIDC(7342037359, jwks=JWKS).verify_id_token(signed, now=110)
    assert as_dict(t) == full("IDToken")
    assert t.extras == {"iss": "https://oauth.telegram.org", "aud": "7342037359"}

    verifier, handle, err = ctypes.c_void_p(), ctypes.c_void_p(), _ffi.Error()
    assert lib.tgauth_oidc_new(ctypes.byref(verifier), None, b"7342037359", 10, JWKS.encode(), len(JWKS), None) == 0
    check = _ffi.Check(0, 60, 110, 1 << 20)
    lib.tgauth_oidc_verify_token.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                             ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    raw = signed.encode()
    code = lib.tgauth_oidc_verify_token(verifier, ctypes.byref(handle), ctypes.byref(err), raw, len(raw), None, 0,
                                        ctypes.byref(check))
    assert code == 0, err.message
    try:
        assert read_c("IDToken", handle) == full("IDToken")
        lib.tgauth_id_token_claims.restype = ctypes.c_char_p
        lib.tgauth_id_token_claims.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        assert json.loads(lib.tgauth_id_token_claims(handle, None)) == id_token_claims()
    finally:
        free(("tgauth_id_token_free", handle), ("tgauth_oidc_free", verifier))

    keys = tmp_path / "jwks.json"
    keys.write_text(JWKS)
    run = subprocess.run([CLI, "verify", "id-token", "--client-id", "7342037359", "--jwks", str(keys), "--now", "110"],
                         input=signed, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == id_token_claims()


def test_every_gateway_report_field_reaches_python_the_c_accessors_and_the_cli(tmp_path):
    import hashlib
    import hmac

    token, stamp = "gw-schema-test-token", "1733200100"
    body = json.dumps(full("GatewayReport")).encode()
    mac = hmac.new(hashlib.sha256(token.encode()).digest(), stamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    report = tgauth.GatewayReportVerifier(token).verify(body, timestamp=stamp, signature=mac, now=1733200100)
    assert as_dict(report) == full("GatewayReport")

    gateway, handle, err = ctypes.c_void_p(), ctypes.c_void_p(), _ffi.Error()
    lib.tgauth_gateway_new.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int64]
    assert lib.tgauth_gateway_new(ctypes.byref(gateway), None, token.encode(), len(token), -1) == 0
    lib.tgauth_gateway_report_verify.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
                                                 ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                                 ctypes.c_size_t, ctypes.c_int64]
    code = lib.tgauth_gateway_report_verify(gateway, ctypes.byref(handle), ctypes.byref(err), body, len(body),
                                            stamp.encode(), len(stamp), mac.encode(), len(mac), 1733200100)
    assert code == 0, err.message
    try:
        assert read_c("GatewayReport", handle) == full("GatewayReport")
    finally:
        free(("tgauth_gateway_report_free", handle), ("tgauth_gateway_free", gateway))

    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    run = subprocess.run([CLI, "verify", "gateway-report", "--token-file", str(token_file), "--timestamp", stamp,
                          "--signature", mac, "--now", "1733200100"], input=body, capture_output=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == full("GatewayReport")
