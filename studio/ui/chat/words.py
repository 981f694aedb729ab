"""What the chat says to a creator, in their language: refusals, states and message lines.

The server's refusals come with a code; each code a creator meets is said here in
plain words Qt translates, with the seconds to wait where there are some.
"""

import math
import re

from PySide6.QtCore import QCoreApplication

from server.contract.chat import ChatMessage, ChatRole
from studio.core.chat_client import ChatRefused, ChatState, ChatStatus
from studio.core.errors import FlashError
from studio.ui.chat.money import format_money

translate = QCoreApplication.translate


def refusal_text(error: FlashError) -> str:
    """One line shown next to the send box (or the moderation controls)."""
    wait = math.ceil(error.retry_after or 0) if isinstance(error, ChatRefused) else 0
    code = error.code
    if code == "empty":
        return translate("Chat", "Write something first.")
    if code == "too_long":
        return translate("Chat", "This message is too long: keep it under 500 characters.")
    if code == "rate_limited":
        return translate("Chat", "You are sending too fast. Wait %n s.", "", max(wait, 1))
    if code == "slow_mode":
        return translate(
            "Chat", "Slow mode is on: wait %n s before your next message.", "", max(wait, 1)
        )
    if code == "banned" and wait:
        return translate("Chat", "You are timed out: %n s left.", "", wait)
    if code == "banned":
        return translate("Chat", "You were banned from this chat.")
    if code == "members_only":
        return translate("Chat", "Only signed-in members can write here right now.")
    if code == "blocked_word":
        return translate("Chat", "This message contains a word you blocked.")
    if code in ("not_joined", "unknown_stream"):
        return translate("Chat", "This chat is not open. Pick a stream first.")
    if code == "forbidden":
        return translate("Chat", "Only the creator and their moderators can do this.")
    if code == "not_found":
        return translate("Chat", "This message is no longer there.")
    if code in ("chat_offline", "unreachable", "no_server"):
        return translate(
            "Chat", "The chat is not connected, so nothing was sent. Try again in a moment."
        )
    return error.message


def status_text(status: ChatStatus) -> str:
    if status.state is ChatState.CONNECTED:
        return translate("Chat", "Connected")
    if status.state is ChatState.RECONNECTING and status.retry_in:
        return translate(
            "Chat",
            "Reconnecting… next try in %n s. Messages sent meanwhile will appear.",
            "",
            math.ceil(status.retry_in),
        )
    if status.state is ChatState.RECONNECTING:
        return translate("Chat", "Reconnecting… Messages sent meanwhile will appear.")
    if status.state is ChatState.CONNECTING:
        return translate("Chat", "Connecting to the chat…")
    return translate("Chat", "The chat is offline.")


def message_line(message: ChatMessage) -> str:
    """`Name · text`; a tip leads with who gave how much."""
    name = message.author.name
    if message.author.role is ChatRole.CREATOR:
        name = translate("Chat", "%1 (you)").replace("%1", name)
    elif message.author.role is ChatRole.MODERATOR:
        name = translate("Chat", "%1 (moderator)").replace("%1", name)
    if message.kind == "tip" and message.amount is not None and message.currency:
        amount = format_money(message.amount, message.currency)
        head = fill(translate("Chat", "%1 tipped %2"), name, amount)
        return f"★ {head}" + (f" — {message.text}" if message.text else "")
    if message.kind == "member":
        return "★ " + translate("Chat", "%1 subscribed").replace("%1", message.author.name)
    return fill(translate("Chat", "%1: %2"), name, message.text)


def fill(template: str, *values: str) -> str:
    """Put values in for %1, %2... in one pass, so a name holding "%2" stays as written."""
    return re.sub(r"%(\d)", lambda m: values[int(m.group(1)) - 1], template)
