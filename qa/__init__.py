"""Offline Persian passage retrieval with citations."""

__version__ = "0.1.0"
