"""Modules a library imports "just in case", held back until something really uses them.

python-socketio's package imports its client classes, and with them aiohttp and
requests (about 13 MB), into a server that never acts as a client; httpx imports click
for a command line the studio never runs. `defer_imports` puts a stand-in into
`sys.modules`: `import aiohttp` binds the stand-in, and the first attribute read
through it imports the real module and answers from that. Only modules that are
installed are deferred, so a library's own `try: import x except ImportError` still
sees what it would have seen. `hide_imports` goes further for a module this process
will never use: importing it fails as if it were not installed.

`importlib.util.LazyLoader` cannot do this on Python 3.11: the import statement reads
the module's `__spec__`, and a lazy module loads on any attribute read, that one included.
"""

import importlib
import importlib.util
import sys
import threading
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

_loading = threading.RLock()
_REAL = "_deferred_real_module"


class DeferredModule(ModuleType):
    """Stands in for a module until one of its attributes is read."""

    def __init__(self, spec: ModuleSpec) -> None:
        super().__init__(spec.name)
        self.__spec__ = spec  # the import statement reads it; reading it must not load
        self.__loader__ = spec.loader
        if spec.has_location and spec.origin:
            self.__file__ = spec.origin  # what introspection reads; the real module's own

    def __getattr__(self, attribute: str) -> Any:
        """Only for attributes the stand-in lacks: everything but its name, spec and file."""
        if attribute == "__wrapped__":
            # `inspect.unwrap`'s probe: PySide6 runs `inspect.getsource` on every module
            # imported, and no module has one.
            raise AttributeError(attribute)
        return getattr(self.real_module(), attribute)

    def real_module(self) -> ModuleType:
        """The real module, imported on the first call (and put in `sys.modules` instead)."""
        module: ModuleType | None = self.__dict__.get(_REAL)
        if module is None:
            with _loading:
                module = self.__dict__.get(_REAL)
                if module is None:
                    if sys.modules.get(self.__name__) is self:
                        del sys.modules[self.__name__]
                    module = importlib.import_module(self.__name__)
                    self.__dict__[_REAL] = module
        return module


def hide_imports(*names: str) -> None:
    """Make these modules fail to import in this process, as if they were not installed.

    For a library a dependency tries "just in case" and this process will never use:
    python-socketio imports redis (~5 MB) for its Redis manager, which a server without
    `FLASH_REDIS_URL` never builds. A module already imported is left as it is.
    """
    for name in names:
        if "." in name:
            raise ValueError(f"only top-level modules can be hidden, not {name!r}")
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not found"


def defer_imports(*names: str) -> list[str]:
    """Defer these top-level modules where installed and not yet imported; answer which."""
    deferred = []
    for name in names:
        if "." in name:
            raise ValueError(f"only top-level modules can be deferred, not {name!r}")
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        sys.modules[name] = DeferredModule(spec)
        deferred.append(name)
    return deferred
