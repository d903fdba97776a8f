"""How the binding calls the library: owned handles, one reusable output buffer per thread, and one loop
that runs a call writing into a buffer (the output-buffer rule of tgauth.h: on TGAUTH_E_BUFFER_TOO_SMALL the
size needed comes back, and the call runs again with that much)."""
from __future__ import annotations

import ctypes
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import _ffi
from ._errors import error_for


def failure(code: int, err: Optional[_ffi.Error]) -> Exception:
    """The exception for a failed call, with the field and message the library wrote into `err`."""
    if err is None or err.code != code:
        return error_for(code, "", _ffi.KINDS.get(code, "unknown"))
    return error_for(code, err.field.decode("utf-8", "replace"), err.message.decode("utf-8", "replace"))


class Handle:
    """A library object owned by Python, freed with its `_free` function when collected."""

    __slots__ = ("ptr", "_free")

    def __init__(self, ptr: ctypes.c_void_p, free: Callable[[ctypes.c_void_p], None]) -> None:
        self.ptr: Optional[ctypes.c_void_p] = ptr
        self._free = free

    def __del__(self) -> None:
        if self.ptr is not None and self.ptr.value:
            self._free(self.ptr)
            self.ptr = None


def new_handle(create: Callable[..., int], free: Callable[[ctypes.c_void_p], None], *args: Any) -> Handle:
    """Runs a constructor (`tgauth_*_new(&out, &err, args...)`), raising what it reports on failure."""
    ptr, err = ctypes.c_void_p(), _ffi.Error()
    code = create(ctypes.byref(ptr), ctypes.byref(err), *args)
    if code != _ffi.OK:
        raise failure(code, err)
    return Handle(ptr, free)


class Limits:
    """A `tgauth_check` and a reference to it, built once per distinct (max_age, now, max_bytes)."""

    __slots__ = ("struct", "ref")

    def __init__(self, max_age: Optional[int], now: Optional[int], max_bytes: int) -> None:
        self.struct = _ffi.Check()
        _ffi.check_init(ctypes.byref(self.struct))  # the library's defaults, then ours
        self.struct.max_age, self.struct.now, self.struct.max_input_bytes = max_age or 0, now or 0, max_bytes
        self.ref = ctypes.byref(self.struct)


_limits_cache: Dict[Tuple[Optional[int], Optional[int], int], Limits] = {}


def limits(max_age: Optional[int], now: Optional[int], max_bytes: int) -> Limits:
    key = (max_age, now, max_bytes)
    found = _limits_cache.get(key)
    if found is None:
        found = Limits(max_age, now, max_bytes)
        if len(_limits_cache) < 256:
            _limits_cache[key] = found
    return found


class Scratch:
    """One thread's output buffer, error struct and size cells, so that a call allocates no ctypes objects."""

    __slots__ = ("err", "err_ref", "input_len", "size", "data", "buffer", "length", "length_ref")

    def __init__(self, size: int = 8192) -> None:
        self.err = _ffi.Error()
        self.err_ref = ctypes.byref(self.err)
        self.input_len = ctypes.c_size_t()
        self.resize(size)

    def resize(self, size: int) -> None:
        self.size = size
        self.data = bytearray(size)
        self.buffer = (ctypes.c_char * size).from_buffer(self.data)
        self.length = ctypes.c_size_t(size)
        self.length_ref = ctypes.byref(self.length)


_local = threading.local()


def scratch() -> Scratch:
    """This thread's Scratch."""
    try:
        s: Scratch = _local.scratch
    except AttributeError:
        s = _local.scratch = Scratch()
    return s


def verify_record(fn: Callable[..., int], handle: Handle, data: bytes, *tail: Any) -> str:
    """Runs one verification that writes its output into this thread's buffer (a `_record` function, or
    tgauth_oidc_verify): `fn(handle, out, out_len, err, data, data_len, *tail)`, `tail` being the arguments
    that follow (a `Limits.ref` last, for most), again with the size the library asks for when the buffer is
    short. Returns the output without its last NUL."""
    try:
        s: Scratch = _local.scratch
    except AttributeError:
        s = scratch()
    s.input_len.value = len(data)
    while True:
        s.length.value = s.size
        code = fn(handle.ptr, s.buffer, s.length_ref, s.err_ref, data, s.input_len, *tail)
        if code == _ffi.OK:
            return s.data[: s.length.value - 1].decode()
        if code != _ffi.BUFFER_TOO_SMALL:
            raise failure(code, s.err)
        s.resize(s.length.value)


def write_output(call: Callable[["ctypes.Array[ctypes.c_char]", ctypes.c_size_t], int], size: int = 4096,
                 err: Optional[_ffi.Error] = None) -> bytes:
    """Runs `call(out, out_len)` with a buffer of `size` bytes, then again with the size the library asks for;
    returns the output without its final NUL. `err`, when the call writes one, gives a failure its detail."""
    length = ctypes.c_size_t(size)
    while True:
        out = ctypes.create_string_buffer(length.value)
        code = call(out, length)
        if code == _ffi.OK:
            return out.raw[: length.value - 1]
        if code != _ffi.BUFFER_TOO_SMALL:
            raise failure(code, err)


def fields(pairs: Sequence[Tuple[bytes, bytes]]) -> "ctypes.Array[_ffi.Field]":
    """A `tgauth_field` array of (key bytes, value bytes) pairs."""
    array = (_ffi.Field * max(len(pairs), 1))()
    for i, (k, v) in enumerate(pairs):
        array[i] = _ffi.Field(k, len(k), v, len(v))
    return array
