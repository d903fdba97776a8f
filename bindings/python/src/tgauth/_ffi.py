"""Finds libtgauth and declares its C functions for ctypes; nothing else.

Every other module calls the functions declared here (through `_call`, which owns the buffers and handles);
none of them touches ctypes directly. The status codes and their kinds are asked of the library, which
holds the one table of them.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
from typing import Any, Dict, List, Optional, Tuple

from ._results import RECORD_FINGERPRINT

ABI_MAJOR = 0  # the library's major version this binding speaks
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _candidates() -> List[Tuple[str, Optional[str]]]:
    """Where to look, in order: TGAUTH_LIBRARY, a copy inside the package, then the system's search path."""
    places: List[Tuple[str, Optional[str]]] = []
    env = os.environ.get("TGAUTH_LIBRARY")
    if env:
        places.append(("TGAUTH_LIBRARY", env))
    for path in sorted(glob.glob(os.path.join(_PACKAGE_DIR, "libtgauth.so*"))):
        places.append(("package copy", path))
    places.append(("ctypes.util.find_library('tgauth')", ctypes.util.find_library("tgauth")))
    return places


def _load() -> ctypes.CDLL:
    tried = []
    for how, path in _candidates():
        if not path:
            tried.append(f"{how}: not found")
            continue
        refused = _refusal(path)
        if refused is None:
            return ctypes.CDLL(path)
        tried.append(f"{how}: {path}: {refused}")
        if how == "TGAUTH_LIBRARY":
            break  # an explicit choice that fails is an error, not a reason to load some other copy
    raise OSError(
        "tgauth: cannot load libtgauth. Looked in:\n  - " + "\n  - ".join(tried)
        + "\nSet TGAUTH_LIBRARY to the path of libtgauth.so, or install the library (make install)."
    )


def _refusal(path: str) -> Optional[str]:
    """Why the library at `path` cannot serve this binding, or None when it can."""
    try:
        library = ctypes.CDLL(path)
    except OSError as exc:
        return str(exc)
    library.tgauth_version_number.restype = ctypes.c_uint
    library.tgauth_version_number.argtypes = []
    major = library.tgauth_version_number() // 10000  # TGAUTH_VERSION_NUMBER: major * 10000 + minor * 100 + patch
    if major != ABI_MAJOR:
        return f"library major version {major}, this binding needs {ABI_MAJOR}"
    # records are read by position: a library of another record layout would be misread, not refused
    try:
        fingerprint = library.tgauth_record_fingerprint
    except AttributeError:  # a library older than the fingerprint
        return "no tgauth_record_fingerprint, so no record layout this binding can trust"
    fingerprint.restype, fingerprint.argtypes = ctypes.c_char_p, []
    layout = (fingerprint() or b"").decode("ascii", "replace")
    if layout != RECORD_FINGERPRINT:
        return (f"record layout {layout}, this binding reads layout {RECORD_FINGERPRINT}"
                " (the library and the binding come from different schemas)")
    return None


lib = _load()

c_char_p, c_size_t, c_int, c_int64, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int64, ctypes.c_void_p
c_uint64, c_double, P = ctypes.c_uint64, ctypes.c_double, ctypes.POINTER


class Error(ctypes.Structure):
    """`tgauth_error`."""
    _fields_ = [("code", c_int), ("field", ctypes.c_char * 64), ("message", ctypes.c_char * 256)]


class Check(ctypes.Structure):
    """`tgauth_check`."""
    _fields_ = [("max_age", c_int64), ("future_skew", c_int64), ("now", c_int64), ("max_input_bytes", c_size_t)]


class Field(ctypes.Structure):
    """`tgauth_field`."""
    _fields_ = [("key", c_char_p), ("key_len", c_size_t), ("value", c_char_p), ("value_len", c_size_t)]


