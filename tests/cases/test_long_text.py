"""Free text has a limit that fits it (a 50,000-character "what happened" made the case
page 21,600 px tall), with GOV.UK's character count; long text is shown folded."""

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from accounts.fields import NARRATIVE_MAX_LENGTH, CharacterCountTextarea
from accounts.templatetags.long_text import SHOWN_CHARACTERS, fold
from cases.forms.referral import IncidentForm
from cases.models import Incident
from tests.cases.factories import referred_case
from tests.rapid_review.builders import officer_of

FORM_MODULES = ["cases.forms", "notifications.forms", "rapid_review.forms", "calendars.forms"]
WORDS = "The child was seen at the clinic and the health visitor noted a bruise. "


def _form_classes():
    for package in FORM_MODULES:
        module = importlib.import_module(package)
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [importlib.import_module(f"{package}.{info.name}")
                        for info in pkgutil.iter_modules(module.__path__)]
        for each in modules:
            for _name, cls in inspect.getmembers(each, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == each.__name__:
                    yield cls


def test_every_free_text_answer_has_a_limit_and_a_character_count():
    textareas = [(cls.__name__, name, field) for cls in _form_classes()
                 for name, field in cls.base_fields.items()
                 if isinstance(field.widget, forms.Textarea)]
    assert len(textareas) > 30
    unlimited = [(form, name) for form, name, field in textareas if not field.max_length]
    assert unlimited == []
    # Email addresses one a line are a list, not prose: no count, still a limit.
    counted = [(form, name) for form, name, field in textareas
               if not isinstance(field.widget, CharacterCountTextarea)]
    assert counted == [("LetterSendForm", "extra_recipients")]


def test_fifty_thousand_characters_of_what_happened_are_refused_with_the_limit():
    form = IncidentForm(data={"description": "x" * 50_000})
    assert not form.is_valid()
    assert form.errors["description"] == ["What happened must be 5,000 characters or fewer"]
    form = IncidentForm(data={"description": "x" * NARRATIVE_MAX_LENGTH})
    form.is_valid()
    assert "description" not in form.errors


def test_the_character_count_is_shown_and_no_maxlength_cuts_a_paste_short():
    form = IncidentForm(data={"description": "x" * 6_000})
    form.is_valid()
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form}))
    textarea = re.search(r'<textarea name="description"[^>]*>', html).group(0)
    assert "maxlength" not in textarea
    assert "govuk-js-character-count" in textarea and "govuk-textarea--error" in textarea
    assert "id_description-info" in re.search(r'aria-describedby="([^"]*)"', textarea).group(1)
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in html
    assert ('id="id_description-info" class="govuk-hint govuk-character-count__message">'
            "You can enter up to 5,000 characters") in html
    assert "What happened must be 5,000 characters or fewer" in html


def test_short_text_is_shown_whole():
    assert fold("A short note.") == ("A short note.", "")
    # A little over the limit is not worth a click.
    almost = WORDS * ((SHOWN_CHARACTERS + 100) // len(WORDS))
    assert fold(almost)[1] == ""


def test_long_text_is_cut_at_a_word_and_nothing_is_lost():
    text = WORDS * 70
    shown, folded = fold(text)
    assert folded and len(shown) <= SHOWN_CHARACTERS
    assert text.startswith(shown) and text[len(shown)] == " "  # at a word break
    assert text.split() == shown.split() + folded.split()


def test_many_short_lines_are_folded_after_eight():
    text = "\n".join(f"Line {n} of the attendees" for n in range(1, 41))
    shown, folded = fold(text)
    assert shown.splitlines()[-1] == "Line 8 of the attendees"
    assert folded.splitlines()[0] == "Line 9 of the attendees"


@pytest.mark.django_db
def test_a_long_what_happened_is_folded_on_the_case_page(client, partnership):
    case = referred_case(partnership)
    text = WORDS * 600  # 43,800 characters, as stored before the limit
    Incident.objects.filter(case=case).update(description=text)
    client.force_login(officer_of(partnership))
    html = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    row = html.split("What happened</dt>")[1].split("</dd>")[0]
    before_fold = row.split("<details")[0]
    assert len(before_fold) < SHOWN_CHARACTERS + 100
    assert "Show more" in row
    assert row.count("bruise") == text.count("bruise")  # all of it, once


@pytest.mark.django_db
def test_a_long_reason_for_the_referral_is_folded(client, partnership):
    case = referred_case(partnership)
    case.referral.reason = WORDS * 40
    case.referral.save(update_fields=["reason"])
    client.force_login(officer_of(partnership))
    html = client.get(reverse("cases:case-detail", args=[case.reference])).content.decode()
    row = html.split("Why the referrer thinks the criteria are met</dt>")[1].split("</dd>")[0]
    assert "Show more" in row
