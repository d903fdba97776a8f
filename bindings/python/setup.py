"""The package carries libtgauth.so (copied in by `make python`), so its wheel is tagged for the platform,
not pure Python: py3-none-<platform> (any CPython 3, no Python ABI: the library is loaded with ctypes).
`make wheel` then has auditwheel graft in the libraries it needs and name the manylinux policy."""
from setuptools import setup

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70.1
    from wheel.bdist_wheel import bdist_wheel


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(cmdclass={"bdist_wheel": PlatformWheel})
