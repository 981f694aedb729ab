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
    "payer_not_found": {
        "en": "This phone number has no mobile money account, so the payment was not made.",
        "fr": "Ce numéro n'a pas de compte mobile money : le paiement n'a pas été effectué.",
    },
    "payer_limit_reached": {
        "en": "Your mobile money account has reached its limit, so the payment was not made.",
        "fr": "Votre compte mobile money a atteint sa limite : le paiement n'a pas été effectué.",
    },
    "payment_expired": {
        "en": "The payment page expired before the payment was made.",
        "fr": "La page de paiement a expiré avant que le paiement soit effectué.",
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
    "card_declined": {
        "en": "Your card was declined. Try another card: that is a new payment.",
        "fr": "Votre carte a été refusée. Essayez une autre carte : ce sera un nouveau paiement.",
    },
    "expired_card": {
        "en": "Your card has expired, so the payment was not made.",
        "fr": "Votre carte a expiré : le paiement n'a pas été effectué.",
    },
    "incorrect_cvc": {
        "en": "The card's security code (CVC) was wrong, so the payment was not made.",
        "fr": "Le code de sécurité (CVC) de la carte était incorrect : le paiement n'a pas "
        "été effectué.",
    },
    "payer_left": {
        "en": "You left the payment page without paying, so the payment was cancelled.",
        "fr": "Vous avez quitté la page de paiement sans payer : le paiement a été annulé.",
    },
    "card_not_completed": {
        "en": "The card payment was not completed in time, so it expired.",
        "fr": "Le paiement par carte n'a pas été terminé à temps : il a expiré.",
    },
    "refund_refused": {
        "en": "The payment provider refused the refund.",
        "fr": "Le fournisseur de paiement a refusé le remboursement.",
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
