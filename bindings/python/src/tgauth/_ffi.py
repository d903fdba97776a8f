"""Every ctypes detail of the binding: finding libtgauth, declaring its functions, and calling them.

The public modules never import ctypes; they call the small functions at the bottom of this file.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import threading
from typing import Callable, Optional, Sequence, Tuple

ABI_MAJOR = 0  # the library's major version this binding speaks
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _candidates() -> list:
    places = []
    env = os.environ.get("TGAUTH_LIBRARY")
    if env:
        places.append(("TGAUTH_LIBRARY", env))
    for path in sorted(glob.glob(os.path.join(_PACKAGE_DIR, "libtgauth.so*"))):
        places.append(("package copy", path))
    found = ctypes.util.find_library("tgauth")
    places.append(("ctypes.util.find_library('tgauth')", found))
    return places


def _load() -> ctypes.CDLL:
    tried = []
    for how, path in _candidates():
        if not path:
            tried.append(f"{how}: not found")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            tried.append(f"{how}: {path}: {exc}")
            if how == "TGAUTH_LIBRARY":
                break  # an explicit choice that fails is an error, not a reason to load some other copy
            continue
        lib.tgauth_version_number.restype = ctypes.c_uint
        lib.tgauth_version_number.argtypes = []
        major = lib.tgauth_version_number() // 10000  # TGAUTH_VERSION_NUMBER is major * 10000 + minor * 100 + patch
        if major != ABI_MAJOR:
            tried.append(f"{how}: {path}: library major version {major}, this binding needs {ABI_MAJOR}")
            continue
        return lib
    raise OSError(
        "tgauth: cannot load libtgauth. Looked in:\n  - " + "\n  - ".join(tried)
        + "\nSet TGAUTH_LIBRARY to the path of libtgauth.so, or install the library (make install)."
    )


lib = _load()

c_char_p, c_size_t, c_int, c_int64, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int64, ctypes.c_void_p
P = ctypes.POINTER


class Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("field", ctypes.c_char * 64), ("message", ctypes.c_char * 256)]


class Check(ctypes.Structure):
    _fields_ = [("max_age", c_int64), ("future_skew", c_int64), ("now", c_int64), ("max_input_bytes", c_size_t)]


class Field(ctypes.Structure):
    _fields_ = [("key", c_char_p), ("key_len", c_size_t), ("value", c_char_p), ("value_len", c_size_t)]


def _declare(name: str, restype, argtypes: Sequence) -> Callable:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


version_string = _declare("tgauth_version_string", c_char_p, [])
error_kind = _declare("tgauth_error_kind", c_char_p, [c_int])
_mini_app_new = _declare("tgauth_mini_app_new", c_int, [P(c_void_p), c_void_p, c_char_p, c_size_t])
_mini_app_free = _declare("tgauth_mini_app_free", None, [c_void_p])
_third_party_new = _declare("tgauth_third_party_new", c_int, [P(c_void_p), c_void_p, c_int64, c_int])
_third_party_new_with_key = _declare(
    "tgauth_third_party_new_with_key", c_int, [P(c_void_p), c_void_p, c_int64, c_char_p, c_size_t])
_third_party_free = _declare("tgauth_third_party_free", None, [c_void_p])
_third_party_set_cache_size = _declare("tgauth_third_party_set_cache_size", c_int, [c_void_p, c_size_t])
_third_party_cache_stats = _declare(
    "tgauth_third_party_cache_stats", c_int, [c_void_p, P(ctypes.c_uint64), P(ctypes.c_uint64), P(c_size_t), P(c_size_t)]
)
DEFAULT_CACHE_SIZE = 1024  # TGAUTH_THIRD_PARTY_DEFAULT_CACHE_SIZE


class DeepLinkOptions(ctypes.Structure):
    _fields_ = [("ttl", c_int64), ("interval", c_int64), ("confirm", c_int), ("app_name", c_char_p),
                ("app_name_len", c_size_t), ("redis_url", c_char_p), ("redis_url_len", c_size_t),
                ("memory_capacity", c_size_t)]


DEEPLINK_RECORD_SIZE = 16384  # TGAUTH_DEEPLINK_RECORD_SIZE
_deeplink_options_init = _declare("tgauth_deeplink_options_init", c_int, [P(DeepLinkOptions)])
_deeplink_new = _declare(
    "tgauth_deeplink_new", c_int, [P(c_void_p), c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, P(DeepLinkOptions)])
_deeplink_free = _declare("tgauth_deeplink_free", None, [c_void_p])
_DL_OUT = [c_void_p, c_char_p, P(c_size_t), c_void_p]
_deeplink_start = _declare("tgauth_deeplink_start", c_int, _DL_OUT + [c_char_p, c_size_t])
_deeplink_webhook = _declare("tgauth_deeplink_handle_webhook", c_int, _DL_OUT + [c_char_p, c_size_t, c_char_p, c_size_t])
_deeplink_poll = _declare("tgauth_deeplink_poll", c_int, _DL_OUT + [c_char_p, c_size_t])
_deeplink_wait = _declare("tgauth_deeplink_wait", c_int, _DL_OUT + [c_char_p, c_size_t, ctypes.c_double])
_widget_new = _declare("tgauth_widget_new", c_int, [P(c_void_p), c_void_p, c_char_p, c_size_t])
_widget_free = _declare("tgauth_widget_free", None, [c_void_p])


def _undeclared(name: str) -> Callable:
    """The hot-path functions are called without argtypes: every argument is passed as a ready ctypes object
    (pointers by prebuilt byref, sizes as c_size_t), which saves most of ctypes' per-call conversion cost."""
    fn = getattr(lib, name)
    fn.restype = c_int
    return fn


