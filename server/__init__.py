"""Flash Africa Server: accounts, streams, payments and chat behind one ASGI app."""

from server.version import installed_version

__version__ = installed_version()
