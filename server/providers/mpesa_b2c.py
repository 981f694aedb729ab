"""Safaricom M-Pesa Daraja B2C (business to customer): how creator payouts are paid.

Hand-written over httpx for the same reasons as `mpesa.py` (no maintained async
SDK), over the same `DarajaConnection` and its cached OAuth token. The sandbox
twin (`mpesa_b2c_sandbox.py`) speaks the same `B2CApi`.

Daraja shapes (https://developer.safaricom.co.ke, "B2C"):
- `POST /mpesa/b2c/v3/paymentrequest` with `OriginatorConversationID` (ours: the
  payout id, the same on every retry), `InitiatorName`, `SecurityCredential`,
  `CommandID` `BusinessPayment`, `Amount` (whole shillings), `PartyA` (our
  shortcode), `PartyB` (`2547...`), `Remarks`, `QueueTimeOutURL`, `ResultURL`,
  `Occasion` → `{"ConversationID", "OriginatorConversationID", "ResponseCode": "0",
  "ResponseDescription"}`; errors are `{"requestId", "errorCode", "errorMessage"}`.
- Later Daraja POSTs the result to `ResultURL`: `{"Result": {"ResultType",
  "ResultCode", "ResultDesc", "OriginatorConversationID", "ConversationID",
  "TransactionID", "ResultParameters": {"ResultParameter": [{"Key":
  "TransactionAmount", "Value": 10}, {"Key": "TransactionReceipt", ...}, ...]}}}`.

Daraja does not sign that result. Its Transaction Status API would not help: it
answers asynchronously, by another unsigned callback. So a result is believed
only when all of these hold (the payouts domain applies the rule, `read_result`
only reads the body):
1. it arrives on the payout's own `ResultURL`, whose token is derived from the
   server secret and the payout id, stored only hashed and never logged: only
   Daraja, told it over TLS, can know it;
2. its `OriginatorConversationID` is ours (the payout id) and its `ConversationID`
   is the one Daraja gave us (or, if Daraja's answer to our request was lost,
   the first one a matching result names);
3. a success names a `TransactionID` and a `TransactionAmount` equal to what we
   sent.
Anything else changes nothing.

A payout whose result does not come is asked about with the Transaction Status
API (`POST /mpesa/transactionstatus/v1/query`, `CommandID`
`TransactionStatusQuery`, `OriginalConversationID` = ours), whose answer comes
the same way, to the payout's own `.../status` URL: `{"Result": {"ResultCode",
"ResultParameters": {"ResultParameter": [{"Key": "TransactionStatus", "Value":
"Completed"}, {"Key": "Amount"}, {"Key": "ReceiptNo"}, {"Key": "ConversationID"},
{"Key": "OriginatorConversationID"}, ...]}}}`. It is believed under the same rule
and can only confirm a payment ("Completed", our amount, a receipt): a status that
is not found or not final may only mean "not yet", so a failure is never inferred
from it. Until Daraja says, the amount stays held: money is never released or paid
without Daraja's word.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from server.providers.errors import ProviderUncertain
from server.providers.mpesa import DarajaConnection, accepted_answer, daraja_number

PAYMENT_PATH = "/mpesa/b2c/v3/paymentrequest"
COMMAND_ID = "BusinessPayment"
STATUS_PATH = "/mpesa/transactionstatus/v1/query"
STATUS_COMMAND_ID = "TransactionStatusQuery"
SHORTCODE_IDENTIFIER = "4"  # Daraja's IdentifierType for an organisation's shortcode
COMPLETED = "Completed"


@dataclass(frozen=True)
class B2CAccepted:
    conversation_id: str
    originator_conversation_id: str


@dataclass(frozen=True)
class B2CResult:
    """What a result callback says; believed only under the rule in the module docstring."""

    result_code: int
    result_desc: str
    conversation_id: str
    originator_conversation_id: str
    transaction_id: str | None
    amount: int | None  # `TransactionAmount`, whole shillings


@dataclass(frozen=True)
class B2CStatus:
    """What a Transaction Status result says about one of our payments."""

    result_code: int
    transaction_status: str | None  # "Completed" once paid
    originator_conversation_id: str | None  # of the payment asked about
    conversation_id: str | None  # of the payment asked about
    receipt: str | None
    amount: int | None  # whole shillings


class B2CApi(Protocol):
    """The part of Daraja B2C the payouts domain uses; Daraja and the sandbox both speak it."""

    async def send(
        self,
        *,
        originator_conversation_id: str,
        phone: str,
        amount: int,
        remarks: str,
        result_url: str,
        timeout_url: str,
    ) -> B2CAccepted:
        """`phone` in Daraja's form (`2547XXXXXXXX`), `amount` in whole shillings."""
        ...

    async def query_status(
        self, *, originator_conversation_id: str, result_url: str, timeout_url: str
    ) -> None:
        """Ask how our payment ended; the answer comes later, to `result_url`."""
        ...

    async def aclose(self) -> None: ...


