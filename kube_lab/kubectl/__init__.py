"""kubectl for kube_lab: the same commands, printing exactly what a real kubectl prints.

``Kubectl(cluster).run("get pods -o wide")`` returns a :class:`KubectlOutput` (a ``str``
with ``exit_code``, ``stdout`` and ``stderr``), so a notebook shows the very text a
terminal on a real cluster would, and a learner's habits carry over both ways.
"""

from kube_lab.kubectl.commands import Kubectl
from kube_lab.kubectl.output import KubectlOutput

__all__ = ["Kubectl", "KubectlOutput"]
