"""The workload every era runs: applications with sizes, libraries and load profiles.

An :class:`App` is what an operations team of any era had to run: it needs CPU (cores, sized
for its normal peak) and memory (GiB), it links against libraries at particular versions
(``{"openssl": "1.1"}``), and its load follows a profile over the day. The same tuple of apps
is placed on bare metal, in virtual machines and in containers by :mod:`kube_lab.eras.models`,
so the differences in the results come from the era, not the workload.

Load profiles (:data:`PROFILES`), as fractions of the app's size, hour by hour:

- ``steady``: about 60 % all day (a database, a mail server);
- ``diurnal``: low at night, peaking at ``peak_hour`` (a shop, an intranet);
- ``batch``: busy from 01:00 to 05:00, nearly idle otherwise (reports, ETL);
- ``spiky``: about 30 % with random bursts up to ``burst`` times its size (CI runners,
  image processing): the noisy neighbour.

The shapes are illustrative assumptions, chosen to show the effects the lessons describe;
the seed decides the noise and when the spikes come.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

PROFILES = ("steady", "diurnal", "batch", "spiky")

#: Hour-to-hour noise on every profile (standard deviation, fraction): illustrative.
NOISE = 0.05
#: Chance that a spiky app bursts in a given hour: illustrative.
SPIKE_PROBABILITY = 0.1


@dataclass(frozen=True)
class App:
    """One application: its size, its libraries and how its load moves over a day."""

    name: str
    cpu: float
    """Cores the app is sized for (its normal peak)."""
    memory: float
    """GiB of memory it needs."""
    libraries: Mapping[str, str] = field(default_factory=dict)
    """Shared libraries and runtimes it needs, name to version."""
    load: str = "diurnal"
    """One of :data:`PROFILES`."""
    burst: float = 1.0
    """Peak demand in a burst, as a multiple of ``cpu`` (spiky apps; 1 = never above size)."""
    peak_hour: float = 14.0
    """Hour of the day a diurnal app is busiest."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("an app needs a name")
        if not (math.isfinite(self.cpu) and self.cpu > 0):
            raise ValueError(f"app {self.name}: cpu must be positive, got {self.cpu}")
        if not (math.isfinite(self.memory) and self.memory > 0):
            raise ValueError(f"app {self.name}: memory must be positive, got {self.memory}")
        if self.load not in PROFILES:
            raise ValueError(
                f"app {self.name}: unknown load profile {self.load!r}; "
                f"profiles are: {', '.join(PROFILES)}"
            )
        if not self.burst >= 1:
            raise ValueError(f"app {self.name}: burst must be at least 1, got {self.burst}")
        if not 0 <= self.peak_hour < 24:
            raise ValueError(f"app {self.name}: peak_hour must be in [0, 24), got {self.peak_hour}")


Workload = tuple[App, ...]

_EXAMPLE = (
    App("shop", 6, 12, {"python": "3.11", "openssl": "3.0"}, "diurnal", peak_hour=20),
    App("checkout", 4, 8, {"java": "17", "openssl": "3.0"}, "diurnal", peak_hour=20),
    App("payments", 4, 8, {"java": "8", "openssl": "1.1"}, "diurnal", peak_hour=20),
    App("search", 8, 24, {"java": "17"}, "diurnal", peak_hour=20),
    App("crm", 4, 16, {"php": "8.2", "openssl": "3.0"}, "diurnal", peak_hour=11),
    App("wiki", 2, 4, {"php": "7.4", "openssl": "1.1"}, "diurnal", peak_hour=11),
    App("auth", 2, 4, {"java": "11", "openssl": "1.1"}, "diurnal", peak_hour=9),
    App("mail", 2, 6, {"perl": "5.36", "openssl": "1.1"}, "steady"),
    App("database", 8, 40, {"glibc": "2.31"}, "steady"),
    App("cache", 2, 24, {}, "steady"),
    App("monitoring", 2, 8, {"python": "3.8"}, "steady"),
    App("reports", 6, 16, {"python": "2.7", "openssl": "1.1"}, "batch"),
    App("etl", 10, 24, {"python": "3.11", "glibc": "2.36"}, "batch"),
    App("ci-runner", 6, 12, {"python": "3.11", "glibc": "2.36"}, "spiky", burst=2.0),
    App("thumbnails", 4, 8, {"python": "3.8", "imagemagick": "6"}, "spiky", burst=1.8),
    App("recommender", 6, 16, {"python": "3.11", "glibc": "2.36"}, "spiky", burst=1.5),
)


def example_workload(*, copies: int = 1) -> Workload:
    """Sixteen applications of a small company (about 76 cores, 230 GiB); ``copies`` scales it.

    Names, sizes and library versions are illustrative: they mix runtimes that really did
    clash on shared servers (Python 2.7 and 3, Java 8 and 17, OpenSSL 1.1 and 3.0).
    """
    if copies < 1:
        raise ValueError(f"copies must be at least 1, got {copies}")
    if copies == 1:
        return _EXAMPLE
    apps = []
    for i in range(copies):
        for app in _EXAMPLE:
            name = app.name if i == 0 else f"{app.name}-{i + 1}"
            apps.append(
                App(
                    name,
                    app.cpu,
                    app.memory,
                    dict(app.libraries),
                    app.load,
                    app.burst,
                    app.peak_hour,
                )
            )
    return tuple(apps)


def check_workload(workload: Sequence[App]) -> Workload:
    apps = tuple(workload)
    if not apps:
        raise ValueError("the workload has no apps")
    for app in apps:
        if not isinstance(app, App):
            raise TypeError(f"a workload holds App objects, got {type(app).__name__}")
    names = [a.name for a in apps]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"app names must be unique: {', '.join(duplicates)}")
    return apps


def demand(workload: Sequence[App], *, hours: int, seed: int) -> np.ndarray:
    """CPU demand in cores, one row per app, one column per hour (seeded)."""
    rng = np.random.default_rng(seed)
    hour = np.arange(hours) % 24
    rows = []
    for app in workload:
        if app.load == "steady":
            shape = np.full(hours, 0.6)
        elif app.load == "diurnal":
            phase = np.cos(2 * np.pi * (hour - app.peak_hour) / 24)
            shape = 0.2 + 0.8 * ((1 + phase) / 2) ** 2
        elif app.load == "batch":
            shape = np.where((hour >= 1) & (hour < 5), 1.0, 0.05)
        else:  # spiky
            shape = np.full(hours, 0.3)
            spikes = rng.random(hours) < SPIKE_PROBABILITY
            shape = np.where(spikes, rng.uniform(1.0, app.burst, hours), shape)
        noisy = shape * (1 + rng.normal(0, NOISE, hours))
        rows.append(np.clip(noisy, 0.0, max(1.0, app.burst)) * app.cpu)
    return np.vstack(rows)


def conflicts(apps: Sequence[App]) -> list[tuple[str, str, str]]:
    """Pairs of apps on one OS that need different versions of a library: (a, b, library)."""
    found = []
    for i, a in enumerate(apps):
        for b in apps[i + 1 :]:
            for lib in sorted(set(a.libraries) & set(b.libraries)):
                if a.libraries[lib] != b.libraries[lib]:
                    found.append((a.name, b.name, lib))
    return found
