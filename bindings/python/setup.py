"""The package carries libtgauth.so (copied in by `make python`), so its wheel is tagged for the platform,
not pure Python: py3-none-<platform> (any CPython 3 and no Python ABI, since the library is loaded with
ctypes). `make wheel` then has auditwheel graft in the libraries it needs and name the manylinux policy."""
from setuptools import setup
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70.1
    from wheel.bdist_wheel import bdist_wheel


class BinaryDistribution(Distribution):
    """Holds a shared library: installed to platlib, wheel not pure."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": PlatformWheel})
