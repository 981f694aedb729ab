"""Payments per second, end to end through the M-Pesa sandbox, on SQLite and on PostgreSQL
(when FLASH_TEST_DATABASE_URL is set).

Each payment is a real `POST /payments` over HTTP, the sandbox's callback over
HTTP into our webhook, its STK query, the conditional status change and the
two ledger entries. Prints the figure; asserts only that no money went astray.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from server.config import Settings
from tests.conftest import TEST_SECRET
from tests.support.databases import backends, fresh_database
from tests.support.live_server import free_port
from tests.support.payments import ledger_verify, pay, query, register, serve_money_app, tip

PAYMENTS = 300
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CLIENTS = int(__import__("os").environ.get("BENCH_CLIENTS", "8"))


@pytest.mark.benchmark
@pytest.mark.parametrize("backend", backends())
def test_payment_throughput(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            secret_key=TEST_SECRET,
            rtmp_port=0,
            public_url=f"http://127.0.0.1:{free_port()}",
            mpesa_sandbox_delay_s=0,
            log_level="WARNING",
        )
        with serve_money_app(settings) as server, server.client() as client:
            creator_id, _ = register(client)
            fans = [register(client, role="fan")[1] for _ in range(CLIENTS)]

            def pay_many(worker: int) -> None:
                with server.client() as http:
                    for i in range(worker, PAYMENTS, CLIENTS):
                        body = tip(creator_id, amount=10_000 + 100 * i)
                        assert pay(http, fans[worker], body).status_code == 201

            started = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(pay_many, range(CLIENTS)))
            created = time.perf_counter()
            deadline = created + 120
            while time.perf_counter() < deadline:
                done = query(url, "SELECT COUNT(*) FROM payments WHERE status = 'succeeded'")[0][0]
                if done == PAYMENTS:
                    break
                time.sleep(0.02)
            finished = time.perf_counter()
        assert done == PAYMENTS
        entries = query(url, "SELECT COUNT(*) FROM ledger_entries")[0][0]
        assert entries == 2 * PAYMENTS
        status, output = ledger_verify(url, str(tmp_path))
        assert status == 0, output
    total = finished - started
    print(
        f"\npayments end to end (sandbox M-Pesa, {NAMES[backend]}, {CLIENTS} clients): "
        f"{PAYMENTS / total:.1f} payments/s ({PAYMENTS} in {total:.2f} s; "
        f"creates alone {PAYMENTS / (created - started):.1f}/s)"
    )
