"""The Kubernetes manifests under packaging/k8s, as files and as kustomize renders them.

Rendering needs kustomize's own code: no PyPI package renders a kustomization without the
Go binary, so `render` uses `kustomize build` or `kubectl kustomize` when either is on PATH
(both work offline) and the callers skip the rendered checks otherwise. The files are
also checked one by one without any binary.
"""

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "packaging" / "k8s"
BASE = K8S / "base"
PRODUCTION = K8S / "overlays" / "production"
SECRET_TEMPLATE = K8S / "secret.template.yaml"
KUSTOMIZATIONS = (BASE, PRODUCTION)

Manifest = dict[str, Any]


def load(path: Path) -> list[Manifest]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(folder: Path) -> Manifest:
    (doc,) = load(folder / "kustomization.yaml")
    return doc


def read_env(path: Path) -> dict[str, str]:
    """A kustomize `envs:` file: KEY=VALUE lines, # comments."""
    pairs: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}: {raw!r} is not KEY=VALUE"
            pairs[key.strip()] = value.strip()
    return pairs


def renderer() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@cache
def _render(folder: Path) -> tuple[Manifest, ...]:
    command = renderer()
    assert command is not None
    result = subprocess.run(
        [*command, str(folder)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)} {folder}:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def render(folder: Path) -> list[Manifest]:
    return list(_render(folder))


def find(docs: list[Manifest], kind: str, name: str | None = None) -> list[Manifest]:
    return [
        doc
        for doc in docs
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]


def one(docs: list[Manifest], kind: str, name: str | None = None) -> Manifest:
    found = find(docs, kind, name)
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_spec(workload: Manifest) -> Manifest:
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec
