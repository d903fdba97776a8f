"""The package carries libtgauth.so, so its wheel is tagged for the platform, not pure Python:
py3-none-<platform> (any CPython 3 and no Python ABI, since the library is loaded with ctypes).

From the repository, `make python` copies the library in first, and `make wheel` has auditwheel graft in the
libraries it needs. From the sdist (`make sdist`), which carries the Swift sources under native/, the build
makes the library itself with `make -C native lib`, after checking that the Swift toolchain and the
development packages are there, and says which are missing when they are not.
"""
import glob
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = os.path.join(HERE, "native")
#: what building the library needs: pkg-config modules and the Debian packages that provide them
NEEDS = {"libcrypto": "libssl-dev", "libsodium": "libsodium-dev", "libsecp256k1": "libsecp256k1-dev",
         "libcurl": "libcurl4-openssl-dev", "hiredis": "libhiredis-dev"}


class BinaryDistribution(Distribution):
    """Holds a shared library: installed to platlib, wheel not pure."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


def missing_for_native_build():
    """What building the library from native/ lacks, as lines for a person."""
    lines = []
    if shutil.which("swift") is None:
        lines.append("the Swift 6 toolchain (swift on PATH): https://www.swift.org/install/linux/")
    if shutil.which("make") is None:
        lines.append("make (apt-get install make)")
    if shutil.which("pkg-config") is None:
        lines.append("pkg-config (apt-get install pkg-config)")
    else:
        absent = [pkg for module, pkg in NEEDS.items()
                  if subprocess.run(["pkg-config", "--exists", module], check=False).returncode != 0]
        if absent:
            lines.append("the development packages: apt-get install " + " ".join(absent))
    return lines


class BuildWithLibrary(build_py):
    """Puts libtgauth.so into the package: the copy `make python` left, or one built from native/."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "tgauth")
        if glob.glob(os.path.join(target, "libtgauth.so*")):
            return
        if not os.path.isdir(NATIVE):
            raise SystemExit("tgauth: no libtgauth.so in the package and no native sources to build it from: "
                             "in the repository, run `make python` (or `make venv`) first")
        missing = missing_for_native_build()
        if missing:
            raise SystemExit("tgauth: building libtgauth from source needs:\n  - " + "\n  - ".join(missing)
                             + "\nor install the prebuilt wheel (make wheel) instead.")
        subprocess.run(["make", "-C", NATIVE, "lib"], check=True)
        built = sorted(glob.glob(os.path.join(NATIVE, "build", "lib", "libtgauth.so.*.*.*")))
        shutil.copy(built[-1], os.path.join(target, "libtgauth.so.0"))


setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": PlatformWheel, "build_py": BuildWithLibrary})
