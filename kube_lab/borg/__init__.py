"""Borg: one monolithic scheduler for services and batch (Verma et al., EuroSys 2015).

A cell of machines, jobs of identical tasks, priority bands with preemption, quota at
admission, feasibility checking and scoring, and the three scalability techniques of §3.4::

    from kube_lab import borg
    cell = borg.Cell.example(200, seed=0)           # three machine platforms
    cell.submit(borg.example_workload(machines=200, seed=0))
    cell.schedule()
    cell.pending()                                  # who waits, and why
    borg.compaction(seed=0)                         # §5.1: best fit vs worst fit vs hybrid
    borg.scalability(machines=1000, seed=0)         # §3.4: each technique on and off

See :mod:`kube_lab.borg.cell` for what the model follows and simplifies.
"""

from kube_lab.borg.cell import POLICIES, Cell, Parameters, PassResult, Unschedulable, parameters
from kube_lab.borg.experiments import PERCENTILE, TECHNIQUES, TRIALS, compaction, scalability
from kube_lab.borg.priority import BANDS, PROD, may_preempt
from kube_lab.borg.workload import MACHINE_TYPES, Job, MachineType, example_workload

__all__ = [
    "BANDS",
    "MACHINE_TYPES",
    "PERCENTILE",
    "POLICIES",
    "PROD",
    "TECHNIQUES",
    "TRIALS",
    "Cell",
    "Job",
    "MachineType",
    "Parameters",
    "PassResult",
    "Unschedulable",
    "compaction",
    "example_workload",
    "may_preempt",
    "parameters",
    "scalability",
]
