"""Engine.IO sockets that write to an idle WebSocket at once instead of waking a task.

python-engineio gives each WebSocket a writer task that takes packets off a queue, and
waits for each one with `asyncio.wait_for(queue.get(), ...)`, which on Python 3.11
wraps every read in a new task and a timer. A room emit puts one packet on each fan's
queue, so at 1,000 fans and 20 messages a second that was 20,000 queue hand-offs,
tasks and timers a second: most of the server's CPU in the chat fan-out benchmark.

`FanoutSocket` keeps the library's queue and writer for order and for slow clients,
and adds two shortcuts once a socket is on the WebSocket transport:

- When the writer is parked on an empty queue, nothing is ahead of a new packet, so
  `send` writes it straight away. The ASGI send of an open WebSocket normally finishes
  without suspending; if it does suspend (the client reads slowly and the server's
  buffer is full), the write is parked for the writer task to finish, and every later
  packet queues behind it, so one slow fan never holds up the rest of the room.
- The writer waits on the queue without a timer: the socket's reader waits on the
  client with the same timeout and, when it ends for any reason, queues the `None`
  that ends the writer.

Long-polling keeps the library's behaviour. Built on python-engineio 4's `AsyncSocket`
(python-socketio is pinned `<6`); `FanoutServer` puts it under each new connection.
Should a later engineio stop calling `_websocket_handler` or `poll`, the shortcut never
opens (it needs both) and every packet takes the library's own path.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any

import socketio
from engineio.async_socket import AsyncSocket


class _ParkedWrite:
    """A direct write whose ASGI send suspended; the writer task finishes it."""

    def __init__(self, write: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
        self.write = write
        self.waiting_on = waiting_on

    async def finish(self) -> None:
        """Drive the suspended send to its end, as a task would."""
        waiting_on = self.waiting_on
        while True:
            if waiting_on is None:  # a bare yield: give the loop one turn
                await asyncio.sleep(0)
            else:  # its outcome reaches the send when it resumes, as under a task
                waiting_on._asyncio_future_blocking = False
                await asyncio.wait([waiting_on])
            try:
                waiting_on = self.write.send(None)
            except StopIteration:
                return


class FanoutSocket(AsyncSocket):  # type: ignore[misc]
    _ws: Any = None  # the Engine.IO WebSocket driver while the writer can be bypassed
    _parked = False  # the writer waits on an empty queue

    async def _websocket_handler(self, ws: Any) -> Any:
        self._ws = ws
        try:
            return await super()._websocket_handler(ws)
        finally:
            self._ws = None

    async def send(self, pkt: Any) -> None:
        """Write now when nothing is queued or in flight; otherwise queue as usual."""
        if not (self._parked and self._ws is not None and self.queue.empty()):
            await super().send(pkt)
            return
        if not await self.check_ping_timeout():
            return
        write = self._ws.send(pkt.encode())
        try:
            waiting_on = write.send(None)
        except StopIteration:
            return
        except Exception:
            # The link is gone: what follows goes to the writer, which fails and ends
            # the socket the library's way.
            self._ws = None
            return
        self.queue.put_nowait(_ParkedWrite(write, waiting_on))

    async def poll(self) -> list[Any]:
        """Every packet queued so far, finishing a parked write first."""
        if not self.upgraded:
            packets: list[Any] = await super().poll()
            return packets
        queue: asyncio.Queue[Any] = self.queue
        batch: list[Any] = []
        while not batch:
            if queue.empty():
                self._parked = True
                try:
                    item = await queue.get()
                finally:
                    self._parked = False
            else:
                item = queue.get_nowait()
            queue.task_done()
            if item is None:
                return []
            if isinstance(item, _ParkedWrite):
                if not await _finished(item):
                    return []
                continue
            batch.append(item)
        # A parked write only ever enters an empty queue (see `send`), so what follows
        # the first item is packets, up to the end marker at most.
        while not queue.empty():
            item = queue.get_nowait()
            queue.task_done()
            if item is None:  # the end: send what came before it, then stop
                queue.put_nowait(None)
                break
            batch.append(item)
        return batch


async def _finished(parked: _ParkedWrite) -> bool:
    try:
        await parked.finish()
    except Exception:
        return False  # the link is gone: end the writer like a failed send
    return True


class FanoutServer(socketio.AsyncServer):  # type: ignore[misc]
    """A Socket.IO server whose Engine.IO sockets are `FanoutSocket`s."""

    async def _handle_eio_connect(self, eio_sid: str, environ: dict[str, Any]) -> Any:
        # Engine.IO raises this event before it starts the socket's transport, so the
        # socket's writer and sends are `FanoutSocket`'s from the first packet on.
        socket = self.eio.sockets.get(eio_sid)
        if type(socket) is AsyncSocket:
            socket.__class__ = FanoutSocket
        return await super()._handle_eio_connect(eio_sid, environ)
