#!/usr/bin/env bash
# The published faces of kube-lab, tested as a user meets them:
#   1. the docs site: mkdocs build --strict, zero warnings;
#   2. the site in a real headless Chromium (tests/site/): every page loads with no console
#      error, no broken internal link or image, no request leaving 127.0.0.1; lesson pages
#      show their diagrams and a Binder button to that lesson; search finds "ReplicaSet";
#      screenshots in build/screenshots/;
#   3. a Binder simulation: a fresh venv from binder/requirements.txt plus binder/postBuild,
#      then every lesson under nbval on the simulated runtime (no Docker, as on Binder).
# Prints: site build time, total site size, Binder env install size.
# Usage: bash scripts/test-site.sh     (SKIP_BINDER=1 skips step 3)
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1

# -- setup: the project's venv, the docs and browser packages, Debian's chromium ------------
if [ ! -x .venv/bin/python ]; then
  source scripts/setup-env.sh test
fi
missing=()
.venv/bin/python -c 'import mkdocs, sys; sys.exit(int(mkdocs.__version__.split(".")[0]) >= 2)' \
  2>/dev/null || missing+=("mkdocs<2")
.venv/bin/python -c 'import material' 2>/dev/null || missing+=(mkdocs-material)
.venv/bin/python -c 'import mkdocs_jupyter' 2>/dev/null || missing+=(mkdocs-jupyter)
.venv/bin/python -c 'import playwright' 2>/dev/null || missing+=(playwright)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== pip install ${missing[*]}"
  .venv/bin/pip install -q "${missing[@]}" 2> >(grep -v "^WARNING: Location" >&2)    # the playwright package only: no browser download
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "error: /usr/bin/chromium is missing: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# -- 1. the site --------------------------------------------------------------------------
echo "== mkdocs build --strict"
rm -rf .cache/mkdocs-jupyter build/site
log=$(mktemp)
start=$(date +%s%N)
if ! .venv/bin/mkdocs build --strict -f site/mkdocs.yml >"$log" 2>&1; then
  cat "$log"; exit 1
fi
build_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if grep -E "^(WARNING|ERROR)" "$log"; then
  echo "error: mkdocs printed warnings" >&2; exit 1
fi
rm -f "$log"
pages=$(find build/site -name index.html | wc -l)
site_mb=$(du -sm build/site | cut -f1)

# -- 2. the browser tests -----------------------------------------------------------------
echo "== browser tests (tests/site, headless chromium)"
KUBE_LAB_SITE_TESTS=1 .venv/bin/python -m pytest -p no:cacheprovider tests/site

# -- 3. the Binder simulation ---------------------------------------------------------------
binder_mb="skipped"
if [ "${SKIP_BINDER:-}" != 1 ]; then
  echo "== Binder simulation: fresh venv from binder/requirements.txt + binder/postBuild"
  venv=build/binder-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r binder/requirements.txt 2> >(grep -v "^WARNING: Location" >&2)
  # postBuild runs in a clean copy of the checkout, as Binder's clone (no build/ in this one)
  checkout=$(mktemp -d)
  tar --exclude=./.venv --exclude=./build --exclude=./.cache --exclude=./.git -cf - . \
    | tar -xf - -C "$checkout"
  (cd "$checkout" && PATH="$OLDPWD/$venv/bin:$PATH" bash binder/postBuild >/dev/null)
  rm -rf "$checkout"
  "$venv/bin/pip" check
  if "$venv/bin/python" -c 'import docker' 2>/dev/null; then
    echo "error: the Docker SDK is in the Binder env: Binder has no engine" >&2; exit 1
  fi
  binder_mb=$(du -sm "$venv" | cut -f1)
  binder_nopyc_mb=$(du -sm --exclude=__pycache__ "$venv" | cut -f1)
  echo "== lessons under nbval in the Binder env (simulated runtime, no Docker engine)"
  # a socket that does not exist: lesson 03 takes its no-engine path
  DOCKER_HOST=unix:///nonexistent/docker.sock "$venv/bin/python" -m pytest \
    -p no:cacheprovider --nbval lessons/[0-9][0-9]-*.ipynb \
    --nbval-sanitize-with lessons/nbval-sanitize.cfg
fi

echo "== figures"
printf '   site build time:        %d.%01d s (%s pages)\n' $((build_ms / 1000)) $((build_ms % 1000 / 100)) "$pages"
echo   "   total site size:        ${site_mb} MB (build/site)"
if [ "$binder_mb" = skipped ]; then
  echo "   Binder env install size: skipped (SKIP_BINDER=1)"
else
  echo "   Binder env install size: ${binder_mb} MB (${binder_nopyc_mb} MB without bytecode; target < 400 MB)"
fi
