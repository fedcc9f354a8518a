"""The scheduler room: kube-scheduler's framework, plugins and loop, vectorised over nodes.

``Scheduler(store=..., engine=..., recorder=...)`` watches the store and binds pending pods;
see :mod:`.scheduler`. The pieces, from the outside in: :mod:`.queue` (which pod next),
:mod:`.vectorised` (one scheduling cycle over :mod:`.nodetable`, the cache), :mod:`.plugins`
(what each check and score means), :mod:`.framework` (statuses, extension points, the
default profile, the ``FailedScheduling`` message), :mod:`.reference` (the same cycle as a
plain loop, for tests and the benchmark).
"""

from kube_lab.scheduler.framework import Code, CycleState, FitError, Profile, Status
from kube_lab.scheduler.scheduler import Scheduler, SchedulerStats

__all__ = ["Code", "CycleState", "FitError", "Profile", "Scheduler", "SchedulerStats", "Status"]
