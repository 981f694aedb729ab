"""`defer_imports`: a deferred module runs on first use, and every import form still works."""

import inspect
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.deferred_imports import DeferredModule, defer_imports

PACKAGE = "deferred_probe_pkg"


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[Path]:
    """A package that counts how often its body runs, on sys.path for this test only."""
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            import builtins
            builtins.deferred_probe_runs = getattr(builtins, "deferred_probe_runs", 0) + 1
            VALUE = 42
            def double(number):
                return number * 2
            """
        )
    )
    (package / "part.py").write_text("PART = 'part'\n")
    sys.path.insert(0, str(tmp_path))
    yield package
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    import builtins

    if hasattr(builtins, "deferred_probe_runs"):
        del builtins.deferred_probe_runs


def runs() -> int:
    import builtins

    count: int = getattr(builtins, "deferred_probe_runs", 0)
    return count


def test_the_module_runs_at_the_first_attribute_read_and_only_once(probe: Path) -> None:
    assert defer_imports(PACKAGE) == [PACKAGE]
    import deferred_probe_pkg

    assert isinstance(deferred_probe_pkg, DeferredModule)
    assert runs() == 0
    assert deferred_probe_pkg.VALUE == 42
    assert deferred_probe_pkg.double(4) == 8
    assert runs() == 1
    real = sys.modules[PACKAGE]
    assert not isinstance(real, DeferredModule)
    assert real.VALUE == 42
    import deferred_probe_pkg as again

    assert again is real  # later importers get the real module


def test_from_imports_and_submodules_load_the_real_package(probe: Path) -> None:
    defer_imports(PACKAGE)
    import deferred_probe_pkg
    from deferred_probe_pkg import VALUE
    from deferred_probe_pkg.part import PART

    assert (VALUE, PART) == (42, "part")
    assert runs() == 1
    assert deferred_probe_pkg.part.PART == "part"


def test_introspection_reads_the_file_without_loading(probe: Path) -> None:
    """PySide6 runs `inspect.getsource` on every module imported: that must not load it."""
    defer_imports(PACKAGE)
    import deferred_probe_pkg

    assert deferred_probe_pkg.__file__ == str(probe / "__init__.py")
    assert "VALUE = 42" in inspect.getsource(deferred_probe_pkg)
    assert runs() == 0


def test_only_installed_top_level_modules_not_yet_imported_are_deferred(probe: Path) -> None:
    assert defer_imports("no_such_module_anywhere", "json") == []
    with pytest.raises(ImportError):
        import no_such_module_anywhere  # noqa: F401
    assert not isinstance(sys.modules["json"], DeferredModule)
    with pytest.raises(ValueError, match="top-level"):
        defer_imports(f"{PACKAGE}.part")


def test_the_server_never_loads_the_socketio_clients_http_libraries() -> None:
    """What `flash-server run` defers, in a fresh interpreter: the chat's Socket.IO
    server imports fine, and aiohttp and requests stay unloaded until used."""
    script = textwrap.dedent(
        """
        import sys
        from server.deferred_imports import defer_imports
        deferred = defer_imports("aiohttp", "requests")
        import socketio, engineio.async_client
        loaded = [name for name in ("aiohttp.client", "requests.api") if name in sys.modules]
        print(sorted(deferred), loaded)
        session = engineio.async_client.aiohttp.ClientSession  # a client still works
        print(session.__module__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    first, second = done.stdout.splitlines()
    assert first == "['aiohttp', 'requests'] []"
    assert second == "aiohttp.client"


def test_a_server_without_redis_hides_it_and_the_chat_still_builds() -> None:
    """`hide_imports("redis")`, as `flash-server run` does without FLASH_REDIS_URL:
    Socket.IO's Redis manager sees no redis, and the chat's modules import and build."""
    script = textwrap.dedent(
        """
        import sys
        from server.deferred_imports import hide_imports
        hide_imports("redis")
        import socketio.async_redis_manager as manager
        from server.chat.fanout import make_manager
        from server.chat.viewers import RedisPresence
        print(manager.aioredis is None, type(make_manager(None, "flash")).__name__,
              "redis.client" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["True", "DirectFanout", "False"]
    hidden = subprocess.run(
        [sys.executable, "-c", "from server.deferred_imports import hide_imports; "
         "hide_imports('redis'); import redis"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert hidden.returncode != 0 and "ModuleNotFoundError" in hidden.stderr
