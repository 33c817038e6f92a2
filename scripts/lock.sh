#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml's pins: every package, the transitive ones
# too, at one version with the hashes of its files. `make setup` installs from
# requirements-dev.lock and the production image from requirements.lock, both with
# --require-hashes. Run after changing a pin in pyproject.toml; commit all three.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# The Python `make` installs with (the Makefile's choice) decides which conditional
# dependencies are locked; PYTHON=... to lock for another. Markers keep the others' out.
"${PYTHON:-$(command -v python3.11 || command -v python3)}" -m venv "$tools"
"$tools/bin/pip" install --quiet pip-tools==7.7.0
for extra in "" dev; do
  out=requirements${extra:+-$extra}.lock
  CUSTOM_COMPILE_COMMAND="scripts/lock.sh" "$tools/bin/pip-compile" --quiet --generate-hashes \
    --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
    ${extra:+--extra $extra} -o "$out" pyproject.toml
done
