"""The version of netmap, below everything that names it (the package facade re-exports it)."""

__version__ = "0.1.0"