class DeepLinkOptions(ctypes.Structure):
    """`tgauth_deeplink_options`."""
    _fields_ = [("ttl", c_int64), ("interval", c_int64), ("confirm", c_int), ("app_name", c_char_p),
                ("app_name_len", c_size_t), ("redis_url", c_char_p), ("redis_url_len", c_size_t),
                ("memory_capacity", c_size_t)]


class OIDCOptions(ctypes.Structure):
    """`tgauth_oidc_options`."""
    _fields_ = [("client_secret", c_char_p), ("client_secret_len", c_size_t), ("redirect_uri", c_char_p),
                ("redirect_uri_len", c_size_t), ("issuer", c_char_p), ("issuer_len", c_size_t), ("ca_file", c_char_p),
                ("ca_file_len", c_size_t), ("timeout_ms", c_int64)]


def _declare(name: str, restype: Any, argtypes: List[Any]) -> Any:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


def _undeclared(name: str) -> Any:
    """The verification calls take no argtypes: every argument is passed as a ready ctypes object (pointers by
    prebuilt byref, sizes as c_size_t), which saves most of ctypes' per-call conversion cost."""
    fn = getattr(lib, name)
    fn.restype = c_int
    return fn


# ---- versions, errors, defaults (tgauth_verify.h) -------------------------------------------------------
version_string = _declare("tgauth_version_string", c_char_p, [])
error_kind = _declare("tgauth_error_kind", c_char_p, [c_int])
check_init = _declare("tgauth_check_init", c_int, [P(Check)])

# ---- Bot API webhooks (tgauth_verify.h) ----------------------------------------------------------------
webhook_secret_check = _declare("tgauth_webhook_secret_check", c_int, [P(Error), c_char_p, c_size_t, c_char_p, c_size_t])

# ---- verifiers (tgauth_verify.h) and their record forms (tgauth_record.h) --------------------------------
mini_app_new = _declare("tgauth_mini_app_new", c_int, [P(c_void_p), P(Error), c_char_p, c_size_t])
mini_app_free = _declare("tgauth_mini_app_free", None, [c_void_p])
third_party_new = _declare("tgauth_third_party_new", c_int, [P(c_void_p), P(Error), c_int64, c_int])
third_party_new_with_key = _declare(
    "tgauth_third_party_new_with_key", c_int, [P(c_void_p), P(Error), c_int64, c_char_p, c_size_t])
third_party_free = _declare("tgauth_third_party_free", None, [c_void_p])
third_party_set_cache_size = _declare("tgauth_third_party_set_cache_size", c_int, [c_void_p, c_size_t])
third_party_cache_stats = _declare(
    "tgauth_third_party_cache_stats", c_int, [c_void_p, P(c_uint64), P(c_uint64), P(c_size_t), P(c_size_t)])
widget_new = _declare("tgauth_widget_new", c_int, [P(c_void_p), P(Error), c_char_p, c_size_t])
widget_free = _declare("tgauth_widget_free", None, [c_void_p])
# (verifier, out, out_len, err, input, input_len, check); the pairs form adds pair_count before check
mini_app_validate_record = _undeclared("tgauth_mini_app_validate_record")
third_party_validate_record = _undeclared("tgauth_third_party_validate_record")
widget_verify_record = _undeclared("tgauth_widget_verify_record")
widget_verify_pairs_record = _undeclared("tgauth_widget_verify_pairs_record")

# ---- Telegram Gateway delivery reports (tgauth_verify.h, tgauth_record.h) --------------------------------
gateway_new = _declare("tgauth_gateway_new", c_int, [P(c_void_p), P(Error), c_char_p, c_size_t, c_int64])
gateway_free = _declare("tgauth_gateway_free", None, [c_void_p])
gateway_max_skew = _declare("tgauth_gateway_max_skew", c_int64, [c_void_p])
gateway_sign = _declare("tgauth_gateway_sign", c_int, [c_void_p, c_char_p, P(c_size_t), c_char_p, c_size_t, c_char_p, c_size_t])
# (gateway, out, out_len, err, body, body_len, timestamp, timestamp_len, signature, signature_len, now)
gateway_report_verify_record = _undeclared("tgauth_gateway_report_verify_record")

