"""A hardened, drop-in Python SDK for the MessageMedia Messages REST API."""

__version__ = "3.0.0"
