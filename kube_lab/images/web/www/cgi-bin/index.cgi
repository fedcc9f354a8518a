#!/bin/sh
# GET / : who answered. The pod name is the container's hostname, as Kubernetes sets it.
pod="$(hostname)"
version="$(cat /etc/kube-lab/version)"
echo "$REQUEST_METHOD $REQUEST_URI" >&2
printf 'Content-Type: text/plain\r\nX-Pod-Name: %s\r\nX-Version: %s\r\n\r\n' "$pod" "$version"
printf 'Hello from %s (version %s)\n' "$pod" "$version"
