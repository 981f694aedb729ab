"""Earnings: what fans paid, per currency; shown from this computer's cache, then synced."""

from studio.ui.earnings.screen import EarningsScreen

__all__ = ["EarningsScreen"]
