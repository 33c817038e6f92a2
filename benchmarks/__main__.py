"""`make bench`: run every benchmarks/bench_*.py module's ``run()`` and print one JSON object.

Benchmarks report; tests gate. Whatever a benchmark does (raises, exits, times out), its
entry says so as ``error`` (or ``errors``, by part, beside what the other parts measured)
and the others still run, the JSON is printed and the exit
status is 0. A module's ``GOALS`` (figure name: ``Goal``) are printed beside its figures
under ``goals``, each with ``pass`` (None when the figure was not measured), and
``goals_summary`` counts them over every module.
"""

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path


def _run(module: str) -> dict:
    started = time.perf_counter()
    goals = {}
    try:
        bench = importlib.import_module(f"benchmarks.{module}")
        goals = getattr(bench, "GOALS", {})
        figures = dict(bench.run())
    except (Exception, SystemExit) as error:  # noqa: BLE001 - reported, never fatal
        figures = {"error": f"{type(error).__name__}: {error}"[-3000:]}
    if goals:
        figures["goals"] = {key: goal.judge(figures.get(key)) for key, goal in goals.items()}
    figures["bench_s"] = round(time.perf_counter() - started, 1)
    return figures


def _judged(figures):
    """Every pass/fail in the results, wherever a benchmark put it (under ``goals``, or
    beside a figure as the load benchmark does for each page): any ``{"goal", "pass"}``."""
    if isinstance(figures, dict):
        if "goal" in figures and "pass" in figures:
            yield figures["pass"]
            return
        for value in figures.values():
            yield from _judged(value)
    elif isinstance(figures, list):
        for value in figures:
            yield from _judged(value)


def main() -> int:
    results = {}
    here = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(here)])):
        if module.startswith("bench_"):
            results[module.removeprefix("bench_")] = _run(module)
            sys.stderr.write(f"bench: {module} done in {results[module[6:]]['bench_s']} s\n")
    judged = list(_judged(results))
    results["goals_summary"] = {"met": judged.count(True), "missed": judged.count(False),
                                "not_measured": judged.count(None),
                                "errors": sorted(k for k, r in results.items()
                                                 if "error" in r
                                                 or isinstance(r.get("errors"), dict))}
    json.dump(results, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
