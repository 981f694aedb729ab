"""`flash-studio`: open the studio window; `flash-studio go-live ...` streams without one.

The window is shown first, before anything heavy is imported: the top of this
module imports only `sys` and `typing`, and `studio.startup` (httpx, pydantic, keyring, the
bundled server) comes in once the window is on screen.
"""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncio import Event

EXIT_AFTER_SHOWN = "FLASH_STUDIO_EXIT_AFTER_SHOWN"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["go-live"]:
        return _go_live(args[1:])
    return _open_window(args)


def _go_live(args: list[str]) -> int:
    """Stream from the command line; the encoder's own module owns the arguments."""
    try:
        from studio.core.go_live_cli import main as go_live
    except ImportError as exc:
        print(f"flash-studio go-live: not available in this installation ({exc})", file=sys.stderr)
        return 2
    result = go_live(args)
    return result if isinstance(result, int) else 0


def _open_window(args: list[str]) -> int:
    import asyncio
    import logging
    import os

    import qasync
    from PySide6.QtWidgets import QApplication

    from studio import APP_NAME
    from studio.core.settings import LANGUAGE, THEME, StudioSettings
    from studio.ui.appearance import Appearance
    from studio.ui.main_window import MainWindow

    logging.basicConfig(level=logging.INFO, format="flash-studio: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    log = logging.getLogger("studio")
    app = QApplication([sys.argv[0], *args])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Flash Africa")
    app.setQuitOnLastWindowClosed(False)  # closing the window first stops the server, then quits
    settings = StudioSettings.load()
    for problem in settings.problems:
        log.warning("setting ignored: %s", problem)
    appearance = Appearance(app)
    appearance.apply_now(settings.get(LANGUAGE), settings.get(THEME))
    window = MainWindow()
    window.show()

    async def run() -> int:
        closed = asyncio.Event()  # listening before anything else: closing early still exits
        window.closing.connect(closed.set)
        _stop_on_signals(closed)
        await asyncio.sleep(0)  # one turn of the loop: the window is painted
        log.info("window shown")
        window.show_icon()
        if os.environ.get(EXIT_AFTER_SHOWN):
            return 0
        from server.deferred_imports import defer_imports

        # Imported "just in case" by httpx (for its command line) and keyring's helpers
        # (jaraco), ~4 MB that the studio never uses: each loads if something does.
        defer_imports("click", "more_itertools")
        from studio.startup import Studio

        studio = Studio(window, settings, appearance)
        await studio.start()
        await closed.wait()
        window.hide()
        await studio.shutdown()
        return 0

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code: int = loop.run_until_complete(run())
    return code


def _stop_on_signals(closed: "Event") -> None:
    """Ctrl+C or a polite kill closes the studio like the window's close button."""
    import asyncio
    import signal

    if sys.platform == "win32":
        return
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, closed.set)


if __name__ == "__main__":
    raise SystemExit(main())
