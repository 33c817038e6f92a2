"""`make bench` always prints its JSON: the summary finds every pass/fail wherever a
benchmark put it, and ignores anything else (the load benchmark's own goals as words)."""

from benchmarks.__main__ import _judged


def test_the_summary_counts_every_judged_figure_at_any_depth_and_nothing_else():
    results = {
        "load": {"goals": {"p95_over_floor": "<= 2.0"}, "all_pass": False,
                 "pages": {"case page": {"errors": {"value": 0, "goal": 0, "pass": True},
                                         "queries": {"value": 16, "goal": 15,
                                                     "pass": False}}}},
        "deadlines": {"goals": {"sweep_s": {"value": 3.2, "goal": 5.0, "pass": True}}},
        "chronology": {"goals": {"docx_s": {"value": None, "goal": 3.0, "pass": None}},
                       "error": "RuntimeError: no database"},
    }
    assert sorted(_judged(results), key=str) == [False, None, True, True]
