"""Run by `make test-wheel` with a fresh venv's Python, from an empty directory, with only the wheel installed:
the package must load its library, and everything the library needs, from inside the wheel, and validate the
public vectors. Usage: python check_wheel.py VECTORS_JSON

Every shared object that `import tgauth` and the validations map (read from /proc/self/maps, against a
snapshot taken before the import) must come from the installed package, except glibc and the C/C++ runtime.
The standard-library modules the package imports (ctypes and its libffi, for one) belong to the interpreter:
a first child process lists them, and they are imported before the snapshot.
"""
import importlib
import json
import os
import subprocess
import sys

LIST_MODULES = "import sys, tgauth, tgauth.oidc, tgauth.deeplink; print(' '.join(m for m in sys.modules if not m.startswith('tgauth')))"
for name in subprocess.run([sys.executable, "-c", LIST_MODULES], check=True, capture_output=True, text=True).stdout.split():
    importlib.import_module(name)


def mapped() -> set:
    with open("/proc/self/maps") as f:
        rows = [line.split(None, 5) for line in f]
    return {row[5].strip() for row in rows if len(row) == 6 and ".so" in row[5]}


SYSTEM_RUNTIME = ("libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "ld-linux", "libstdc++.so",
                  "libgcc_s.so", "libresolv.so")

before = mapped()
assert "TGAUTH_LIBRARY" not in os.environ, "the test must not point at a library"
assert not any(os.path.exists(os.path.join(p or ".", "Package.swift")) for p in sys.path), "a repository is on sys.path"
import tgauth  # noqa: E402
from tgauth.oidc import TelegramOIDC  # noqa: E402

site = os.path.dirname(os.path.dirname(os.path.abspath(tgauth.__file__)))

with open(sys.argv[1]) as f:
    vectors = json.load(f)
checked = 0
for v in vectors["mini_app_hmac"]:
    data = tgauth.MiniAppValidator(v["bot_token"]).validate(v["init_data"], max_age=None)
    for path, expected in v["expect"].items():
        obj = data
        for part in path.split("."):
            obj = getattr(obj, part)
        assert obj == expected, (v["name"], path)
    checked += 1
real, custom = vectors["third_party_ed25519"]
assert tgauth.validate_third_party(real["init_data"], real["bot_id"], max_age=None).user.id == 279058397
assert tgauth.validate_third_party(custom["init_data"], 42, public_key=custom["public_key_hex"], max_age=None).user.id == 42
checked += 2
for v in vectors["login_widget"]:
    assert tgauth.LoginWidgetVerifier(v["bot_token"]).verify(v["query"], max_age=None).id == 42
    checked += 1
try:  # the HTTPS client is in the library too: an issuer that does not answer is a clean NetworkError
    TelegramOIDC(1, issuer="https://127.0.0.1:1", timeout=2).verify_id_token("a.b.c")
    sys.exit("wheel: a key set came from nowhere")
except tgauth.NetworkError:
    pass

new = mapped() - before
inside = sorted(p for p in new if p.startswith(site + os.sep))
foreign = sorted(p for p in new if not p.startswith(site + os.sep) and not os.path.basename(p).startswith(SYSTEM_RUNTIME))
print(f"wheel: {checked} vectors validated by tgauth {tgauth.__version__}; {len(inside)} libraries loaded from the wheel:")
for p in inside:
    print("  " + os.path.relpath(p, site))
if foreign:
    sys.exit("wheel: libraries loaded from outside the wheel: " + ", ".join(foreign))
