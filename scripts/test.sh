#!/usr/bin/env bash
# Install netmap and its test dependencies into ./.venv, then run the linters and
# every test. This is the README's test command; CI runs it on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The map tests drive a real headless browser: Debian's chromium (Playwright uses the
# system browser and never downloads its own). As root it is installed here; otherwise
# install it yourself, or the browser tests are skipped (never on CI, where they fail).
if ! command -v chromium >/dev/null 2>&1 && [ -z "${NETMAP_CHROMIUM:-}" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: chromium not found; the browser tests will be skipped" >&2
    fi
fi

python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check -e '.[test]'

ruff check .
ruff format --check .
pytest
