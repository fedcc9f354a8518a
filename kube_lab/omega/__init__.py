"""Omega: shared-state schedulers, against monolithic and two-level (Schwarzkopf et al. 2013).

The three architectures of the Omega paper on one simulated cell and workload::

    from kube_lab import omega
    omega.simulate("shared-state", t_job_service=10, seed=0)   # one run, a row per workload
    omega.sweep_decision_time(seed=0)                          # §4: the t_job sweep
    omega.parameters()                                         # every number and its source

See :mod:`kube_lab.omega.simulation` for what the model follows and simplifies, and
:mod:`kube_lab.omega.cellstate` for the optimistic transactions.
"""

from kube_lab.omega.cellstate import CONFLICT_MODES, TRANSACTION_MODES, CellState, Claims, Commit
from kube_lab.omega.simulation import (
    ARCHITECTURES,
    SWEEP,
    WORKLOADS,
    Parameters,
    parameters,
    simulate,
    sweep_decision_time,
)

__all__ = [
    "ARCHITECTURES",
    "CONFLICT_MODES",
    "SWEEP",
    "TRANSACTION_MODES",
    "WORKLOADS",
    "CellState",
    "Claims",
    "Commit",
    "Parameters",
    "parameters",
    "simulate",
    "sweep_decision_time",
]
