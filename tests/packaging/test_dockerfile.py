"""The server image's Dockerfile, read without Docker: what an operator relies on when they
`docker run` it, and that the build context holds what it copies.

test_image_environment.py replays the builder stage's installs in a real venv.
"""

import re
import shlex

from packaging.utils import canonicalize_name

from tests.packaging import dependencies, image_build
from tests.packaging.image_build import REPO

BUILD_TOOLS = ("gcc", "g++", "make", "build-essential", "python3-dev", "libpq-dev", "curl", "wget")


def test_the_image_is_two_stages_on_the_slim_python_the_project_supports() -> None:
    stages = image_build.parse()
    assert [s.name for s in stages] == ["builder", "runtime"]
    assert all(s.base == "python:3.11-slim" for s in stages), (
        "venv paths only carry over on the same Python"
    )


def test_runtime_stage_installs_nothing_and_only_copies_the_venv() -> None:
    runtime = image_build.stage("runtime")
    commands = runtime.run_commands()
    programs = {argv[0] for argv in commands}
    assert programs <= {"groupadd", "useradd", "install"}, f"the runtime stage runs {programs}"
    text = " ".join(" ".join(argv) for argv in commands)
    for tool in BUILD_TOOLS:
        assert not re.search(rf"\b{re.escape(tool)}\b", text), f"{tool} in the runtime stage"
    copies = [(c.flags, c.value) for c in runtime.all("COPY")]
    assert copies == [(("--from=builder",), ("/opt/flash", "/opt/flash"))]


def test_runs_as_the_numeric_non_root_user_kubernetes_expects() -> None:
    runtime = image_build.stage("runtime")
    user = runtime.last("USER").value[0]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0, "numeric, so runAsNonRoot can check it"
    assert gid.isdigit() and int(gid) != 0
    # The same ids as the Deployment's and the Job's securityContext (test_k8s_manifests).
    assert (int(uid), int(gid)) == (10001, 10001)


def test_default_command_serves_without_migrating_and_migrate_is_its_own_command() -> None:
    runtime = image_build.stage("runtime")
    entrypoint = runtime.exec_form("ENTRYPOINT")
    cmd = runtime.exec_form("CMD")
    assert shlex.join(entrypoint + cmd) == (
        "flash-server run --host 0.0.0.0 --port 8000 --no-migrate"
    )
    # `docker run IMAGE migrate` then runs `flash-server migrate`.
    assert entrypoint == ["flash-server"]
    assert runtime.last("EXPOSE").value == ("8000",)


def test_healthcheck_asks_the_health_endpoint_with_python_alone() -> None:
    runtime = image_build.stage("runtime")
    flags = runtime.last("HEALTHCHECK").flags
    argv = runtime.healthcheck()
    assert argv[:2] == ["python", "-c"], "the slim image has no curl"
    assert "urllib.request" in argv[2]
    assert "http://127.0.0.1:8000/api/v1/health" in argv[2]
    assert any(flag.startswith("--timeout=") for flag in flags)


def test_data_dir_is_a_volume_the_user_owns() -> None:
    runtime = image_build.stage("runtime")
    data_dir = runtime.env()["FLASH_DATA_DIR"]
    assert runtime.exec_form("VOLUME") == [data_dir]
    assert runtime.last("WORKDIR").value == (data_dir,)
    setup = " ".join(shlex.join(argv) for argv in runtime.run_commands())
    assert f"-o flash -g flash -m 0750 {data_dir}" in setup


def test_builder_installs_server_requirements_then_the_wheel_without_its_dependencies() -> None:
    installs = [
        argv for argv in image_build.stage("builder").run_commands() if argv[1:2] == ["install"]
    ]
    assert installs[0][2:] == ["-r", "/build/requirements-server.txt"]
    assert "--no-deps" in installs[-1], "the wheel's own dependencies include PySide6"
    assert installs[-1][-1].endswith(".whl")


def test_every_path_the_build_copies_is_in_the_context_the_ignore_file_leaves() -> None:
    rules = image_build.IgnoreRules.load()
    for copy in image_build.stage("builder").all("COPY"):
        assert not copy.flags
        *sources, _destination = copy.value
        for source in sources:
            path = REPO / source
            assert path.exists(), f"COPY {source}: no such file in the repository"
            assert not rules.excluded(source), (
                f"COPY {source}: excluded by {image_build.IGNORE_FILE.name}"
            )
            assert rules.context_files(path), f"COPY {source}: nothing of it reaches the builder"


def test_the_ignore_file_keeps_secrets_history_and_tests_out_of_the_context() -> None:
    rules = image_build.IgnoreRules.load()
    for path in (
        ".git/config",
        ".venv/bin/python",
        ".env",
        "tests/conftest.py",
        "packaging/k8s/secret.template.yaml",
        "packaging/k8s/overlays/production/secrets.env",
        "server/__pycache__/app.cpython-311.pyc",
        "flash_africa.egg-info/PKG-INFO",
    ):
        assert rules.excluded(path), f"{path} would be sent to the builder"


def test_server_requirements_cover_every_distribution_the_server_imports() -> None:
    """The wheel goes in with --no-deps, so this file alone decides what the image has."""
    brought = dependencies.closure(dependencies.requirements())
    missing = {
        dist: needed_by
        for dist, needed_by in dependencies.server_distributions().items()
        if dist not in brought
    }
    assert not missing, (
        f"server/ imports these, but {dependencies.REQUIREMENTS.relative_to(REPO)} "
        f"does not bring them: {missing}"
    )


def test_server_requirements_bring_no_qt() -> None:
    brought = dependencies.closure(dependencies.requirements())
    assert not brought & dependencies.QT


def test_server_requirements_are_ranges_with_an_upper_bound() -> None:
    for requirement in dependencies.requirements():
        operators = {spec.operator for spec in requirement.specifier}
        assert ">=" in operators and "<" in operators, (
            f"{requirement}: give a tested floor and the next breaking release as ceiling"
        )
        assert canonicalize_name(requirement.name) not in dependencies.QT
