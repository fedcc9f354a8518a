"""kube-lab's own container images, built on this machine: no registry, no internet.

A lesson must run offline, so kube_lab never pulls an image. It builds four tiny ones from
one file, Debian's static busybox (``apt-get install busybox-static``), on ``FROM scratch``:

======================  ================================================================
``kube-lab/web:V``      busybox ``httpd``; ``GET /`` answers with its pod name and ``V``
``kube-lab/worker:V``   the same server; ``GET /?burn=S`` burns a core for S seconds first
``kube-lab/busybox:V``  a shell and the busybox tools; exits at once without a terminal
``kube-lab/pause:V``    the pod sandbox that holds a pod's namespaces (as ``pause``)
======================  ================================================================

Any tag builds on demand (``kube-lab/web:2`` answers "version 2"), which is how a rolling
update gets a new version without a registry. Each image's build context is the folder of
that name beside this file; the build adds the busybox binary to it. ``kube-lab images
build`` builds the defaults (:data:`DEFAULTS`); the Docker runtime builds any that is
missing when a pod needs it.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import shutil
import struct
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The repository every kube-lab image lives in.
REPOSITORY = "kube-lab"
#: Image name (the folder of its build context) -> what it is.
KINDS = {
    "web": "a web server that answers with its pod name and version",
    "worker": "a web server that burns CPU on demand (GET /?burn=SECONDS)",
    "busybox": "busybox's shell and tools",
    "pause": "the pod sandbox (holds a pod's namespaces)",
}
#: What ``kube-lab images build`` builds.
DEFAULTS = (
    "kube-lab/web:1",
    "kube-lab/web:2",
    "kube-lab/worker:1",
    "kube-lab/busybox:1.35",
    "kube-lab/pause:3.10",
)
#: The sandbox image of every pod, as ``registry.k8s.io/pause:3.10`` on a real node.
PAUSE_IMAGE = "kube-lab/pause:3.10"
#: Where busybox-static installs its binary; ``KUBE_LAB_BUSYBOX`` overrides.
BUSYBOX_PATHS = ("/bin/busybox", "/usr/bin/busybox")
#: Label on every image kube-lab builds (``kube-lab clean --images`` removes them).
IMAGE_LABEL = "kube-lab.image"

_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_CONTEXTS = Path(__file__).parent


class BuildError(RuntimeError):
    """An image could not be built (no static busybox, or the engine refused the build)."""


@dataclass(frozen=True)
class ImageRef:
    """A kube-lab image reference: ``kube-lab/<kind>:<tag>``."""

    kind: str
    tag: str

    @property
    def name(self) -> str:
        return f"{REPOSITORY}/{self.kind}:{self.tag}"


def parse(image: str) -> ImageRef | None:
    """The kube-lab image an image reference names, or None for any other image.

    ``kube-lab/web`` means ``kube-lab/web:latest``, as with every image reference;
    ``docker.io/kube-lab/web:1`` is not ours (it names a registry).
    """
    repository, _, tag = image.partition(":")
    if "@" in image or "/" not in repository:
        return None
    owner, _, kind = repository.partition("/")
    tag = tag or "latest"
    if owner != REPOSITORY or kind not in KINDS or not _TAG.fullmatch(tag):
        return None
    return ImageRef(kind, tag)


def is_static_elf(path: Path) -> bool:
    """True for an ELF executable with no program interpreter (so it runs on scratch)."""
    try:
        with path.open("rb") as file:
            header = file.read(64)
            if header[:4] != b"\x7fELF" or header[4] != 2:  # 64-bit ELF only
                return False
            endian = "<" if header[5] == 1 else ">"
            phoff = struct.unpack_from(endian + "Q", header, 0x20)[0]
            phentsize, phnum = struct.unpack_from(endian + "HH", header, 0x36)
            file.seek(phoff)
            table = file.read(phentsize * phnum)
    except OSError:
        return False
    for index in range(phnum):
        (p_type,) = struct.unpack_from(endian + "I", table, index * phentsize)
        if p_type == 3:  # PT_INTERP: needs a dynamic loader that scratch does not have
            return False
    return True


def find_busybox() -> Path:
    """The static busybox binary the images are made of; :class:`BuildError` if none."""
    override = os.environ.get("KUBE_LAB_BUSYBOX")
    candidates = [override] if override else [*BUSYBOX_PATHS, shutil.which("busybox")]
    for candidate in candidates:
        if candidate and is_static_elf(Path(candidate)):
            return Path(candidate)
    raise BuildError(
        "no static busybox to build kube-lab's images from: install Debian's busybox-static "
        "(as root: apt-get install busybox-static), or set KUBE_LAB_BUSYBOX to one"
    )


def context_tar(kind: str, busybox: Path) -> io.BytesIO:
    """The build context of one image as an in-memory tar: its folder plus busybox."""
    folder = _CONTEXTS / kind
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                _add(tar, str(path.relative_to(folder)), data, executable=data[:2] == b"#!")
        _add(tar, "busybox", busybox.read_bytes(), executable=True)
    buffer.seek(0)
    return buffer


def _add(tar: tarfile.TarFile, name: str, data: bytes, *, executable: bool) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o755 if executable else 0o644
    info.mtime = 0  # a fixed time, so the build cache hits across builds
    tar.addfile(info, io.BytesIO(data))


def present(client: Any, image: str) -> bool:
    """True when the engine has ``image`` locally."""
    errors = importlib.import_module("docker").errors

    try:
        client.api.inspect_image(image)
    except errors.ImageNotFound:
        return False
    return True


def build(client: Any, image: str) -> float:
    """Build one kube-lab image with the engine of ``client``; returns the seconds it took."""
    errors = importlib.import_module("docker").errors

    ref = parse(image)
    if ref is None:
        raise BuildError(f'"{image}" is not a kube-lab image (kube-lab/{{{",".join(KINDS)}}}:TAG)')
    busybox = find_busybox()
    started = time.perf_counter()
    try:
        client.images.build(
            fileobj=context_tar(ref.kind, busybox),
            custom_context=True,
            tag=ref.name,
            buildargs={"VERSION": ref.tag},
            labels={IMAGE_LABEL: ref.kind, "kube-lab.version": ref.tag},
            rm=True,
            forcerm=True,
        )
    except (errors.BuildError, errors.APIError) as error:
        raise BuildError(f"building {ref.name} failed: {error}") from error
    return time.perf_counter() - started


def ensure(client: Any, image: str) -> float | None:
    """Build ``image`` if it is a kube-lab image that is missing; the seconds, or None."""
    if present(client, image):
        return None
    return build(client, image)


def build_defaults(client: Any, images: tuple[str, ...] = DEFAULTS) -> list[tuple[str, float]]:
    """Build (again) every image of ``images``; returns ``(name, seconds)`` for each."""
    return [(image, build(client, image)) for image in images]
