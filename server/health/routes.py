"""`GET /health`: what the studio waits for, and what operators probe."""

from fastapi import APIRouter, Request

from server import __version__
from server.contract.health import Health, ProviderStatus
from server.deps import SettingsDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(request: Request, settings: SettingsDep) -> Health:
    database_ok = await request.app.state.database.ping()
    modes = settings.provider_modes()
    return Health(
        status="ok" if database_ok else "degraded",
        version=__version__,
        database="ok" if database_ok else "unavailable",
        providers=[ProviderStatus(name=name, mode=mode) for name, mode in modes.items()],
        sandbox=any(mode == "sandbox" for mode in modes.values()),
        rtmp_port=getattr(request.app.state, "rtmp_port", None),
    )
