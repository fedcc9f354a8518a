"""Borg's priority bands and who may preempt whom (Verma et al., EuroSys 2015, §2.5).

Every Borg job has a priority; priorities fall into non-overlapping bands, highest first:
monitoring, production, batch, best effort (also called testing or free). "Prod" is the
monitoring and production bands together. A task may preempt (evict) tasks of lower
priority, but prod tasks may not preempt one another: that rule removes most preemption
cascades (§2.5). Borg has many integer priorities inside each band; kube-lab keeps only the
bands, so two tasks of one band never preempt each other.
"""

from __future__ import annotations

#: The bands, highest priority first (§2.5).
BANDS = ("monitoring", "production", "batch", "best-effort")
#: The bands that make up "prod" (§2.5).
PROD = frozenset({"monitoring", "production"})

_RANK = {band: len(BANDS) - 1 - i for i, band in enumerate(BANDS)}  # best-effort 0 .. 3


def rank(band: str) -> int:
    """0 for best-effort up to 3 for monitoring; a clear error for a band that does not exist."""
    try:
        return _RANK[band]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown priority band {band!r}; bands are (highest first): {', '.join(BANDS)}"
        ) from None


def band_of(rank_: int) -> str:
    return BANDS[len(BANDS) - 1 - rank_]


def may_preempt(preemptor: str, victim: str) -> bool:
    """Whether a task of band ``preemptor`` may evict a task of band ``victim`` (§2.5)."""
    if rank(victim) >= rank(preemptor):
        return False
    return not (preemptor in PROD and victim in PROD)


#: For each rank, the ranks its tasks may preempt.
PREEMPTS: tuple[tuple[int, ...], ...] = tuple(
    tuple(v for v in range(len(BANDS)) if may_preempt(band_of(r), band_of(v)))
    for r in range(len(BANDS))
)
#: For each rank, the ranks whose tasks may preempt it.
PREEMPTED_BY: tuple[tuple[int, ...], ...] = tuple(
    tuple(r for r in range(len(BANDS)) if v in PREEMPTS[r]) for v in range(len(BANDS))
)
