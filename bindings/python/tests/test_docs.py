"""docs/errors.md's table of error kinds against the library's one table (TelegramAuthError.Kind, asked of the
library through tgauth_error_kind): every kind listed once, with its code and its TGAUTH_E_ name, in order;
a kind added to the library and not to docs/errors.md fails here."""
import os
import re

from tgauth import _ffi

ERRORS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "errors.md")


def test_the_docs_list_every_error_kind_with_its_code():
    with open(ERRORS) as f:
        table = f.read()
    rows = re.findall(r"^\| `([a-z_]+)` \| `TGAUTH_E_([A-Z_]+)` \((\d+)\) \|", table, re.MULTILINE)
    library = [(kind, code) for code, kind in sorted(_ffi.KINDS.items()) if code != 0]
    assert [(kind, int(code)) for kind, _, code in rows] == library
    assert all(name == kind.upper() for kind, name, _ in rows)
