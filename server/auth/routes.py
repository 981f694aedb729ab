"""`/auth/*` and `/me`: thin handlers that parse, call the service and answer."""

from fastapi import APIRouter, Request, Response, status

from server.auth import service
from server.auth.ratelimit import LoginThrottle
from server.auth.repository import AuthRepository
from server.contract.auth import (
    GuestRequest,
    GuestToken,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    User,
)
from server.contract.errors import ErrorBody
from server.deps import PrincipalDep, SessionDep, SettingsDep

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 409, 413, 422, 429)
}
router = APIRouter(tags=["auth"], responses=ERRORS)


@router.post("/auth/register", response_model=TokenPair, status_code=status.HTTP_201_CREATED)
async def register(body: RegisterRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    return await service.register(AuthRepository(session), settings, body)


@router.post("/auth/login", response_model=TokenPair)
async def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    throttle: LoginThrottle = request.app.state.login_throttle
    client = request.client.host if request.client else "unknown"
    await throttle.check(client, str(body.email or body.phone).lower())
    return await service.login(AuthRepository(session), settings, body)


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    return await service.refresh(AuthRepository(session), settings, body.refresh_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: LogoutRequest, session: SessionDep) -> Response:
    await service.logout(AuthRepository(session), body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/guest", response_model=GuestToken, status_code=status.HTTP_201_CREATED)
async def guest(body: GuestRequest, settings: SettingsDep) -> GuestToken:
    return service.guest(settings, body)


@router.get("/me", response_model=User)
async def me(principal: PrincipalDep, session: SessionDep) -> User:
    return await service.me(AuthRepository(session), principal)