# (validator, out, out_len, err, input, input_len, check); the pairs variant adds pair_count before check
_mini_app_record = _undeclared("tgauth_mini_app_validate_record")
_third_party_record = _undeclared("tgauth_third_party_validate_record")
_widget_record = _undeclared("tgauth_widget_verify_record")
_widget_pairs_record = _undeclared("tgauth_widget_verify_pairs_record")
_sign_init_data = _declare(
    "tgauth_sign_init_data", c_int,
    [c_char_p, P(c_size_t), c_char_p, c_size_t, P(Field), c_size_t, c_int64, c_char_p, c_size_t, c_int64],
)
_sign_widget = _declare("tgauth_sign_widget", c_int, [c_char_p, P(c_size_t), c_char_p, c_size_t, P(Field), c_size_t, c_int64])

OK = 0
ENVIRONMENTS = {"production": 0, "test": 1}



def _kinds() -> dict:
    """Every status code the library knows and its kind, asked of the library (its one table), not listed here."""
    kinds, code = {}, 1
    while (kind := error_kind(code).decode()) != "unknown":
        kinds[code] = kind
        code += 1
    return kinds


KINDS = _kinds()
BUFFER_TOO_SMALL = next(code for code, kind in KINDS.items() if kind == "buffer_too_small")


class Failure(Exception):
    """A non-OK status from the library, with its detail; the public layer turns it into AuthError."""

    def __init__(self, code: int, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.kind, self.field, self.message = code, KINDS.get(code, "unknown"), field, message


def _failure(code: int, err: Optional[Error]) -> Failure:
    if err is None or err.code != code:
        return Failure(code, "", KINDS.get(code, "unknown"))
    return Failure(code, err.field.decode("utf-8", "replace"), err.message.decode("utf-8", "replace"))


class Handle:
    """An owned library object, freed with its `_free` function when collected."""

    __slots__ = ("ptr", "_free")

    def __init__(self, ptr: c_void_p, free: Callable) -> None:
        self.ptr, self._free = ptr, free

    def __del__(self) -> None:
        if self.ptr is not None and self.ptr.value:
            self._free(self.ptr)
            self.ptr = None


def _new_handle(create: Callable, free: Callable, *args) -> Handle:
    ptr = c_void_p()
    err = Error()
    code = create(ctypes.byref(ptr), ctypes.byref(err), *args)
    if code != OK:
        raise _failure(code, err)
    return Handle(ptr, free)


def new_mini_app(token: bytes) -> Handle:
    return _new_handle(_mini_app_new, _mini_app_free, token, len(token))


def new_widget(token: bytes) -> Handle:
    return _new_handle(_widget_new, _widget_free, token, len(token))


def new_third_party(bot_id: int, environment: int) -> Handle:
    return _new_handle(_third_party_new, _third_party_free, bot_id, environment)


def new_third_party_with_key(bot_id: int, key: bytes) -> Handle:
    return _new_handle(_third_party_new_with_key, _third_party_free, bot_id, key, len(key))


def new_deeplink(bot: bytes, secret: bytes, ttl: int, interval: int, confirm: bool, app_name: bytes,
                 redis_url: Optional[bytes], capacity: int) -> Handle:
    o = DeepLinkOptions()
    _deeplink_options_init(ctypes.byref(o))
    o.ttl, o.interval, o.confirm = ttl, interval, 1 if confirm else 0
    o.app_name, o.app_name_len = app_name, len(app_name)
    if redis_url is not None:
        o.redis_url, o.redis_url_len = redis_url, len(redis_url)
    o.memory_capacity = capacity
    err = Error()
    ptr = c_void_p()
    code = _deeplink_new(ctypes.byref(ptr), ctypes.byref(err), bot, len(bot), secret, len(secret), ctypes.byref(o))
    if code != OK:
        raise _failure(code, err)
    return Handle(ptr, _deeplink_free)


def deeplink_call(fn: Callable, handle: Handle, *args) -> list:
    """Runs a deep-link call (which may block, without holding the GIL) and returns its record's strings."""
    out = ctypes.create_string_buffer(DEEPLINK_RECORD_SIZE)
    size = c_size_t(DEEPLINK_RECORD_SIZE)
    err = Error()
    code = fn(handle.ptr, out, ctypes.byref(size), ctypes.byref(err), *args)
    if code != OK:
        raise _failure(code, err)
    return out.raw[:size.value].decode().split("\0")[:-1]


def deeplink_start(handle: Handle, device: bytes) -> list:
    return deeplink_call(_deeplink_start, handle, device, len(device))


def deeplink_webhook(handle: Handle, body: bytes, header: Optional[bytes]) -> list:
    return deeplink_call(_deeplink_webhook, handle, body, len(body), header, 0 if header is None else len(header))


def deeplink_poll(handle: Handle, secret: bytes) -> list:
    return deeplink_call(_deeplink_poll, handle, secret, len(secret))


def deeplink_wait(handle: Handle, secret: bytes, timeout: float) -> list:
    return deeplink_call(_deeplink_wait, handle, secret, len(secret), timeout)


def set_cache_size(handle: Handle, entries: int) -> None:
    code = _third_party_set_cache_size(handle.ptr, entries)
    if code != OK:
        raise _failure(code, None)


def cache_stats(handle: Handle) -> tuple:
    """(hits, misses, entries, capacity) of a third-party validator's cache."""
    hits, misses, entries, capacity = ctypes.c_uint64(), ctypes.c_uint64(), c_size_t(), c_size_t()
    code = _third_party_cache_stats(
        handle.ptr, ctypes.byref(hits), ctypes.byref(misses), ctypes.byref(entries), ctypes.byref(capacity))
    if code != OK:
        raise _failure(code, None)
    return hits.value, misses.value, entries.value, capacity.value


# ---- verification: one call per check, into a per-thread buffer ---------------------------------------

_CHECKS: dict = {}


class Limits:
    """A limits struct and a reference to it, built once per distinct (max_age, now, max_bytes); C only reads it."""

    __slots__ = ("struct", "ref")

    def __init__(self, max_age: Optional[int], now: Optional[int], max_bytes: int) -> None:
        self.struct = Check(max_age or 0, 60, now or 0, max_bytes)
        self.ref = ctypes.byref(self.struct)


def check(max_age: Optional[int], now: Optional[int], max_bytes: int) -> Limits:
    key = (max_age, now, max_bytes)
    c = _CHECKS.get(key)
    if c is None:
        c = Limits(max_age, now, max_bytes)
        if len(_CHECKS) < 256:
            _CHECKS[key] = c
    return c


class _Scratch:
    """One thread's output buffer, error struct and size cells, so a verification allocates no ctypes objects."""

    __slots__ = ("err", "err_ref", "input_len", "count", "size", "data", "buffer", "length", "length_ref")

    def __init__(self) -> None:
        self.err = Error()
        self.err_ref = ctypes.byref(self.err)
        self.input_len = c_size_t()
        self.count = c_size_t()
        self.resize(8192)

    def resize(self, size: int) -> None:
        self.size = size
        self.data = bytearray(size)
        self.buffer = (ctypes.c_char * size).from_buffer(self.data)
        self.length = c_size_t(size)
        self.length_ref = ctypes.byref(self.length)


_local = threading.local()


def _new_scratch() -> _Scratch:
    s = _local.scratch = _Scratch()
    return s


def _verifier(fn: Callable, build: Callable[[str], object], pairs: bool = False) -> Callable:
    """A verification entry point: one library call into this thread's buffer, then `build` on the record.
    Everything it touches is bound locally, since it runs once per request."""
    local, new_scratch, ok, too_small, failure = _local, _new_scratch, OK, BUFFER_TOO_SMALL, _failure

    def call(handle: Handle, data: bytes, limits: Limits, count: int = 0):
        try:
            s = local.scratch
        except AttributeError:
            s = new_scratch()
        length = s.length
        length.value = s.size
        s.input_len.value = len(data)
        if pairs:
            s.count.value = count
            code = fn(handle.ptr, s.buffer, s.length_ref, s.err_ref, data, s.input_len, s.count, limits.ref)
        else:
            code = fn(handle.ptr, s.buffer, s.length_ref, s.err_ref, data, s.input_len, limits.ref)
        if code == ok:
            return build(s.data[: length.value - 1].decode())
        if code == too_small:
            s.resize(max(length.value, 2 * s.size))
            return call(handle, data, limits, count)
        raise failure(code, s.err)

    return call


def validate_method(fn: Callable, build: Callable[[str], object], convert: Callable, limits_of: Callable,
                    public: Callable, default_max_age: int, default_max_bytes: int, defaults: Limits) -> Callable:
    """A whole `validate(self, init_data, max_age, now, max_bytes)` method in one Python frame: `convert` turns
    non-str input into bytes, `limits_of` checks the limits and builds their struct, and `public` turns a
    Failure into the public exception. The test for the default limits (`defaults`) is repeated inline from
    `limits_of`, saving a call on the common path."""
    local, new_scratch, ok, too_small = _local, _new_scratch, OK, BUFFER_TOO_SMALL

    def validate(self, init_data, max_age=default_max_age, now=None, max_bytes=default_max_bytes):
        raw = init_data.encode() if type(init_data) is str else convert(init_data, "init_data")
        if max_age is default_max_age and now is None and max_bytes is default_max_bytes:
            limits = defaults
        else:
            limits = limits_of(max_age, now, max_bytes)
        try:
            s = local.scratch
        except AttributeError:
            s = new_scratch()
        length = s.length
        while True:
            length.value = s.size
            s.input_len.value = len(raw)
            code = fn(self._handle.ptr, s.buffer, s.length_ref, s.err_ref, raw, s.input_len, limits.ref)
            if code == ok:
                return build(s.data[: length.value - 1].decode())
            if code != too_small:
                public(_failure(code, s.err))
            s.resize(max(length.value, 2 * s.size))

    return validate


def verifiers(build: Callable[[str], object]) -> tuple:
    """(widget, widget pairs) entry points that return `build(record)`."""
    return _verifier(_widget_record, build), _verifier(_widget_pairs_record, build, pairs=True)


# ---- signing ------------------------------------------------------------------------------------------

def _fields(pairs: Sequence[Tuple[bytes, bytes]]):
    array = (Field * max(len(pairs), 1))()
    for i, (k, v) in enumerate(pairs):
        array[i] = Field(k, len(k), v, len(v))
    return array


def _sign(call: Callable) -> str:
    size = c_size_t(4096)
    out = ctypes.create_string_buffer(size.value)
    code = call(out, size)
    if code == BUFFER_TOO_SMALL:  # the size needed, its NUL included
        out = ctypes.create_string_buffer(size.value)
        code = call(out, size)
    if code != OK:
        raise _failure(code, None)
    return out.raw[: size.value - 1].decode()


def sign_init_data(token: bytes, pairs, auth_date: int, seed: Optional[bytes], bot_id: int) -> str:
    array = _fields(pairs)
    return _sign(lambda out, size: _sign_init_data(
        out, ctypes.byref(size), token, len(token), array, len(pairs), auth_date, seed, len(seed or b""), bot_id))


def sign_widget(token: bytes, pairs, auth_date: int) -> str:
    array = _fields(pairs)
    return _sign(lambda out, size: _sign_widget(out, ctypes.byref(size), token, len(token), array, len(pairs), auth_date))