class DarajaB2CClient:
    def __init__(
        self,
        connection: DarajaConnection,
        *,
        shortcode: str,
        initiator_name: str,
        security_credential: str,
    ) -> None:
        self._connection = connection
        self._shortcode = shortcode
        self._initiator = initiator_name
        self._credential = security_credential

    async def send(
        self,
        *,
        originator_conversation_id: str,
        phone: str,
        amount: int,
        remarks: str,
        result_url: str,
        timeout_url: str,
    ) -> B2CAccepted:
        body = {
            "OriginatorConversationID": originator_conversation_id,
            "InitiatorName": self._initiator,
            "SecurityCredential": self._credential,
            "CommandID": COMMAND_ID,
            "Amount": amount,
            "PartyA": daraja_number(self._shortcode),
            "PartyB": daraja_number(phone),
            "Remarks": remarks[:100],
            "QueueTimeOutURL": timeout_url,
            "ResultURL": result_url,
            "Occasion": "",
        }
        response = await self._connection.post(PAYMENT_PATH, body, sends_money=True)
        data = accepted_answer(response, sends_money=True)
        conversation = data.get("ConversationID")
        if not isinstance(conversation, str) or not conversation:
            raise ProviderUncertain("Daraja accepted the payout without a ConversationID")
        return B2CAccepted(
            conversation_id=conversation,
            originator_conversation_id=str(
                data.get("OriginatorConversationID") or originator_conversation_id
            ),
        )

    async def query_status(
        self, *, originator_conversation_id: str, result_url: str, timeout_url: str
    ) -> None:
        body = {
            "Initiator": self._initiator,
            "SecurityCredential": self._credential,
            "CommandID": STATUS_COMMAND_ID,
            "OriginalConversationID": originator_conversation_id,
            "PartyA": daraja_number(self._shortcode),
            "IdentifierType": SHORTCODE_IDENTIFIER,
            "ResultURL": result_url,
            "QueueTimeOutURL": timeout_url,
            "Remarks": "Flash Africa payout check",
            "Occasion": "",
        }
        response = await self._connection.post(STATUS_PATH, body, sends_money=False)
        accepted_answer(response, sends_money=False)

    async def aclose(self) -> None:
        await self._connection.aclose()


def read_status(body: Any) -> B2CStatus | None:
    """Read a Transaction Status result; None when it is not that shape."""
    result = body.get("Result") if isinstance(body, dict) else None
    if not isinstance(result, dict):
        return None
    try:
        code = int(str(result.get("ResultCode")))
    except ValueError:
        return None
    parameters = _parameters(result.get("ResultParameters"))

    def text(key: str, limit: int) -> str | None:
        value = parameters.get(key)
        return str(value)[:limit] if value not in (None, "") else None

    return B2CStatus(
        result_code=code,
        transaction_status=text("TransactionStatus", 40),
        originator_conversation_id=text("OriginatorConversationID", 100),
        conversation_id=text("ConversationID", 100),
        receipt=text("ReceiptNo", 40),
        amount=_whole(parameters.get("Amount")),
    )


def read_result(body: Any) -> B2CResult | None:
    """Read Daraja's result callback; None when it is not that shape."""
    result = body.get("Result") if isinstance(body, dict) else None
    if not isinstance(result, dict):
        return None
    conversation = result.get("ConversationID")
    originator = result.get("OriginatorConversationID")
    try:
        code = int(str(result.get("ResultCode")))
    except ValueError:
        return None
    if not isinstance(conversation, str) or not isinstance(originator, str):
        return None
    transaction = result.get("TransactionID")
    parameters = _parameters(result.get("ResultParameters"))
    amount = parameters.get("TransactionAmount")
    return B2CResult(
        result_code=code,
        result_desc=str(result.get("ResultDesc", ""))[:200],
        conversation_id=conversation[:100],
        originator_conversation_id=originator[:100],
        transaction_id=transaction[:40] if isinstance(transaction, str) and transaction else None,
        amount=_whole(amount),
    )


def _parameters(raw: Any) -> dict[str, Any]:
    """`{"ResultParameter": [{"Key", "Value"}, ...]}` (one item may come as a bare object)."""
    items = raw.get("ResultParameter") if isinstance(raw, dict) else None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return {}
    return {
        str(item["Key"]): item.get("Value")
        for item in items
        if isinstance(item, dict) and "Key" in item
    }


def _whole(value: Any) -> int | None:
    """Daraja writes amounts as numbers (`10`, `10.0`) or strings; only whole ones count."""
    try:
        number = float(str(value))
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None
