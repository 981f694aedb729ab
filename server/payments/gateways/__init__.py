"""The payment methods this server can take, each live or sandboxed by its settings."""

from typing import Literal

from server.config import Settings
from server.contract.payments import PaymentMethod
from server.errors import InvalidInput
from server.payments.gateways.base import PaymentGateway
from server.payments.gateways.card import build_card_gateway
from server.payments.gateways.mpesa import MpesaGateway
from server.payments.gateways.mtn_momo import build_momo_gateway
from server.payments.gateways.orange_money import build_orange_gateway
from server.providers.mpesa import DarajaClient, StkApi
from server.providers.mpesa_sandbox import SandboxMpesa


class Gateways:
    def __init__(self, gateways: dict[PaymentMethod, PaymentGateway]) -> None:
        self._gateways = gateways

    def for_method(self, method: PaymentMethod) -> PaymentGateway:
        gateway = self._gateways.get(method)
        if gateway is None:
            raise InvalidInput(
                f"{method.value} payments are not available on this server yet; pay with M-Pesa",
                code="method_unavailable",
                details={"field": "method"},
            )
        return gateway

    async def aclose(self) -> None:
        for gateway in self._gateways.values():
            await gateway.aclose()


def build_gateways(settings: Settings) -> Gateways:
    """Live where the provider's credentials are set, the provider's sandbox otherwise."""
    mpesa_mode: Literal["live", "sandbox"] = (
        "live" if settings.provider_modes()["mpesa"] == "live" else "sandbox"
    )
    api: StkApi
    if mpesa_mode == "live":
        assert settings.mpesa_consumer_key and settings.mpesa_consumer_secret
        assert settings.mpesa_shortcode and settings.mpesa_passkey
        api = DarajaClient(
            base_url=settings.mpesa_base_url,
            consumer_key=settings.mpesa_consumer_key,
            consumer_secret=settings.mpesa_consumer_secret,
            shortcode=settings.mpesa_shortcode,
            passkey=settings.mpesa_passkey,
            timeout_s=settings.mpesa_timeout_s,
        )
    else:
        api = SandboxMpesa(delay_s=settings.mpesa_sandbox_delay_s)
    return Gateways(
        {
            PaymentMethod.MPESA: MpesaGateway(api, mpesa_mode),
            PaymentMethod.CARD: build_card_gateway(settings),
            PaymentMethod.MTN_MOMO: build_momo_gateway(settings),
            PaymentMethod.ORANGE_MONEY: build_orange_gateway(settings),
        }
    )
