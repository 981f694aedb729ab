"""Flash Africa Server: accounts, streams, payments and chat behind one ASGI app."""

__version__ = "0.1.0"
