"""Why a payout failed, as the creator reads it, in English and French."""

FAILURE_MESSAGES: dict[str, dict[str, str]] = {
    "recipient_unregistered": {
        "en": "This number cannot receive M-Pesa payments. Your balance was not touched.",
        "fr": "Ce numéro ne peut pas recevoir de paiements M-Pesa. Votre solde est intact.",
    },
    "provider_insufficient_funds": {
        "en": "Payouts are paused by the payment provider. Your balance was not touched; "
        "try again later.",
        "fr": "Les retraits sont suspendus par le fournisseur de paiement. Votre solde est "
        "intact ; réessayez plus tard.",
    },
    "provider_declined": {
        "en": "The payment provider declined the payout. Your balance was not touched.",
        "fr": "Le fournisseur de paiement a refusé le retrait. Votre solde est intact.",
    },
    "provider_rejected": {
        "en": "The payment provider refused the payout request. Your balance was not touched.",
        "fr": "Le fournisseur de paiement a refusé la demande de retrait. Votre solde est intact.",
    },
    "provider_unavailable": {
        "en": "The payment provider could not be reached, so nothing was sent. "
        "Your balance was not touched.",
        "fr": "Le fournisseur de paiement était injoignable : rien n'a été envoyé. "
        "Votre solde est intact.",
    },
}


# Where a method needs other words than M-Pesa's, by payout method.
METHOD_FAILURE_MESSAGES: dict[str, dict[str, dict[str, str]]] = {
    "mtn_momo": {
        "recipient_unregistered": {
            "en": "This number has no MTN MoMo account to receive the payout. "
            "Your balance was not touched.",
            "fr": "Ce numéro n'a pas de compte MTN MoMo pour recevoir le retrait. "
            "Votre solde est intact.",
        },
    },
}


def payout_failure_message(code: str, language: str, method: str = "mpesa") -> str:
    messages = METHOD_FAILURE_MESSAGES.get(method, {}).get(code) or FAILURE_MESSAGES.get(
        code, FAILURE_MESSAGES["provider_declined"]
    )
    return messages.get(language, messages["en"])
