"""A Kubernetes-compatible API server over a live cluster, for the real ``kubectl``.

``serve(cluster)`` serves the cluster's store on 127.0.0.1 (a free port), with a random
bearer token, and writes a kubeconfig::

    server = kube_lab.apiserver.serve(cluster)
    # in a terminal: KUBECONFIG=<server.kubeconfig_path> kubectl get pods
    server.run(30)        # let cluster time pass safely while serving
    server.stop()

A clock thread advances the cluster in real time (``speed`` times faster on the virtual
clock). While serving, touch the cluster from the notebook only under ``server.lock``
(``with server.lock: cluster.kubectl("get pods")``) or through :meth:`Server.run`.
"""

from kube_lab.apiserver.server import MAX_BODY, Server, serve

__all__ = ["MAX_BODY", "Server", "serve"]
