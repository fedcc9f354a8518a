"""The deployment eras of lessons 1-3: bare metal, virtual machines, containers.

One workload, four ways to run it, the same metrics for each::

    from kube_lab import eras
    print(eras.compare(seed=0))            # one row per era
    eras.parameters()                      # every number, its unit and its source
    eras.compare(vm_boot_s=20, seed=0)     # change any parameter by name

See :mod:`kube_lab.eras.models` for what each era follows and simplifies, and
:mod:`kube_lab.table` for the :class:`Table` every history experiment returns.
"""

from kube_lab.eras.models import ERAS, Parameters, compare, gke_reserved, parameters
from kube_lab.eras.workload import PROFILES, App, Workload, example_workload
from kube_lab.table import Table

__all__ = [
    "ERAS",
    "PROFILES",
    "App",
    "Parameters",
    "Table",
    "Workload",
    "compare",
    "example_workload",
    "gke_reserved",
    "parameters",
]
