"""packaging/k8s: valid Kubernetes for the API versions we support, and what an operator
relies on: probes on /api/v1/health, non-root pods, one image for server and migrations,
sticky Socket.IO, settings the server really reads, and no real secret anywhere.

Files are checked one by one with no binary; the rendered base and production overlay are
checked too where kustomize or kubectl can render them (CI has kubectl).
"""

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest

from server.config import ConfigError, Settings, load_settings
from tests.packaging import image_build, manifests
from tests.packaging.manifests import BASE, K8S, PRODUCTION, SECRET_TEMPLATE, Manifest

# The oldest Kubernetes minor these manifests support (autoscaling/v2, policy/v1 and the
# restricted Pod Security level are all older), and the newest the bundled schemas know.
KUBERNETES_VERSIONS = ("1.29", kubernetes_validate.latest_version())
HEALTH = "/api/v1/health"
API_POD = {"app.kubernetes.io/name": "flash-server", "app.kubernetes.io/component": "api"}
# Settings that hold credentials: they belong in the Secret, never in the ConfigMap.
CREDENTIAL = re.compile(
    r"SECRET|_KEY$|PASSKEY|CREDENTIAL|TOKEN_ID|API_USER|^FLASH_(DATABASE|REDIS)_URL$"
)
PLACEHOLDER = re.compile(r"change-me", re.IGNORECASE)


def _validate(doc: Manifest) -> None:
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            name = f"{doc.get('kind')} {doc.get('metadata', {}).get('name')}"
            where = "/".join(str(part) for part in exc.absolute_path)
            raise AssertionError(
                f"{name} is not valid Kubernetes {version} at /{where}: {exc.message}"
            ) from None


def _resource_files(folder: Path) -> list[Path]:
    entries = manifests.kustomization(folder).get("resources", [])
    return [folder / entry for entry in entries if (folder / entry).is_file()]


def _setting_names() -> set[str]:
    return {f"FLASH_{name.upper()}" for name in Settings.model_fields}


def _secret_template() -> Manifest:
    (secret,) = manifests.load(SECRET_TEMPLATE)
    return secret


@pytest.fixture(params=["base", "production"])
def rendered(request: pytest.FixtureRequest) -> list[Manifest]:
    if manifests.renderer() is None:
        pytest.skip("rendering needs kustomize or kubectl; the files are still checked one by one")
    return manifests.render(BASE if request.param == "base" else PRODUCTION)


@pytest.fixture
def production() -> list[Manifest]:
    if manifests.renderer() is None:
        pytest.skip("rendering needs kustomize or kubectl; the files are still checked one by one")
    return manifests.render(PRODUCTION)


# --- the files, one by one (no binary needed) -----------------------------------------------


@pytest.mark.parametrize(
    "path",
    [*_resource_files(BASE), *_resource_files(PRODUCTION), SECRET_TEMPLATE],
    ids=lambda p: str(p.relative_to(K8S)),
)
def test_each_resource_file_is_valid_kubernetes(path: Path) -> None:
    docs = manifests.load(path)
    assert docs
    for doc in docs:
        _validate(doc)


@pytest.mark.parametrize("folder", manifests.KUSTOMIZATIONS, ids=lambda p: p.name)
def test_kustomization_names_only_files_that_exist(folder: Path) -> None:
    k = manifests.kustomization(folder)
    for entry in k.get("resources", []):
        path = folder / entry
        assert path.is_file() or (path / "kustomization.yaml").is_file(), f"resource {entry}"
    for patch in k.get("patches", []):
        assert (folder / patch["path"]).is_file(), f"patch {patch['path']}"
    for generator in k.get("configMapGenerator", []):
        for env in generator.get("envs", []):
            assert (folder / env).is_file(), f"env file {env}"


def _json_pointer_exists(doc: Any, pointer: str) -> bool:
    for token in pointer.strip("/").split("/"):
        if isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        elif isinstance(doc, dict) and token in doc:
            doc = doc[token]
        else:
            return False
    return True


