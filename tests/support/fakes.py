"""Serving a local provider (Daraja, MoMo, Orange Money) for a test, and checking it after."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from tests.support.live_server import serve


class LocalProvider(Protocol):
    """A provider's documented API as a Starlette app, noting each request not in its shape."""

    app: Any
    url: str
    errors: list[str]


Provider = TypeVar("Provider", bound=LocalProvider)


@contextmanager
def serving(fake: Provider) -> Iterator[Provider]:
    """`fake` on a loopback port; when done, every request we sent it had the provider's shape."""
    with serve(fake.app) as server:
        fake.url = server.url
        yield fake
    assert fake.errors == []
