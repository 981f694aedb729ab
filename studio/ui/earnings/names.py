"""The creator's words for payment kinds, methods and statuses, in their language."""

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
