"""The ``kube-lab`` command: what a teacher or learner runs outside a notebook.

``kube-lab validate FILE...`` checks manifests exactly as ``Cluster.apply`` would (the same
loading, defaults and validation) without a cluster, prints kubectl-style errors and exits
non-zero on any error, so it can guard a folder of course material in CI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kube_lab import __version__
from kube_lab.api.errors import ManifestError


def _validate(paths: Sequence[str]) -> int:
    from kube_lab.api.manifest import prepare

    failed = False
    for path in paths:
        try:
            objects = prepare(path)
        except ManifestError as error:
            print(error.message, file=sys.stderr)
            failed = True
        except OSError as error:
            print(f'error: the path "{path}" does not exist ({error.strerror})', file=sys.stderr)
            failed = True
        else:
            print(f"{path}: {len(objects)} object{'s' if len(objects) != 1 else ''} valid")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kube-lab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check manifests as Cluster.apply would")
    validate.add_argument("files", nargs="+", metavar="FILE")
    commands.add_parser("version", help="print the kube-lab version")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.files)
    print(f"kube-lab {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
