"""Dashboard: how the creator's stream is doing while live."""

from studio.ui.dashboard.screen import DashboardScreen

__all__ = ["DashboardScreen"]
