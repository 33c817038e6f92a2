#!/usr/bin/env bash
# Known vulnerabilities in the locked Python packages (pip-audit, PyPI's advisory data).
# Fails when a locked version has a published vulnerability. Where the registry this
# machine reaches does not answer for a package (a mirror without PyPI's per-version data,
# no network), says so and does not fail: nothing could be checked, which is not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$report" "$errors"' EXIT
# The machine's own trust store (a proxy's certificate authority is there), not certifi's.
if [ -z "${REQUESTS_CA_BUNDLE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
fi
timeout 120 .venv/bin/pip-audit -r requirements.lock --require-hashes --disable-pip \
  --progress-spinner off -f json -o "$report" 2>"$errors"
status=$?
if [ ! -s "$report" ]; then
  echo "Dependencies not checked for known vulnerabilities: pip-audit could not reach its" \
    "advisory data (exit $status: $(grep -v '^ ' "$errors" | tail -n 1 | cut -c1-200))."
  exit 0
fi
.venv/bin/python - "$report" <<'PY'
import json
import sys

dependencies = json.load(open(sys.argv[1]))["dependencies"]
checked = [d for d in dependencies if "skip_reason" not in d]
vulnerable = [d for d in checked if d.get("vulns")]
for d in vulnerable:
    ids = ", ".join(v["id"] for v in d["vulns"])
    print(f"VULNERABLE {d['name']} {d['version']}: {ids}")
print(f"Dependencies checked for known vulnerabilities: {len(checked)} of {len(dependencies)}"
      f" ({len(dependencies) - len(checked)} not answered by the registry); "
      f"{len(vulnerable)} vulnerable.")
sys.exit(1 if vulnerable else 0)
PY
