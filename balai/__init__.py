"""Balai: an e-government platform for Indonesian regional governments."""

__version__ = "0.1.0"
