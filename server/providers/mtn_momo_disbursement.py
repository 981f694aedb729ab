"""MTN MoMo Open API, Disbursements: a transfer to a creator's MoMo wallet and its status.

Hand-written over httpx, like Collections (`mtn_momo.py`): MTN publishes no maintained
Python library for the Open API. It is a `MomoProductClient` of its own product
(`disbursement`): MTN issues Disbursements its own API user, API key and subscription
key, and so its own token, while the base URL and target environment are shared with
Collections. The token cache and transport failure rules are `oauth_client.py`'s.
`SandboxMomoDisbursement` (`mtn_momo_disbursement_sandbox.py`) answers the same
`DisbursementApi` when those credentials are not set.

MoMo shapes (https://momodeveloper.mtn.com, "Disbursement"):
- `POST /disbursement/token/` as for every product (basic auth + subscription key).
- `POST /disbursement/v1_0/transfer` with `X-Reference-Id` (a UUID v4 derived from the
  payout id: the same on every retry, so MoMo answers a second send 409
  `RESOURCE_ALREADY_EXIST` instead of paying twice), `X-Target-Environment`,
  `X-Callback-Url`; body `{"amount" (a string, major units), "currency", "externalId",
  "payee": {"partyIdType": "MSISDN", "partyId"}, "payerMessage", "payeeNote"}` → 202.
- `GET /disbursement/v1_0/transfer/{referenceId}` → `{"status" (PENDING, SUCCESSFUL,
  FAILED), "reason", "financialTransactionId", "amount", "currency", "externalId",
  "payee", ...}`; 404 `RESOURCE_NOT_FOUND` for a reference MoMo never created.
- MoMo calls back once (PUT on `X-Callback-Url`) with that same body, unsigned.

A callback is therefore never believed on its own word: it is accepted only on the
payout's own unguessable URL, and then only makes us ask MoMo (the GET above); the
payouts domain applies that answer once. A transfer whose answer was lost is settled
by the same GET, which can tell a created transfer (safe: sending again meets 409)
from one MoMo never saw.
"""

from dataclasses import dataclass
from typing import Protocol

from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable
from server.providers.mtn_momo import (
    MOMO,
    MomoProductClient,
    RequestToPayStatus,
    error_of,
    parse_status,
)
from server.providers.oauth_client import json_object

DISBURSEMENT = "disbursement"
NOT_FOUND = "RESOURCE_NOT_FOUND"

TransferStatus = RequestToPayStatus
"""A transfer's status answer reads exactly like a request to pay's."""


@dataclass(frozen=True)
class Transfer:
    reference_id: str  # X-Reference-Id: `momo_reference_id(DISBURSEMENT, payout_id)`
    amount: str  # major units, as MoMo wants it: "5000", "12.50"
    currency: str
    external_id: str  # the payout id
    payee_msisdn: str  # international digits without '+': "256772123456"
    payer_message: str
    payee_note: str
    callback_url: str


class DisbursementApi(Protocol):
    """The part of MoMo Disbursements the payouts domain uses; MoMo and the sandbox speak it."""

    async def transfer(self, transfer: Transfer) -> None:
        """Accepted (202), or already accepted under this reference (409): both return."""
        ...

    async def transfer_status(self, reference_id: str) -> TransferStatus:
        """Raises `ProviderRefused` with code `RESOURCE_NOT_FOUND` for an unknown reference."""
        ...

    async def aclose(self) -> None: ...


class MomoDisbursements(MomoProductClient):
    product = DISBURSEMENT

    async def transfer(self, transfer: Transfer) -> None:
        body = {
            "amount": transfer.amount,
            "currency": transfer.currency,
            "externalId": transfer.external_id,
            "payee": {"partyIdType": "MSISDN", "partyId": transfer.payee_msisdn},
            "payerMessage": transfer.payer_message,
            "payeeNote": transfer.payee_note,
        }
        headers = {
            "X-Reference-Id": transfer.reference_id,
            "X-Callback-Url": transfer.callback_url,
        }
        response = await self.send(
            "POST", "/v1_0/transfer", headers=headers, body=body, sends_money=True
        )
        if response.status_code in (202, 409):
            return  # 409: an earlier attempt under this very reference reached MoMo
        if response.status_code >= 500:
            # Money leaves us: MoMo may have created the transfer before failing. The
            # caller asks (`transfer_status`) before deciding it never left.
            raise ProviderUncertain(f"MoMo answered the transfer with HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*error_of(response))
        raise ProviderUncertain(f"MoMo answered the transfer with HTTP {response.status_code}")

    async def transfer_status(self, reference_id: str) -> TransferStatus:
        response = await self.send("GET", f"/v1_0/transfer/{reference_id}", sends_money=False)
        if response.status_code >= 500:
            raise ProviderUnreachable(f"MoMo answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise ProviderRefused(*error_of(response))
        data = json_object(response, MOMO.provider)
        status = data.get("status")
        if not isinstance(status, str) or not status:
            raise ProviderUnreachable("MoMo's transfer status answer has no status")
        return parse_status(data)
