"""The creator's words for payment kinds, methods and statuses, in their language."""

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def kind_name(kind: str) -> str:
    names = {
        "tip": translate("Earnings", "Tip"),
        "ticket": translate("Earnings", "Ticket"),
        "subscription": translate("Earnings", "Subscription"),
    }
    return names.get(kind, kind)


def method_name(method: str) -> str:
    names = {
        "card": translate("Earnings", "Card"),
        "mpesa": "M-Pesa",
        "orange_money": "Orange Money",
        "mtn_momo": "MTN MoMo",
    }
    return names.get(method, method)


STATUSES = ("succeeded", "pending", "cancelled", "failed", "expired")


def status_name(status: str) -> str:
    names = {
        "pending": translate("Earnings", "Pending"),
        "succeeded": translate("Earnings", "Paid"),
        "failed": translate("Earnings", "Failed"),
        "cancelled": translate("Earnings", "Cancelled"),
        "expired": translate("Earnings", "Expired"),
    }
    return names.get(status, status)


KINDS = ("tip", "ticket", "subscription")
METHODS = ("card", "mpesa", "orange_money", "mtn_momo")


def _folded(text: str) -> str:
    """Letters and digits only, case-folded: `M-Pesa`, `mpesa` and `M Pesa` all match."""
    return "".join(c for c in text.casefold() if c.isalnum())


def codes_named(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The kind and method codes whose name, as the creator reads it, contains `text`."""
    wanted = _folded(text)
    if not wanted:
        return (), ()

    def matching(codes: tuple[str, ...], name: Callable[[str], str]) -> tuple[str, ...]:
        return tuple(c for c in codes if wanted in _folded(name(c)) or wanted in _folded(c))

    return matching(KINDS, kind_name), matching(METHODS, method_name)
