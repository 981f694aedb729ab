"""packaging/docker/Dockerfile and its ignore file, read as Docker reads them.

Instructions come from the `dockerfile` package (BuildKit's own Go parser); this module
only groups them into stages and splits RUN scripts into commands. The ignore-file rules
are ours: Docker's matching is not gitignore's (`*` does not cross folders, the last
matching pattern wins, a folder's rule covers its contents) and no PyPI library
implements Docker's flavour, so this is the subset our allow-list uses.
"""

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import dockerfile

REPO = Path(__file__).resolve().parents[2]
DOCKER_DIR = REPO / "packaging" / "docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
# BuildKit's Dockerfile-specific ignore file: <Dockerfile name>.dockerignore beside it.
IGNORE_FILE = DOCKER_DIR / "Dockerfile.dockerignore"


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[dockerfile.Command] = field(default_factory=list)

    def all(self, keyword: str) -> list[dockerfile.Command]:
        return [i for i in self.instructions if i.cmd == keyword]

    def last(self, keyword: str) -> dockerfile.Command:
        found = self.all(keyword)
        assert found, f"stage {self.name!r} has no {keyword}"
        return found[-1]

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON-array arguments of the stage's last `keyword` (CMD, ENTRYPOINT...)."""
        instruction = self.last(keyword)
        assert instruction.json, f"{keyword} is in shell form: {instruction.original}"
        return list(instruction.value)

    def env(self) -> dict[str, str]:
        """The stage's ENV settings (the parser gives each instruction as key, value, ...)."""
        pairs: dict[str, str] = {}
        for instruction in self.all("ENV"):
            values = instruction.value
            pairs.update(zip(values[::2], (v.strip('"') for v in values[1::2]), strict=True))
        return pairs

    def healthcheck(self) -> list[str]:
        instruction = self.last("HEALTHCHECK")
        assert instruction.json and instruction.value[0] == "CMD", instruction.original
        return list(instruction.value[1:])

    def run_commands(self, instructions: list[dockerfile.Command] | None = None) -> list[list[str]]:
        """Each command of each RUN, split on `&&`, as argv lists."""
        commands: list[list[str]] = []
        for run in instructions if instructions is not None else self.all("RUN"):
            assert run.cmd == "RUN" and not run.json, run.original
            for part in run.value[0].split("&&"):
                if part.strip():
                    commands.append(shlex.split(part))
        return commands


def parse(path: Path = DOCKERFILE) -> list[Stage]:
    """The Dockerfile's stages, global ARG defaults substituted into each FROM."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in dockerfile.parse_file(str(path)):
        if instruction.cmd == "ARG" and not stages:
            name, _, default = instruction.value[0].partition("=")
            global_args[name] = default
        elif instruction.cmd == "FROM":
            image, *alias = instruction.value
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: global_args.get(m[1], m[0]), image)
            name = alias[1] if len(alias) == 2 and alias[0].lower() == "as" else str(len(stages))
            stages.append(Stage(name=name, base=image))
        else:
            assert stages, f"{instruction.cmd} before the first FROM"
            stages[-1].instructions.append(instruction)
    return stages


def stage(name: str) -> Stage:
    for candidate in parse():
        if candidate.name == name:
            return candidate
    raise AssertionError(f"the Dockerfile has no stage named {name!r}")


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


@dataclass
class IgnoreRules:
    rules: list[tuple[re.Pattern[str], bool]]

    @classmethod
    def load(cls, path: Path = IGNORE_FILE) -> "IgnoreRules":
        rules: list[tuple[re.Pattern[str], bool]] = []
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = line.removeprefix("!").strip().strip("/")
            rules.append((_pattern_regex(pattern), keep))
        return cls(rules)

    def excluded(self, relative: str) -> bool:
        """The last pattern that matches the path or one of its parents decides."""
        parts = relative.strip("/").split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        result = False
        for regex, keep in self.rules:
            if any(regex.match(candidate) for candidate in candidates):
                result = not keep
        return result

    def context_files(self, source: Path) -> list[Path]:
        """The files under `source` (a file or folder of the repo) that reach the builder."""
        if source.is_file():
            paths = [source]
        else:
            paths = sorted(p for p in source.rglob("*") if p.is_file())
        return [p for p in paths if not self.excluded(p.relative_to(REPO).as_posix())]
