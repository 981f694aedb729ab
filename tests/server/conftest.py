"""The local mobile-money providers, one per test, for the client and payment tests."""

from collections.abc import Iterator

import pytest

from tests.support.fake_daraja import FakeDaraja
from tests.support.fake_momo import FakeMomo
from tests.support.fake_orange import FakeOrange
from tests.support.fakes import serving


@pytest.fixture
def daraja() -> Iterator[FakeDaraja]:
    with serving(FakeDaraja()) as fake:
        yield fake


@pytest.fixture
def momo() -> Iterator[FakeMomo]:
    with serving(FakeMomo()) as fake:
        yield fake


@pytest.fixture
def orange() -> Iterator[FakeOrange]:
    with serving(FakeOrange()) as fake:
        yield fake
