#!/usr/bin/env bash
# Install netmap and its test dependencies into ./.venv, then run the linters and
# every test. This is the README's test command; CI runs it on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check -e '.[test]'

ruff check .
ruff format --check .
pytest
