"""The frozen studio's entry point: the studio itself, or the server it bundles.

A frozen bundle has no Python interpreter. `BundledServer` starts the bundled server as
`<sys.executable> -m server run ...`, and in a bundle `sys.executable` is this very
program, so the program answers that one command line itself by running the server's
CLI. Everything else goes to the studio, unchanged. This keeps the frozen build's only
special case here, in the build's own entry point, instead of in the studio's code.
"""

import sys

SERVER_MODULE = ["-m", "server"]


def main() -> int:
    if sys.argv[1:3] == SERVER_MODULE:
        from server.cli import main as server_main

        server_main(sys.argv[3:])
        return 0
    from studio.app import main as studio_main

    return studio_main()


if __name__ == "__main__":
    raise SystemExit(main())
