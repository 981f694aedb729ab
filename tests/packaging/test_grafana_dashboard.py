"""packaging/grafana/flash-server.json: a dashboard Grafana can import, whose every query
names metrics and labels that the real server's /metrics serves."""

import json
import re
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live_server import LiveServer

DASHBOARD = Path(__file__).resolve().parents[2] / "packaging" / "grafana" / "flash-server.json"
# Labels Prometheus adds when it scrapes a pod (the usual `kubernetes-pods` relabelling);
# the server cannot export them itself.
TARGET_LABELS = {"job", "instance", "namespace", "pod"}
PROMQL_WORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
}


def _dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def _panels() -> list[dict[str, Any]]:
    return [panel for panel in _dashboard()["panels"] if panel["type"] != "row"]


def _queries() -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target and every templating query."""
    found = [(panel["title"], target["expr"]) for panel in _panels() for target in panel["targets"]]
    for variable in _dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            found.append((f"${variable['name']}", variable["query"]["query"]))
    return found


def _without_strings(expr: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (label_values(...) included)."""
    text = _without_strings(expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    values = re.fullmatch(r"\s*label_values\(\s*(\w+)\s*,\s*\w+\s*\)\s*", text)
    if values:
        return {values[1]}
    names = set(re.findall(r"(?<![\w$.])[A-Za-z_:][\w:]*\b(?!\s*\()", text))
    return names - PROMQL_WORDS


def label_names(expr: str) -> set[str]:
    """Labels an expression matches on, groups by, or asks label_values for."""
    text = _without_strings(expr)
    labels: set[str] = set()
    for matchers in re.findall(r"\{([^}]*)\}", text):
        labels.update(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", matchers))
    for grouping in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", text):
        labels.update(part.strip() for part in grouping.split(",") if part.strip())
    values = re.search(r"label_values\([^,]*,\s*(\w+)\s*\)", text)
    if values:
        labels.add(values[1])
    return labels


def test_the_expression_reader_finds_names_and_labels() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le, route) (rate(flash_http_request_seconds_bucket"
        '{pod=~"$pod", route!="/metrics"}[$__rate_interval]))) / on(route) group_left up'
    )
    assert metric_names(expr) == {"flash_http_request_seconds_bucket", "up"}
    assert label_names(expr) == {"le", "route", "pod"}
    assert metric_names("label_values(flash_http_requests_total, namespace)") == {
        "flash_http_requests_total"
    }


def test_the_dashboard_imports_with_a_prometheus_datasource_variable() -> None:
    dashboard = _dashboard()
    assert dashboard["uid"] == "flash-server" and dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    for panel in _panels():
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]


def test_the_dashboard_answers_an_operators_first_questions() -> None:
    exprs = [expr for _where, expr in _queries()]
    joined = "\n".join(exprs)
    assert "sum by (route) (rate(flash_http_requests_total" in joined, "request rate by route"
    assert "sum by (status) (rate(flash_http_requests_total{" in joined, "errors by status"
    for quantile in ("0.5", "0.95", "0.99"):
        assert any(
            expr.startswith(f"histogram_quantile({quantile}, sum by (le, route)") for expr in exprs
        ), f"latency {quantile} by route"
    assert "process_resident_memory_bytes" in joined
    assert "rate(process_cpu_seconds_total" in joined


def _scrape(live_server: LiveServer) -> dict[str, set[str]]:
    """Sample name -> its label names, after some traffic (a hit, a 404, a scrape)."""
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/no-such-route").status_code == 404
        client.get("/metrics")
        body = client.get("/metrics").text
    exported: dict[str, set[str]] = {}
    routes: set[str] = set()
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            exported.setdefault(sample.name, set()).update(sample.labels)
            routes.add(sample.labels.get("route", ""))
    # The panels leave out the scraper's own requests by this exact route label.
    assert "/metrics" in routes
    return exported


def _problems(exported: dict[str, set[str]], process: bool) -> list[str]:
    problems = []
    for where, expr in _queries():
        names = metric_names(expr)
        if any(name.startswith("process_") for name in names) != process:
            continue
        known_labels = set(TARGET_LABELS)
        for name in names:
            if name not in exported:
                problems.append(f"{where}: {name} is not exported")
            known_labels |= exported.get(name, set())
        for label in label_names(expr) - known_labels:
            problems.append(f"{where}: no metric of it has a {label!r} label")
    return problems


def test_request_panels_query_what_the_server_exports(live_server: LiveServer) -> None:
    problems = _problems(_scrape(live_server), process=False)
    assert not problems, "\n".join(problems)


def test_process_panels_query_what_the_server_exports(live_server: LiveServer) -> None:
    problems = _problems(_scrape(live_server), process=True)
    assert not problems, "\n".join(problems)