def test_overlay_patches_aim_at_what_the_base_has() -> None:
    base = [doc for path in _resource_files(BASE) for doc in manifests.load(path)]
    for patch in manifests.kustomization(PRODUCTION)["patches"]:
        docs = manifests.load(PRODUCTION / patch["path"])
        target = patch.get("target")
        if target is None:  # strategic merge: each document names its resource
            for doc in docs:
                kind, name = doc["kind"], doc["metadata"]["name"]
                assert manifests.find(base, kind, name), (
                    f"{patch['path']}: no {kind} {name} in base"
                )
            continue
        (operations,) = docs
        targets = manifests.find(base, target["kind"], target.get("name"))
        assert targets, f"{patch['path']}: no {target['kind']} in base"
        for doc in targets:
            for op in operations:
                where = op["path"] if op["op"] != "add" else op["path"].rsplit("/", 1)[0]
                assert _json_pointer_exists(doc, where), (
                    f"{patch['path']}: {op} on {doc['metadata']['name']}"
                )


def test_settings_in_config_and_secret_are_ones_the_server_reads() -> None:
    """The server ignores unknown FLASH_ names, so a typo would fail silently."""
    known = _setting_names()
    names = {
        "base/config.env": set(manifests.read_env(BASE / "config.env")),
        "production/config.env": set(manifests.read_env(PRODUCTION / "config.env")),
        "secret.template.yaml": set(_secret_template()["stringData"]),
    }
    for where, keys in names.items():
        assert keys <= known, f"{where}: not server settings: {sorted(keys - known)}"


def test_config_holds_no_credentials() -> None:
    for env_file in (BASE / "config.env", PRODUCTION / "config.env"):
        leaked = [key for key in manifests.read_env(env_file) if CREDENTIAL.search(key)]
        assert not leaked, f"{env_file.name}: {leaked} belong in the Secret"


def test_secret_template_lists_every_credential_the_server_reads() -> None:
    wanted = {name for name in _setting_names() if CREDENTIAL.search(name)}
    missing = wanted - set(_secret_template()["stringData"])
    assert not missing, f"add {sorted(missing)} to {SECRET_TEMPLATE.name} (placeholder values)"


def test_secret_template_holds_only_placeholders_and_is_never_applied() -> None:
    secret = _secret_template()
    assert "data" not in secret, "base64 hides what a value is: use stringData"
    for key, value in secret["stringData"].items():
        assert PLACEHOLDER.search(value), f"{key} must be a CHANGE-ME placeholder"
    for folder in manifests.KUSTOMIZATIONS:
        for entry in manifests.kustomization(folder).get("resources", []):
            assert (folder / entry).resolve() != SECRET_TEMPLATE, (
                "apply would overwrite the real Secret"
            )
    assert not (K8S / "kustomization.yaml").exists()


