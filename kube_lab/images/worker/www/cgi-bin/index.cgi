#!/bin/sh
# GET /?burn=SECONDS : burn one core for SECONDS (at most 60), then say who answered.
pod="$(hostname)"
version="$(cat /etc/kube-lab/version)"
seconds="$(echo "$QUERY_STRING" | sed -n 's/.*burn=\([0-9.]*\).*/\1/p')"
seconds="${seconds:-0}"
if [ "$(echo "$seconds" | cut -d. -f1)" -gt 60 ] 2>/dev/null; then seconds=60; fi
echo "$REQUEST_METHOD $REQUEST_URI" >&2
[ "$seconds" != 0 ] && burn "$seconds" 1
printf 'Content-Type: text/plain\r\nX-Pod-Name: %s\r\nX-Version: %s\r\n\r\n' "$pod" "$version"
printf 'Hello from %s (version %s), burned %s s of CPU\n' "$pod" "$version" "$seconds"
