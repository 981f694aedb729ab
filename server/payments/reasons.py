"""What the payer reads: failure reasons and prompts, in English and French."""

from server.contract.money import format_amount

FAILURE_MESSAGES: dict[str, dict[str, str]] = {
    "payer_cancelled": {
        "en": "You cancelled the payment on your phone.",
        "fr": "Vous avez annulé le paiement sur votre téléphone.",
    },
    "insufficient_funds": {
        "en": "Your balance is too low for this payment.",
        "fr": "Votre solde est insuffisant pour ce paiement.",
    },
    "wrong_pin": {
        "en": "The PIN entered was wrong, so the payment was not made.",
        "fr": "Le code PIN saisi était incorrect : le paiement n'a pas été effectué.",
    },
    "payer_timeout": {
        "en": "Your phone did not answer in time, so the payment request expired.",
        "fr": "Votre téléphone n'a pas répondu à temps : la demande de paiement a expiré.",
    },
    "provider_declined": {
        "en": "The payment provider declined the payment.",
        "fr": "Le fournisseur de paiement a refusé le paiement.",
    },
    "provider_rejected": {
        "en": "The payment provider refused the payment request.",
        "fr": "Le fournisseur de paiement a refusé la demande de paiement.",
    },
    "provider_unconfirmed": {
        "en": "The payment provider never confirmed this payment, so it expired.",
        "fr": "Le fournisseur de paiement n'a jamais confirmé ce paiement : il a expiré.",
    },
}


def failure_message(code: str, language: str) -> str:
    messages = FAILURE_MESSAGES.get(code, FAILURE_MESSAGES["provider_declined"])
    return messages.get(language, messages["en"])


def approve_on_phone_message(provider_name: str, amount: int, currency: str, language: str) -> str:
    money = format_amount(amount, currency)
    if language == "fr":
        return (
            f"Validez le paiement de {money} sur votre téléphone avec votre code {provider_name}."
        )
    return f"Approve the payment of {money} on your phone with your {provider_name} PIN."
