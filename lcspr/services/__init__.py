"""State changes for LCSPRs (one module per topic)."""

from .clock import lcspr_final_report_sent, lcspr_publication_plan

__all__ = ["lcspr_final_report_sent", "lcspr_publication_plan"]
