"""packaging/logging: the Elasticsearch index template maps every field the server really
logs, with a type its values fit (a value that does not fit is a rejected document).

The log lines come from `flash-server run` as an operator starts it, in a child process:
the logging set-up is the command's, and stays out of this test process.
"""

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.packaging.server_process import clean_env, running_server

LOGGING = Path(__file__).resolve().parents[2] / "packaging" / "logging"
README = LOGGING.parent / "README.md"
FITS = {
    str: {"keyword", "text", "match_only_text", "date"},
    int: {"byte", "short", "integer", "long", "float", "double"},
    float: {"float", "double", "half_float", "scaled_float"},
    bool: {"boolean"},
}


def _json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((LOGGING / name).read_text())
    return loaded


def _template() -> dict[str, Any]:
    return _json("elasticsearch-index-template.json")


def _pipeline() -> dict[str, Any]:
    return _json("elasticsearch-ingest-pipeline.json")


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """What a real server writes on stderr for start-up (with migrations) and requests."""
    workdir = tmp_path_factory.mktemp("logs")
    env = clean_env(FLASH_DATA_DIR=str(workdir / "data"), FLASH_RTMP_PORT="0")
    with running_server([sys.executable, "-m", "server", "run"], env, workdir) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            client.get("/api/v1/health")
            client.get("/no-such-route")
            client.post(
                "/api/v1/auth/login", content=b"{", headers={"content-type": "application/json"}
            )
    lines = [line for line in server.stderr_lines() if line.strip()]
    assert lines
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not one JSON object per line: {line[:200]}")
    return parsed


def test_every_line_has_event_level_and_a_utc_timestamp(log_lines: list[dict[str, Any]]) -> None:
    for line in log_lines:
        assert {"event", "level", "timestamp"} <= line.keys(), line
        stamp = datetime.fromisoformat(line["timestamp"])
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0


def test_request_lines_carry_method_path_status_and_duration(
    log_lines: list[dict[str, Any]],
) -> None:
    requests = [line for line in log_lines if line["event"] == "request"]
    assert {(line["path"], line["status"]) for line in requests} >= {
        ("/api/v1/health", 200),
        ("/no-such-route", 404),
        ("/api/v1/auth/login", 400),
    }
    for line in requests:
        assert isinstance(line["method"], str) and isinstance(line["status"], int)
        assert isinstance(line["ms"], float)


def test_every_logged_field_is_mapped_with_a_type_its_values_fit(
    log_lines: list[dict[str, Any]],
) -> None:
    target = _pipeline()["processors"][0]["json"]["target_field"]
    mapped = _template()["template"]["mappings"]["properties"][target]["properties"]
    for line in log_lines:
        for field, value in line.items():
            assert field in mapped, f"{field!r} is logged but not in the index template"
            assert mapped[field]["type"] in FITS[type(value)], (
                f"{field}={value!r} does not fit a {mapped[field]['type']} field"
            )


def test_the_pipeline_and_template_name_each_other_and_the_readme_installs_both() -> None:
    template = _template()
    pipeline = template["template"]["settings"]["index.default_pipeline"]
    steps = {next(iter(step)): next(iter(step.values())) for step in _pipeline()["processors"]}
    assert steps["json"]["field"] == "message", "shippers put the container's line in message"
    assert steps["date"]["field"] == f"{steps['json']['target_field']}.timestamp"
    assert steps["date"]["target_field"] == "@timestamp"
    readme = README.read_text()
    assert f"_ingest/pipeline/{pipeline}" in readme
    assert "_index_template/flash-server-logs" in readme
    assert template["data_stream"] == {}, "logs are append-only: a data stream"
