"""`flash-server run | migrate | ledger verify`: the server's command line."""

import argparse
import sys

from server.config import ConfigError, Settings, load_settings


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"flash-server: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _migrate(settings: Settings) -> None:
    from server.db.migrate import upgrade

    upgrade(settings.resolved_database_url)


def _migrate_in_child() -> None:
    """Migrate in a short-lived child, so Alembic (~11 MB) never stays in the serving
    process: the bundled server lives beside the studio on creators' laptops."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "server", "migrate"], check=False)
    if done.returncode != 0:
        print("flash-server: the database migration failed (see above)", file=sys.stderr)
        raise SystemExit(done.returncode)


def _ledger_verify(settings: Settings) -> int:
    """Exit 0 when every ledger invariant holds, 1 when one fails, 2 when unreadable."""
    from server.ledger.command import verify_command
    from server.payments.audit import audit_payments
    from server.payouts.audit import audit_payouts

    return verify_command(settings.resolved_database_url, audits=[audit_payments, audit_payouts])


def _run(
    settings: Settings, host: str, port: int, migrate: bool, loop: str = "auto", http: str = "auto"
) -> None:
    from server.deferred_imports import defer_imports, hide_imports

    # python-socketio imports its clients' HTTP libraries (~13 MB); the server never uses them
    defer_imports("aiohttp", "requests", "websocket")
    if not settings.redis_url:
        hide_imports("redis")  # and redis for its Redis manager, which then stays unbuilt
    import uvicorn

    from server.app import create_app
    from server.gc_settings import settle_for_serving
    from server.logs import configure_logging

    configure_logging(settings.log_level)
    if migrate:
        _migrate_in_child()
    app = create_app(settings)
    settle_for_serving()
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop=loop,
        http=http,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # Off, as in Node's socket.io: chat packets are small, and each compressing
        # client costs a zlib stream per connection and a compression per message.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=5,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="flash-server", description="Flash Africa Server")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve the API")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not apply pending migrations first (when a separate job runs them)",
    )
    # uvicorn's: "auto" takes uvloop and httptools where installed (faster under load);
    # the studio's bundled server asks for the standard library's, which hold less memory.
    run.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto")
    run.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto")
    commands.add_parser("migrate", help="apply pending database migrations")
    ledger = commands.add_parser("ledger", help="check the money ledger")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_commands.add_parser(
        "verify", help="recompute every balance from the postings and check every invariant"
    )
    args = parser.parse_args(argv)

    settings = _settings_or_exit()
    if args.command == "migrate":
        _migrate(settings)
        print("flash-server: database is up to date")
    elif args.command == "ledger":
        raise SystemExit(_ledger_verify(settings))
    elif args.command == "run":
        _run(settings, args.host, args.port, not args.no_migrate, loop=args.loop, http=args.http)


if __name__ == "__main__":
    main()
