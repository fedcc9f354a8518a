"""The object model: kinds, manifests, validation, quantities and label selectors.

Objects are plain dicts shaped like Kubernetes JSON; this room imports nothing else of
kube_lab, so every other room can build on it.
"""
