"""How the provider sandboxes call the server back: like the providers, once and without retries.

The HTTP client is made at the first callback. Every httpx client loads the certificate
bundle into a TLS context when it is built (about 1 MB each), and a server starts four
sandboxes (M-Pesa, B2C, Orange Money, MTN MoMo) whose callbacks may never come: an
idle server holds no client for them.
"""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx


class CallbackClient:
    """`request` and `aclose` of an `httpx.AsyncClient` that exists once first used."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self._timeout_s = timeout_s
        self._http: httpx.AsyncClient | None = None

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._timeout_s)
        return await self._http.request(method, url, **kwargs)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


class Callbacks:
    """A sandbox's callbacks, each sent once after a delay; closing cancels those still waiting."""

    def __init__(self, log: Any, timeout_s: float = 10.0) -> None:
        self._log = log
        self._http = CallbackClient(timeout_s)
        self._waiting: set[asyncio.Task[None]] = set()

    def send_later(
        self,
        delay_s: float,
        method: str,
        url: str,
        body: Callable[[], dict[str, Any]],
        *,
        undelivered: str,
        **log_fields: Any,
    ) -> None:
        """After `delay_s`, send what `body()` answers then; a failure logs `undelivered`."""

        async def send() -> None:
            await asyncio.sleep(delay_s)
            try:
                await self._http.request(method, url, json=body())
            except httpx.HTTPError as exc:
                # A lost callback is what the sweepers' queries are for; the URL holds a
                # token, so it is never logged.
                self._log.warning(undelivered, **log_fields, error=type(exc).__name__)

        task = asyncio.create_task(send())
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)

    async def aclose(self) -> None:
        for task in list(self._waiting):
            task.cancel()
        await asyncio.gather(*self._waiting, return_exceptions=True)
        await self._http.aclose()
