"""The library's C functions and structs for ctypes, and its status codes; nothing else.

The declarations are generated from the C headers (`_declarations.py`, by scripts/generate.py); the library is
found by `_library`. Every other module calls the functions through this module (and `_call`, which owns the
buffers and handles); none of them touches ctypes directly. The status codes and their kinds are asked of the
library, which holds the one table of them.
"""
from __future__ import annotations

from typing import Dict

from ._declarations import *  # noqa: F401,F403 (every function and struct of the headers)
from ._declarations import error_kind
from ._library import ABI_MAJOR, lib  # noqa: F401


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
