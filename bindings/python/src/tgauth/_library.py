"""Finds libtgauth and checks that this binding can use it (its major version, its record layout); nothing else.
`_declarations` declares its functions on the library loaded here."""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
from typing import List, Optional, Tuple

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
