"""The package version (pyproject.toml reads it here); the suite holds it to the library's."""
__version__ = "0.2.0"
