"""What to tell the user about a `FlashError`, in their language, and next to which field.

The server speaks English; the messages a creator meets most often are said
again here in plain words that Qt translates. Anything else is shown as the
server wrote it.
"""

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from studio.core.account_forms import REQUIRED
from studio.core.errors import FlashError, RateLimited, ServerUnreachable

translate = QCoreApplication.translate

SESSION_ENDED_CODES = ("invalid_token", "token_reused", "not_signed_in")


@dataclass
class Explanation:
    """Messages keyed by form field, plus one for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: str = ""


def field_message(name: str, fallback: str) -> str:
    """A plainer message for a field the server or the contract refused."""
    known = {
        "email": translate("Messages", "Enter a valid email address, like awa@example.com."),
        "phone": translate(
            "Messages", "Write the phone number with its country code, like +254712345678."
        ),
        "password": translate(
            "Messages", "Use at least 10 characters, mixing letters with digits or symbols."
        ),
        "display_name": translate(
            "Messages", "Enter the name your fans will see (1 to 60 characters)."
        ),
        "country": translate("Messages", "Choose your country from the list."),
        "currency": translate("Messages", "Choose your currency from the list."),
        "language": translate("Messages", "Choose English or French."),
        "role": translate("Messages", "Choose creator or fan."),
        "server_url": translate(
            "Messages", "A server address starts with http:// or https://, then the host name."
        ),
    }
    return known.get(name, fallback)


def required_message(name: str) -> str:
    """What to say about a box left empty."""
    known = {
        "login": translate("Messages", "Enter your email or phone number."),
        "password": translate("Messages", "Enter your password."),
        "display_name": translate("Messages", "Enter the name your fans will see."),
        "country": translate("Messages", "Choose your country from the list."),
    }
    return known.get(name, translate("Messages", "This is required."))


def explain(error: FlashError) -> Explanation:
    """Split an error into per-field messages and one for the whole form."""
    if isinstance(error, ServerUnreachable):
        return Explanation(
            general=translate(
                "Messages",
                "Can't reach the server right now. The studio keeps trying; try again in a moment.",
            )
        )
    if isinstance(error, RateLimited):
        return Explanation(
            general=translate(
                "Messages", "Too many tries. Wait %n second(s), then try again.", "",
                error.retry_after,
            )
        )
    if error.code == "account_exists":
        message = translate(
            "Messages",
            "An account with this email or phone number already exists. Sign in instead.",
        )
        return Explanation(fields={name: message for name in error.fields or ("email",)})
    if error.code == "wrong_credentials":
        return Explanation(general=translate("Messages", "Wrong email, phone number or password."))
    if error.code in SESSION_ENDED_CODES:
        return Explanation(
            general=translate("Messages", "Your sign-in has ended. Please sign in again.")
        )
    fields = {
        name: required_message(name) if text == REQUIRED else field_message(name, text)
        for name, text in error.fields.items()
        if name
    }
    return Explanation(fields=fields, general="" if fields else error.message)