REAL_LOOKING = re.compile(
    r"sk_(live|test)_[0-9A-Za-z]{8,}|rk_live_|pk_live_[0-9A-Za-z]{8,}|whsec_[0-9A-Za-z]{8,}"
    r"|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)


def test_no_real_looking_secret_anywhere_in_packaging() -> None:
    for path in (K8S.parent).rglob("*"):
        if path.is_file() and path.suffix in {".yaml", ".yml", ".env", ".json", ".md", ".txt", ""}:
            match = REAL_LOOKING.search(path.read_text(errors="replace"))
            assert not match, f"{path.relative_to(K8S.parent)}: {match[0][:12]}..."


def _deployed_environment(monkeypatch: pytest.MonkeyPatch, secret_key: str) -> None:
    """The pod's environment: base ConfigMap, production's merged over it, the Secret."""
    for key in [k for k in os.environ if k.startswith("FLASH_")]:
        monkeypatch.delenv(key)
    values = manifests.read_env(BASE / "config.env")
    values.update(manifests.read_env(PRODUCTION / "config.env"))
    values.update(_secret_template()["stringData"])
    values["FLASH_SECRET_KEY"] = secret_key
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def test_the_placeholder_secret_key_stops_the_server_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _deployed_environment(monkeypatch, _secret_template()["stringData"]["FLASH_SECRET_KEY"])
    with pytest.raises(ConfigError, match="FLASH_SECRET_KEY"):
        load_settings()


def test_a_filled_in_secret_makes_every_provider_live(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template's names are the ones each provider needs to leave sandbox mode."""
    _deployed_environment(monkeypatch, "x" * 48)
    settings = load_settings()
    assert settings.environment == "production"
    assert set(settings.provider_modes().values()) == {"live"}


# --- rendered by kustomize ------------------------------------------------------------------


def test_rendered_manifests_are_valid_kubernetes(rendered: list[Manifest]) -> None:
    for doc in rendered:
        _validate(doc)


def _api_container(docs: list[Manifest]) -> Manifest:
    (container,) = manifests.pod_spec(manifests.one(docs, "Deployment", "flash-server"))[
        "containers"
    ]
    return container


def test_probes_ask_the_health_endpoint_on_the_served_port(rendered: list[Manifest]) -> None:
    container = _api_container(rendered)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8000}
    assert "--no-migrate" in container["args"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        http = container[probe]["httpGet"]
        assert http["path"] == HEALTH
        assert ports.get(http["port"], http["port"]) == 8000


def test_pods_run_as_the_images_non_root_user_on_a_read_only_root(rendered: list[Manifest]) -> None:
    (user,) = image_build.stage("runtime").last("USER").value
    uid, gid = (int(part) for part in user.split(":"))
    for workload in manifests.find(rendered, "Deployment") + manifests.find(rendered, "Job"):
        spec = manifests.pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert (spec["securityContext"]["runAsUser"], spec["securityContext"]["runAsGroup"]) == (
            uid,
            gid,
        )
        assert spec["automountServiceAccountToken"] is False
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], "a writable /tmp"
            data_dir = {e["name"]: e["value"] for e in container["env"]}["FLASH_DATA_DIR"]
            assert data_dir in mounts, "FLASH_DATA_DIR is writable"


def test_every_container_has_requests_and_limits(rendered: list[Manifest]) -> None:
    for workload in manifests.find(rendered, "Deployment") + manifests.find(rendered, "Job"):
        for container in manifests.pod_spec(workload)["containers"]:
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert set(resources[kind]) == {"cpu", "memory"}, f"{container['name']} {kind}"


def test_the_autoscaler_owns_the_replica_count(rendered: list[Manifest]) -> None:
    deployment = manifests.one(rendered, "Deployment", "flash-server")
    assert "replicas" not in deployment["spec"], "kubectl apply would reset what the HPA scaled"
    hpa = manifests.one(rendered, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "flash-server",
    }
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_migration_job_runs_migrate_with_the_servers_image_and_settings(
    rendered: list[Manifest],
) -> None:
    server = _api_container(rendered)
    (migrate,) = manifests.pod_spec(manifests.one(rendered, "Job", "flash-server-migrate"))[
        "containers"
    ]
    assert migrate["command"] == ["flash-server", "migrate"]
    assert migrate["image"] == server["image"]
    assert migrate["envFrom"] == server["envFrom"]
    assert migrate["env"] == server["env"]


def test_service_and_disruption_budget_select_the_api_pods_only(rendered: list[Manifest]) -> None:
    api_labels = manifests.one(rendered, "Deployment", "flash-server")["spec"]["template"][
        "metadata"
    ]["labels"]
    job_labels = manifests.one(rendered, "Job")["spec"]["template"]["metadata"]["labels"]
    service = manifests.one(rendered, "Service", "flash-server")
    budget = manifests.one(rendered, "PodDisruptionBudget")
    for selector in (service["spec"]["selector"], budget["spec"]["selector"]["matchLabels"]):
        assert selector == API_POD
        assert selector.items() <= api_labels.items()
        assert not selector.items() <= job_labels.items(), (
            "would route traffic to the migration pod"
        )
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_pods_are_annotated_for_prometheus_on_the_metrics_port(rendered: list[Manifest]) -> None:
    annotations = manifests.one(rendered, "Deployment")["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert (
        int(annotations["prometheus.io/port"])
        == _api_container(rendered)["ports"][0]["containerPort"]
    )


def _paths(ingress: Manifest) -> list[Manifest]:
    return [path for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]


def test_socketio_is_pinned_to_one_pod_and_kept_open(rendered: list[Manifest]) -> None:
    (socketio,) = [
        ingress
        for ingress in manifests.find(rendered, "Ingress")
        if any(path["path"] == "/socket.io" for path in _paths(ingress))
    ]
    notes = socketio["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie", (
        "long-polling needs stickiness"
    )
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[f"nginx.ingress.kubernetes.io/{timeout}"]) >= 600, "idle chats stay open"


def test_ingress_routes_the_public_paths_and_never_metrics(rendered: list[Manifest]) -> None:
    service = manifests.one(rendered, "Service", "flash-server")
    port_names = {port["name"] for port in service["spec"]["ports"]}
    routed = set()
    for ingress in manifests.find(rendered, "Ingress"):
        for path in _paths(ingress):
            routed.add(path["path"])
            backend = path["backend"]["service"]
            assert backend["name"] == "flash-server" and backend["port"]["name"] in port_names
    assert routed == {"/api", "/pay", "/socket.io"}, "/ would publish /metrics and /docs"


def test_public_url_is_the_host_the_ingress_serves(rendered: list[Manifest]) -> None:
    (config,) = manifests.find(rendered, "ConfigMap")
    public = urlsplit(config["data"]["FLASH_PUBLIC_URL"])
    hosts = {
        rule["host"] for ing in manifests.find(rendered, "Ingress") for rule in ing["spec"]["rules"]
    }
    assert hosts == {public.hostname}, "providers call back FLASH_PUBLIC_URL"
    assert public.scheme == "https"


def test_workloads_read_the_generated_config_and_the_templated_secret(
    rendered: list[Manifest],
) -> None:
    (config,) = manifests.find(rendered, "ConfigMap")
    for workload in manifests.find(rendered, "Deployment") + manifests.find(rendered, "Job"):
        for container in manifests.pod_spec(workload)["containers"]:
            refs = container["envFrom"]
            assert refs[0]["configMapRef"]["name"] == config["metadata"]["name"]
            assert refs[1]["secretRef"]["name"] == _secret_template()["metadata"]["name"]


def test_database_and_redis_urls_use_the_external_services(rendered: list[Manifest]) -> None:
    external = {
        svc["metadata"]["name"]: svc["spec"]["externalName"]
        for svc in manifests.find(rendered, "Service")
        if svc["spec"]["type"] == "ExternalName"
    }
    secret = _secret_template()["stringData"]
    for setting in ("FLASH_DATABASE_URL", "FLASH_REDIS_URL"):
        host = urlsplit(secret[setting]).hostname
        assert host in external, f"{setting} names {host}, which is no ExternalName Service"


# --- the production overlay -----------------------------------------------------------------


def test_production_pins_one_released_image_for_server_and_migration(
    production: list[Manifest],
) -> None:
    images = {
        container["image"]
        for workload in manifests.find(production, "Deployment") + manifests.find(production, "Job")
        for container in manifests.pod_spec(workload)["containers"]
    }
    (image,) = images
    repository, _, tag = image.rpartition(":")
    assert repository and tag and tag != "latest", f"{image} is not pinned"


def test_production_scales_wider_with_bigger_pods_than_base(production: list[Manifest]) -> None:
    base = manifests.render(BASE)
    base_hpa = manifests.one(base, "HorizontalPodAutoscaler")["spec"]
    prod_hpa = manifests.one(production, "HorizontalPodAutoscaler")["spec"]
    assert prod_hpa["minReplicas"] >= 3 and prod_hpa["minReplicas"] > base_hpa["minReplicas"]
    assert prod_hpa["maxReplicas"] > base_hpa["maxReplicas"]
    assert _api_container(production)["resources"] != _api_container(base)["resources"]


def test_production_lives_in_a_namespace_that_refuses_privileged_pods(
    production: list[Manifest],
) -> None:
    namespace = manifests.one(production, "Namespace")
    name = namespace["metadata"]["name"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for doc in production:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == name, f"{doc['kind']} {doc['metadata']['name']}"
