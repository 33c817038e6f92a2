"""Local child safeguarding practice reviews (seed 002 chapter 3, seed 003 flowchart 3).

For now the review's clock: its 6 month target counts from the partners' decision, and the
final report goes to the Panel, the Secretary of State and Ofsted at least 7 working days
(statutory calendar) before the planned publication date.
"""

from __future__ import annotations

from django.db import models

from accounts.models import User


class Lcspr(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="lcspr")
    planned_publication_on = models.DateField(null=True, blank=True)
    final_report_sent_on = models.DateField(
        null=True, blank=True,
        help_text="When the final report went to the Panel, the Secretary of State and Ofsted")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LCSPR"

    def __str__(self) -> str:
        return f"LCSPR of {self.case}"
