"""The status codes, one table across languages: the header's TGAUTH_E_* defines, the library's kinds and
Python's exceptions agree."""
import os
import re

from tgauth import _errors, _ffi

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def test_status_codes_agree_between_the_header_the_library_and_python():
    """Every TGAUTH_E_* of the header is the code the library gives its kind, and Python has an exception
    for each kind that is a verdict (the argument kinds raise ValueError)."""
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
