"""Benchmarks print figures; this repeats them at the end of every run, so they are seen
in CI's output too (pytest captures a passing test's output and shows nothing of it)."""

import re
from collections.abc import Iterator

import pytest

from tests.support.databases import sqlite_database_url as database_url  # noqa: F401

_figures: list[str] = []
_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d|\{)")


@pytest.fixture(autouse=True)
def _keep_figures(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> Iterator[None]:
    yield
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if line.strip() and not _LOG_LINE.match(line)]
    if lines:
        _figures.append(f"{request.node.nodeid}:")
        _figures.extend(f"    {line}" for line in lines)
    print(printed, end="")  # still shown as usual with -s


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _figures:
        terminalreporter.section("benchmark figures")
        for line in _figures:
            terminalreporter.write_line(line)
