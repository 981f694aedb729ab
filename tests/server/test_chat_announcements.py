"""Tips highlighted in chat, as the payments domain announces them."""

from server.chat import announce_tip, chat_tip_listener
from server.payments.listeners import TipSucceeded
from tests.support.chat import connect, create_stream, guest, on_server, register
from tests.support.live_server import LiveServer

TIP = {
    "payment_id": "pay_123",
    "amount": 50000,
    "currency": "XOF",
    "payer_name": "Moussa",
    "payer_id": "user_moussa",
    "message": "For the   new  mic!",
}


async def test_a_tip_reaches_the_room_and_the_creator_and_is_kept_once(
    live_server: LiveServer,
) -> None:
    creator = await register(live_server, role="creator", name="Awa")
    stream_id = await create_stream(live_server, creator["token"])
    studio = await connect(live_server, creator["token"])  # not joined: the per-user room
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        stored = await on_server(live_server, announce_tip(live_server.app, stream_id, TIP))
        replayed = await on_server(live_server, announce_tip(live_server.app, stream_id, TIP))
        message = await fan.wait_for("message", lambda m: m["kind"] == "tip")
        tip = await fan.wait_for("tip")
        await studio.wait_for("tip")
        await studio.wait_for("message", lambda m: m["kind"] == "tip")
        history = (await fan.join(stream_id))["history"]
    finally:
        await studio.close()
        await fan.close()
    assert stored is not None and replayed == stored
    assert message["amount"] == 50000 and message["currency"] == "XOF"
    assert message["text"] == "For the new mic!" and message["author"]["name"] == "Moussa"
    assert tip["message_id"] == message["id"] and tip["payment_id"] == "pay_123"
    assert (tip["amount"], tip["currency"], tip["stream_id"]) == (50000, "XOF", stream_id)
    assert [m["id"] for m in history] == [message["id"]]
    assert len(fan.events["tip"]) == 1


async def test_the_payments_listener_announces_tips_with_and_without_a_stream(
    live_server: LiveServer,
) -> None:
    creator = await register(live_server, role="creator", name="Awa")
    stream_id = await create_stream(live_server, creator["token"])
    studio = await connect(live_server, creator["token"])
    listener = chat_tip_listener(live_server.app.state.chat)

    def succeeded(payment_id: str, stream: str | None) -> TipSucceeded:
        return TipSucceeded(
            payment_id=payment_id, creator_id=creator["id"], stream_id=stream,
            amount=2500, currency="KES", payer_name="", message=None,
        )

    try:
        await on_server(live_server, listener(succeeded("pay_live", stream_id)))
        await on_server(live_server, listener(succeeded("pay_offline", None)))
        live_tip = await studio.wait_for("tip", lambda t: t["payment_id"] == "pay_live")
        offline_tip = await studio.wait_for("tip", lambda t: t["payment_id"] == "pay_offline")
    finally:
        await studio.close()
    assert live_tip["stream_id"] == stream_id and live_tip["payer_name"] == "A fan"
    assert offline_tip["stream_id"] is None and offline_tip["message_id"] is None
