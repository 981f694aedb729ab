"""The sweeper: on start-up and every `FLASH_PAYMENT_SWEEP_INTERVAL_S`, re-query the
payments left pending, so a callback lost while the server was down loses no money."""

import asyncio
import traceback

from server.logs import get_logger
from server.payments.service import PaymentsContext, sweep_once

log = get_logger("flash.payments")


async def run_sweeper(ctx: PaymentsContext) -> None:
    """Runs until cancelled (at shutdown); one failed sweep never stops the next."""
    while True:
        try:
            ended = await sweep_once(ctx)
            if ended:
                log.info("sweep_resolved", count=ended)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # No exc_info: a database error's text carries the statement's parameters
            # (phone numbers); our deepest frame is enough to start from.
            log.error("sweep_failed", error=type(exc).__name__, at=_where(exc))
        await asyncio.sleep(ctx.settings.payment_sweep_interval_s)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if "/server/" in frame.filename.replace("\\", "/")]
    frame = (ours or frames)[-1]
    return f"{frame.filename}:{frame.lineno}"
