"""The Go Live screen and its panels (stream, source and preview, quality, broadcast)."""

from studio.ui.go_live.screen import GoLiveScreen

__all__ = ["GoLiveScreen"]