# ---- signing (tgauth_verify.h) ---------------------------------------------------------------------------
sign_init_data = _declare(
    "tgauth_sign_init_data", c_int,
    [c_char_p, P(c_size_t), c_char_p, c_size_t, P(Field), c_size_t, c_int64, c_char_p, c_size_t, c_int64])
sign_widget = _declare("tgauth_sign_widget", c_int, [c_char_p, P(c_size_t), c_char_p, c_size_t, P(Field), c_size_t, c_int64])

# ---- deep-link login (tgauth_deeplink.h) -----------------------------------------------------------------
deeplink_options_init = _declare("tgauth_deeplink_options_init", c_int, [P(DeepLinkOptions)])
deeplink_new = _declare(
    "tgauth_deeplink_new", c_int, [P(c_void_p), P(Error), c_char_p, c_size_t, c_char_p, c_size_t, P(DeepLinkOptions)])
deeplink_free = _declare("tgauth_deeplink_free", None, [c_void_p])
_OUT = [c_void_p, c_char_p, P(c_size_t), P(Error)]
deeplink_start = _declare("tgauth_deeplink_start", c_int, _OUT + [c_char_p, c_size_t])
deeplink_handle_webhook = _declare("tgauth_deeplink_handle_webhook", c_int, _OUT + [c_char_p, c_size_t, c_char_p, c_size_t])
deeplink_poll = _declare("tgauth_deeplink_poll", c_int, _OUT + [c_char_p, c_size_t])
deeplink_wait = _declare("tgauth_deeplink_wait", c_int, _OUT + [c_char_p, c_size_t, c_double])


# ---- OpenID Connect (tgauth_oidc.h) --------------------------------------------------------------------
oidc_options_init = _declare("tgauth_oidc_options_init", c_int, [P(OIDCOptions)])
oidc_new = _declare(
    "tgauth_oidc_new", c_int, [P(c_void_p), P(Error), c_char_p, c_size_t, c_char_p, c_size_t, P(OIDCOptions)])
oidc_free = _declare("tgauth_oidc_free", None, [c_void_p])
oidc_set_jwks = _declare("tgauth_oidc_set_jwks", c_int, [c_void_p, P(Error), c_char_p, c_size_t])
# (client, out, out_len, err, token, token_len, nonce, nonce_len, check), as ready ctypes objects
oidc_verify = _undeclared("tgauth_oidc_verify")
oidc_authorization_request = _declare(
    "tgauth_oidc_authorization_request", c_int, _OUT + [c_char_p, c_size_t, c_int])
oidc_exchange = _declare(
    "tgauth_oidc_exchange", c_int,
    [c_void_p, P(c_void_p), P(Error), c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, c_size_t, P(Check)])
oidc_token_request = _declare("tgauth_oidc_token_request", c_int, _OUT + [c_char_p, c_size_t, c_char_p, c_size_t])
id_token_free = _declare("tgauth_id_token_free", None, [c_void_p])
id_token_claims = _declare("tgauth_id_token_claims", ctypes.c_void_p, [c_void_p, P(c_size_t)])
oidc_token_response = _declare("tgauth_oidc_token_response", c_int, [c_char_p, P(c_size_t), P(Error), c_char_p, c_size_t])


def _kinds() -> Dict[int, str]:
    """Every status code the library knows and its kind, asked of the library (its one table), not listed here."""
    kinds: Dict[int, str] = {}
    code = 1
    while (kind := error_kind(code).decode()) != "unknown":
        kinds[code] = kind
        code += 1
    return kinds


OK = 0
KINDS = _kinds()
BUFFER_TOO_SMALL = next(code for code, kind in KINDS.items() if kind == "buffer_too_small")
