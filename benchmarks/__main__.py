"""`make bench`: run every benchmarks/bench_*.py module's ``run()`` and print one JSON object."""

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    results = {}
    here = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)])):
        if module.startswith("bench_"):
            results[module.removeprefix("bench_")] = importlib.import_module(
                f"benchmarks.{module}"
            ).run()
    json.dump(results, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
