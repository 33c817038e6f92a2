"""The figures' period and partnership: a GET form, so a view can be bookmarked and shared."""

from __future__ import annotations

import datetime

from crispy_forms_gds.layout import Field, Size
from django import forms

from accounts.forms import GdsDateField, gds_helper
from accounts.models import Partnership

from .selectors import Period, financial_year, financial_year_of

OTHER_DATES = "dates"
ALL = "all"
YEARS_BACK = 5


class FiguresForm(forms.Form):
    period = forms.ChoiceField(label="Period", required=False,
                               error_messages={"invalid_choice": "Select a period from the "
                                                                 "list"})
    date_from = GdsDateField(label="From", required=False, what="the first date",
                             help_text="Only for other dates. For example, 1 4 2025")
    date_to = GdsDateField(label="To", required=False, what="the last date",
                           help_text="For example, 31 3 2026")
    partnership = forms.ChoiceField(label="Partnership", required=False,
                                    error_messages={"invalid_choice": "Select a partnership "
                                                                      "from the list"})

    def __init__(self, *args, today: datetime.date, partnerships: list[Partnership],
                 current: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.partnerships, self.current = today, partnerships, current
        this_year = financial_year_of(today)
        names = {this_year: " (this financial year)", this_year - 1: " (last financial year)"}
        self.fields["period"].choices = [
            (str(year), financial_year(year).label + names.get(year, ""))
            for year in range(this_year, this_year - YEARS_BACK, -1)] + [
            (OTHER_DATES, "Other dates")]
        self.fields["period"].initial = str(this_year - 1)
        layout = [Field.select("period"), Field("date_from"), Field("date_to")]
        if len(partnerships) > 1:
            self.fields["partnership"].choices = [(ALL, "Each partnership side by side")] + [
                (p.code, p.name) for p in partnerships]
            self.fields["partnership"].initial = current.code
            layout.append(Field.select("partnership"))
        else:
            del self.fields["partnership"]
        self.helper = gds_helper(*layout, submit="Show the figures")
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == OTHER_DATES:
            start, end = cleaned.get("date_from"), cleaned.get("date_to")
            if "date_from" not in self.errors and not start:
                self.add_error("date_from", "Enter the first date")
            if "date_to" not in self.errors and not end:
                self.add_error("date_to", "Enter the last date")
            if start and end and end < start:
                self.add_error("date_to", "The last date must be the same as or after the "
                                          "first date")
        return cleaned

    def chosen(self) -> tuple[Period, list[Partnership]] | None:
        """The period and partnerships asked for; None while the form has errors."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {}
        period_value = data.get("period") or self.fields["period"].initial
        if period_value == OTHER_DATES:
            start, end = data["date_from"], data["date_to"]
            period = Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")
        else:
            period = financial_year(int(period_value))
        which = data.get("partnership") or self.current.code
        if which == ALL:
            return period, self.partnerships
        return period, [p for p in self.partnerships if p.code == which]
