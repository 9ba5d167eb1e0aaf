#!/usr/bin/env bash
# Install netmap and its test dependencies into ./.venv, then run the linters and
# every test. This is the README's test command; CI runs it on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The map tests open the map in real headless browsers: Debian's chromium (driven by
# Playwright, which uses the system browser and never downloads its own) and Debian's
# firefox-esr (over WebDriver BiDi). As root they are installed here; otherwise install
# them yourself, or those tests are skipped (never on CI, where they fail).
missing=""
command -v chromium >/dev/null 2>&1 || [ -n "${NETMAP_CHROMIUM:-}" ] || missing="$missing chromium"
command -v firefox-esr >/dev/null 2>&1 || [ -n "${NETMAP_FIREFOX:-}" ] || missing="$missing firefox-esr"
# pdftotext (poppler-utils) reads the printed report's pages in tests/render/test_report.py.
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
# npm (with node) installs the Cypher linter below.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
# LibreOffice (Calc, headless) saves workbooks the way users' spreadsheets do, in the
# worksheet round-trip tests; its recommended packages are not needed.
office=""
command -v soffice >/dev/null 2>&1 || office="libreoffice-calc-nogui"
if [ -n "$missing$office" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        if [ -n "$missing" ]; then
            # shellcheck disable=SC2086 # the package names are meant to split
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
        fi
        if [ -n "$office" ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$office" >/dev/null
        fi
    else
        echo "note: not installed:$missing $office; the tests that need them will be skipped" >&2
    fi
fi

python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# tests/test_cypher.py lints every Cypher file with Neo4j's own parser, an npm package pinned
# by tests/cypher/package-lock.json (about 100 MB, git-ignored). Without node and npm those
# tests are skipped (never on CI, where they fail).
if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/cypher --no-audit --no-fund --loglevel=error >/dev/null
else
    echo "note: npm not installed; the Cypher lint tests will be skipped" >&2
fi

ruff check .
ruff format --check .
pytest
