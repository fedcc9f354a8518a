"""The ``kube-lab`` command: what a teacher or learner runs outside a notebook.

``kube-lab validate FILE...`` checks manifests exactly as ``Cluster.apply`` would (the same
loading, defaults and validation) without a cluster, prints kubectl-style errors and exits
non-zero on any error, so it can guard a folder of course material in CI.

``kube-lab images build`` builds kube-lab's own container images from Debian's
busybox-static, on this machine (no registry); ``kube-lab clean`` removes what crashed
kube-lab sessions left on the Docker engine (``--all``: every kube-lab container and
network; ``--images``: the images too).

``kube-lab serve`` serves a simulated cluster to the real kubectl (a kubeconfig to export);
``kube-lab kubectl ...`` runs the real kubectl against it (:mod:`kube_lab.apiserver.cli`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kube_lab import __version__
from kube_lab.api.errors import ManifestError


def _validate(paths: Sequence[str]) -> int:
    """Errors as kubectl prints them, each followed by ``FILE:LINE: field`` lines; then the
    notices of what kube_lab keeps but does not simulate."""
    from kube_lab.api.manifest import check

    failed = False
    for path in paths:
        try:
            checked = check(path)
        except ManifestError as error:
            print(error.message, file=sys.stderr)
            failed = True
            continue
        except OSError as error:
            print(f'error: the path "{path}" does not exist ({error.strerror})', file=sys.stderr)
            failed = True
            continue
        for failure in checked.failures:
            print(failure, file=sys.stderr)
        for document, problem in checked.errors:
            if problem.line is not None:
                where = f"{document.source or path}:{problem.line}"
                print(f"  {where}: {problem.path}: {problem.type}", file=sys.stderr)
        for notice in checked.notices:
            print(f"notice: {notice}")
        if checked.failures:
            failed = True
            bad = len(checked.failures)
            print(f"{path}: {bad} object{'s' if bad != 1 else ''} invalid", file=sys.stderr)
        else:
            count = len(checked.objects)
            print(f"{path}: {count} object{'s' if count != 1 else ''} valid")
    return 1 if failed else 0


def _images(args: argparse.Namespace) -> int:
    from kube_lab import images
    from kube_lab.kubelet.docker import RuntimeUnavailable, connect

    try:
        client = connect()
    except RuntimeUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        for image in args.images or images.DEFAULTS:
            seconds = images.build(client, image)
            print(f"{image}: built in {seconds:.1f}s")
    except images.BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


def _clean(args: argparse.Namespace) -> int:
    from kube_lab.kubelet.docker import RuntimeUnavailable, clean

    try:
        removed = clean(everything=args.all, images_too=args.images)
    except RuntimeUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for name in removed.containers + removed.networks + removed.images:
        print(f"removed {name}")
    print(removed)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kube-lab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check manifests as Cluster.apply would")
    validate.add_argument("files", nargs="+", metavar="FILE")
    commands.add_parser("version", help="print the kube-lab version")
    image_commands = commands.add_parser(
        "images", help="kube-lab's container images"
    ).add_subparsers(dest="images_command", required=True)
    build = image_commands.add_parser("build", help="build them from busybox-static, locally")
    build.add_argument("images", nargs="*", metavar="IMAGE", help="e.g. kube-lab/web:3")
    clean = commands.add_parser("clean", help="remove what dead kube-lab sessions left in Docker")
    clean.add_argument("--all", action="store_true", help="also live clusters' containers")
    clean.add_argument("--images", action="store_true", help="also kube-lab's images")
    from kube_lab.apiserver import cli as apiserver_cli

    apiserver_cli.add_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return apiserver_cli.run_serve(args)
    if args.command == "kubectl":
        return apiserver_cli.run_kubectl(args)
    if args.command == "validate":
        return _validate(args.files)
    if args.command == "images":
        return _images(args)
    if args.command == "clean":
        return _clean(args)
    print(f"kube-lab {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
