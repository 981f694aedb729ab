"""The M-Pesa sandbox: a local stand-in for Daraja, used without `FLASH_MPESA_*` credentials.

A product feature (demos, training, rehearsing offline), not a test double. It
speaks the same `StkApi` as `DarajaClient`, so the payments domain runs the very
same code: the STK push is accepted at once with a `CheckoutRequestID`; after
`FLASH_MPESA_SANDBOX_DELAY_S` (about 2 s) the sandbox POSTs Daraja's callback
body (`Body.stkCallback`) to the payment's CallBackURL, our own webhook; that
callback changes nothing until the sandbox's STK query confirms it, exactly as
with Daraja. Before the delay the query answers "still being processed".

The outcome is chosen by the last four digits of the payer's phone number:

| phone ends in | ResultCode | payment ends | why                                          |
|---------------|------------|--------------|----------------------------------------------|
| `0001`        | 1032       | `cancelled`  | the payer cancelled the prompt               |
| `0002`        | 1          | `failed`     | insufficient M-Pesa balance                  |
| `0003`        | 2001       | `failed`     | wrong PIN                                    |
| `0004`        | 1037       | `expired`    | the phone never answered (timeout)           |
| `0005`        | 0          | `succeeded`  | callback lost: the sweeper's query settles it |
| anything else | 0          | `succeeded`  |                                              |

Checkouts are stateless: the outcome and the push time are written into the
`CheckoutRequestID` itself, so a query still answers after a server restart
(only an undelivered callback is lost, as it can be with Daraja).
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from server.logs import get_logger
from server.providers.callback_client import Callbacks
from server.providers.errors import ProviderRefused
from server.providers.mpesa import NAIROBI, StkPushAccepted, StkResult

log = get_logger("flash.mpesa_sandbox")

PREFIX = "ws_CO_SBX"


@dataclass(frozen=True)
class SandboxOutcome:
    result_code: int
    result_desc: str
    sends_callback: bool = True


OUTCOMES: dict[str, SandboxOutcome] = {
    "0001": SandboxOutcome(1032, "Request cancelled by user"),
    "0002": SandboxOutcome(1, "The balance is insufficient for the transaction"),
    "0003": SandboxOutcome(2001, "The initiator information is invalid"),
    "0004": SandboxOutcome(1037, "DS timeout user cannot be reached"),
    "0005": SandboxOutcome(
        0, "The service request is processed successfully.", sends_callback=False
    ),
}
SUCCESS = SandboxOutcome(0, "The service request is processed successfully.")


def outcome_for(phone: str) -> tuple[str, SandboxOutcome]:
    """The sandbox's answer for a payer's phone, and the table row (`"0001"`, ...) it came from."""
    suffix = phone[-4:]
    return (suffix, OUTCOMES[suffix]) if suffix in OUTCOMES else ("other", SUCCESS)


class SandboxMpesa:
    def __init__(self, *, delay_s: float = 2.0, clock: Callable[[], float] = time.time) -> None:
        self._delay_s = delay_s
        self._clock = clock
        self._callbacks = Callbacks(log)

    async def stk_push(
        self,
        *,
        phone: str,
        amount: int,
        account_reference: str,
        description: str,
        callback_url: str,
    ) -> StkPushAccepted:
        if not (phone.isdigit() and phone.startswith("254") and len(phone) == 12):
            raise ProviderRefused("400.002.02", "Bad Request - Invalid PhoneNumber")
        if amount < 1:
            raise ProviderRefused("400.002.02", "Bad Request - Invalid Amount")
        suffix, outcome = outcome_for(phone)
        pushed_ms = int(self._clock() * 1000)
        checkout = f"{PREFIX}_{pushed_ms}_{suffix}_{secrets.token_hex(6)}"
        merchant = f"SBX-{secrets.token_hex(4)}"
        if outcome.sends_callback:
            # After a payer's while, like Daraja: once, without retries.
            self._callbacks.send_later(
                self._delay_s,
                "POST",
                callback_url,
                partial(callback_body, checkout, merchant, outcome, amount, phone),
                undelivered="sandbox_callback_undelivered",
                checkout=checkout,
            )
        return StkPushAccepted(
            checkout_request_id=checkout,
            merchant_request_id=merchant,
            customer_message="Success. Request accepted for processing",
        )

    async def stk_query(self, checkout_request_id: str) -> StkResult | None:
        parts = checkout_request_id.split("_")
        if (
            len(parts) != 6
            or f"{parts[0]}_{parts[1]}_{parts[2]}" != PREFIX
            or not parts[3].isdigit()
        ):
            raise ProviderRefused("400.002.02", "Bad Request - Invalid CheckoutRequestID")
        pushed_s, suffix = int(parts[3]) / 1000, parts[4]
        if self._clock() < pushed_s + self._delay_s:
            return None
        outcome = OUTCOMES.get(suffix, SUCCESS)
        return StkResult(result_code=outcome.result_code, result_desc=outcome.result_desc)

    async def aclose(self) -> None:
        await self._callbacks.aclose()


def callback_body(
    checkout: str, merchant: str, outcome: SandboxOutcome, amount: int, phone: str
) -> dict[str, Any]:
    """Daraja's STK callback shape; metadata only when the payment went through."""
    callback: dict[str, Any] = {
        "MerchantRequestID": merchant,
        "CheckoutRequestID": checkout,
        "ResultCode": outcome.result_code,
        "ResultDesc": outcome.result_desc,
    }
    if outcome.result_code == 0:
        callback["CallbackMetadata"] = {
            "Item": [
                {"Name": "Amount", "Value": amount},
                {"Name": "MpesaReceiptNumber", "Value": "SBX" + secrets.token_hex(4).upper()},
                {
                    "Name": "TransactionDate",
                    "Value": int(datetime.now(NAIROBI).strftime("%Y%m%d%H%M%S")),
                },
                {"Name": "PhoneNumber", "Value": int(phone)},
            ]
        }
    return {"Body": {"stkCallback": callback}}
