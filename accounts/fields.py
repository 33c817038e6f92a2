"""Free text with a limit that fits it, shown with GOV.UK's character count.

Every app's forms use ``LongTextField`` for narrative answers: a 50,000-character "what
happened" is refused with a message saying the limit, instead of being stored and making
the case page scroll for ever. There is no ``maxlength`` attribute, which would cut a
pasted text short without a word: the count shows while typing, the form says what is over.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

NOTE_MAX_LENGTH = 500  # a reason, a note of a call, an address
NARRATIVE_MAX_LENGTH = 5_000  # what happened, why, a summary
SECTION_MAX_LENGTH = 20_000  # a section of the rapid review report, an agency's answer


class CharacterCountTextarea(forms.Textarea):
    """A textarea inside GOV.UK's character count component."""

    def __init__(self, max_length: int, attrs: dict | None = None):
        self.max_length = max_length
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        classes = widget_attrs.get("class", "").split()
        widget_attrs["class"] = " ".join(dict.fromkeys(
            ["govuk-textarea", *classes, "govuk-js-character-count"]))
        if widget_attrs.get("id"):
            described_by = widget_attrs.get("aria-describedby", "").split()
            widget_attrs["aria-describedby"] = " ".join(
                dict.fromkeys([*described_by, f"{widget_attrs['id']}-info"]))
        return context

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        field_id = {**self.attrs, **(attrs or {})}.get("id")
        if not field_id:
            return textarea
        return format_html(
            '<div class="govuk-character-count" data-module="govuk-character-count" '
            'data-maxlength="{}">{}<div id="{}-info" class="govuk-hint '
            'govuk-character-count__message">You can enter up to {} characters</div></div>',
            self.max_length, textarea, field_id, f"{self.max_length:,}")


class _LongTextBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            classes = (attrs.get("class") or widget.attrs.get("class", "")).split()
            attrs["class"] = " ".join(dict.fromkeys([*classes, "govuk-textarea--error"]))
        return attrs


class LongTextField(forms.CharField):
    """A narrative answer of at most ``max_length`` characters (5,000 unless said).

    ``what`` names it in the error ("What happened must be 5,000 characters or fewer");
    by default the label without "(optional)" or a question mark. A ``widget`` given is
    kept only for its attributes (rows)."""

    bound_field_class = _LongTextBoundField

    def __init__(self, *, max_length: int = NARRATIVE_MAX_LENGTH, what: str | None = None,
                 widget=None, **kwargs):
        if isinstance(widget, type):
            widget = widget()
        attrs = dict(widget.attrs) if widget is not None else {}
        super().__init__(max_length=max_length,
                         widget=CharacterCountTextarea(max_length, attrs), **kwargs)
        what = what or str(self.label or "Your answer").replace("(optional)", "")
        what = what.strip().rstrip("?").strip()
        self.error_messages["max_length"] = (
            f"{what} must be {max_length:,} characters or fewer")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
