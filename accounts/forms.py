"""Sign-in and password forms laid out with the GOV.UK Design System, and what every form
shares: the GOV.UK layout, service errors by their fields, the form token and the revision
read (docs/decisions/0006). Then the administration forms: people and roles, agencies, the
partnership's settings."""

import datetime
import uuid

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Layout
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from .models import Agency, Partnership, Role, StatutoryPartner
from .throttling import sign_in_locked_message


def gds_helper(*fields, submit: str) -> FormHelper:
    """A crispy-forms GOV.UK layout ending in one primary button (every form uses it)."""
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


class FormTokenField(forms.UUIDField):
    """A hidden token made when the page is rendered and stored with what its post creates,
    so the same form posted twice (a double click, the back button) does one thing."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


class RevisionField(forms.IntegerField):
    """The revision (or version) of the record when the form was read: the service refuses
    a save against a newer one instead of overwriting it."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


def edit_conflict(form: forms.Form, error: ValidationError,
                  field: str = "revision") -> dict | None:
    """Show a refused save as any service error; when someone else's save refused it
    (``cases.services.EditConflict``), also return what they saved, for the page to show
    beside what was typed (the bound form keeps it), and let the form carry the revision it
    was refused against, so that saving again, once both are read, saves."""
    apply_service_errors(form, error)
    current = getattr(error, "current", None)
    if current is None:
        return None
    form.data = form.data.copy()
    form.data[form.add_prefix(field)] = str(current)
    return {"who": error.who, "when": error.when, "theirs": error.theirs}


def apply_service_errors(form: forms.Form, error: ValidationError,
                         aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to the field it concerns, or in the error summary.

    ``aliases`` maps a service's field name to the form's, where they differ.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (aliases or {}).get(field, field)
            for e in errors:
                for message in e.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class GdsDateField(DateInputField):
    """GOV.UK date input whose errors name the date and say what to do.

    ``what`` completes 'Enter ...', e.g. 'the date the local authority became aware'.
    """

    def __init__(self, *, what: str, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        name = what.removeprefix("the ")
        self.error_messages.update({
            "required": f"Enter {what}",
            "invalid": f"{name[0].upper()}{name[1:]} must be a real date",
        })
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = (
                f"{name[0].upper()}{name[1:]} must include a {part}")
            field.validators[0].message = f"{name[0].upper()}{name[1:]} must be a real date"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError(self.error_messages["invalid"]) from error

    def clean(self, value):
        result = super().clean(value)
        if isinstance(result, datetime.date) and not 1900 <= result.year <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"])
        return result


class StartTimeField(forms.CharField):
    """An optional start time typed as people write it (09:30, 2pm): a ``datetime.time`` or
    None."""

    FORMATS = ("%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p")

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Start time (optional)")
        kwargs.setdefault("help_text", "For example, 09:30 or 2pm")
        super().__init__(required=False, max_length=10, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip().lower().replace(" ", "")
        if not text:
            return None
        for pattern in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).time()
            except ValueError:
                continue
        raise forms.ValidationError("Enter the start time like 09:30 or 2pm")


class LockedOutMessageMixin:
    """A sign-in refused because too many have failed (accounts/throttling.py) says so in the
    error summary, in the same words for every email address typed."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(sign_in_locked_message(), code="locked_out")
        return super().get_invalid_login_error()


class OperationsSignInForm(LockedOutMessageMixin, AdminAuthenticationForm):
    """The operations admin's sign-in (accounts/admin.py)."""


class SignInForm(LockedOutMessageMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Contact your administrator",
    }

    username = forms.EmailField(
        label="Email address",
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, "
                                   "like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            submit="Sign in",
        )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, "
                                   "like name@example.org"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS), submit="Send reset link"
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Through the outbox like every other email (Django would send it here, inside the
        request, with no retry). The link is a secret: the outbox forgets the body once
        the email is sent or given up."""
        from outbox.services import message_queue

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message_queue(to=to_email, subject=subject,
                      body=render_to_string(email_template_name, context),
                      kind="password_reset", secret=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self.helper = gds_helper(
            Field.text("new_password1", field_width=Fixed.TWENTY),
            Field.text("new_password2", field_width=Fixed.TWENTY),
            submit="Change password",
        )


class ChoosePartnershipForm(forms.Form):
    partnership = forms.TypedChoiceField(
        label="Which partnership are you working in?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the partnership you are working in"},
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [(p.pk, p.name) for p in partnerships]
        self.helper = gds_helper(Field.radios("partnership", legend_size="l"), submit="Continue")


# --------------------------------------------------------------------------- administration

EMAIL_ERRORS = {"required": "Enter an email address",
                "invalid": "Enter an email address in the correct format, like "
                           "name@example.org"}


class RoleFieldsMixin:
    """The role, and what it needs: the agency an agency user works for, the partner a
    partner representative represents. Plain questions, not a conditional reveal: GOV.UK's
    script marks the radios aria-expanded, which radios may not carry."""

    def _role_fields(self, partnership) -> None:
        self.fields["role"] = forms.ChoiceField(
            label="Role", choices=Role.choices, widget=forms.RadioSelect,
            error_messages={"required": "Select the person's role"})
        self.fields["agency"] = forms.ModelChoiceField(
            label="Agency users only: which agency do they work for?", required=False,
            queryset=partnership.agencies.all(), empty_label="Select an agency")
        self.fields["statutory_partner"] = forms.ChoiceField(
            label="Safeguarding partner representatives only: which partner do they "
                  "represent?", required=False,
            choices=StatutoryPartner.choices, widget=forms.RadioSelect)
        self.role_layout = Layout(
            Field.radios("role", legend_size="s"),
            Field.select("agency"),
            Field.radios("statutory_partner", legend_size="s"))

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.AGENCY_USER and not data.get("agency"):
            self.add_error("agency", "Select the agency this person works for")
        if role == Role.PARTNER_REPRESENTATIVE and not data.get("statutory_partner"):
            self.add_error("statutory_partner",
                           "Select the safeguarding partner this person represents")
        return data


class PersonAddForm(RoleFieldsMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200,
                                error_messages={"required": "Enter the person's full name"},
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label="Work email address", max_length=254,
                             error_messages=EMAIL_ERRORS,
                             help_text="They sign in with it, and the invitation goes to it",
                             widget=forms.EmailInput(attrs={"autocomplete": "off",
                                                            "spellcheck": "false"}))
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self._role_fields(partnership)
        self.helper = gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fixed.TWENTY),
            self.role_layout, submit="Add person and send invitation")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleGiveForm(RoleFieldsMixin, forms.Form):
    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self._role_fields(partnership)
        self.helper = gds_helper(self.role_layout, submit="Give role")


class ConfirmForm(forms.Form):
    """Empty: a POST with a CSRF token is the confirmation (a refusal shows in the error
    summary)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()


class AgencyForm(forms.Form):
    name = forms.CharField(label="Agency name", max_length=200,
                           error_messages={"required": "Enter the agency's name"})
    sector = forms.ChoiceField(label="Type of agency", widget=forms.RadioSelect,
                               error_messages={"required": "Select the type of agency"})
    contact_name = forms.CharField(
        label="Named contact (optional)", max_length=200, required=False,
        help_text="Usually the safeguarding lead officer. Information requests are sent to "
                  "them")
    contact_email = forms.EmailField(label="Named contact's email address (optional)",
                                     max_length=254, required=False,
                                     error_messages=EMAIL_ERRORS)
    email = forms.EmailField(label="Shared safeguarding mailbox (optional)", max_length=254,
                             required=False, error_messages=EMAIL_ERRORS)
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = Agency.Sector.choices
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("sector", legend_size="s"),
            Field.text("contact_name", field_width=Fluid.TWO_THIRDS),
            Field.text("contact_email", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fixed.TWENTY),
            submit="Save agency")

    def clean(self):
        data = super().clean()
        if data.get("contact_email") and not data.get("contact_name"):
            self.add_error("contact_name", "Enter the named contact's name, or remove their "
                                           "email address")
        if data.get("contact_name") and not data.get("contact_email") \
                and "contact_email" not in self.errors:
            self.add_error("contact_email", "Enter the named contact's email address, so "
                                            "requests reach them")
        return data


class AgencyShareForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label="Which partnership should this agency serve too?", queryset=None,
        widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Select the partnership to share the agency with"})

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["partnership"].label_from_instance = lambda p: p.name
        self.helper = gds_helper(Field.radios("partnership", legend_size="m"),
                                 submit="Share agency")


def _yes_or_no(label: str, choices: list[tuple[str, str]], *, help_text: str,
               required: str) -> forms.TypedChoiceField:
    """A setting that is on or off, as radios that say what each means ("yes" is on)."""
    return forms.TypedChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                                  coerce=lambda value: value == "yes", help_text=help_text,
                                  error_messages={"required": required})


class PartnershipSettingsForm(forms.Form):
    triage_needs_executive_approval = _yes_or_no(
        "Does an executive group approve the review group's triage decisions?",
        [("yes", "Yes, the review group's decision is a recommendation"),
         ("no", "No, the review group decides")],
        help_text="For example, an Assurance Executive",
        required="Select whether an executive group approves triage decisions")
    rapid_review_endorsement = forms.ChoiceField(
        label="Who endorses the signed rapid review before it goes to the Panel?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who endorses the signed rapid review"})
    letter_signatory_name = forms.CharField(
        label="Name of the person who signs the partnership's letters", max_length=200,
        required=False, help_text="For example, the business manager or the independent chair")
    letter_signatory_role = forms.CharField(
        label="Their role, as printed under their name", max_length=200, required=False,
        help_text="For example, Safeguarding Children Partnership Business Manager")
    reminder_digest = _yes_or_no(
        "How should people get their deadline reminders?",
        [("no", "One email for each reminder"),
         ("yes", "One email a day listing all of a person's reminders")],
        help_text="Reminders are sent each working day from 07:00",
        required="Select how people should get their deadline reminders")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        endorsement = Partnership._meta.get_field("rapid_review_endorsement")
        self.fields["rapid_review_endorsement"].choices = [
            ("", "Nobody: it goes to the Panel once the three partners have signed"),
            *endorsement.choices]
        self.fields["rapid_review_endorsement"].required = False
        self.helper = gds_helper(
            Fieldset(Field.radios("triage_needs_executive_approval", legend_size="s"),
                     Field.radios("rapid_review_endorsement", legend_size="s"),
                     legend="Decisions", legend_size="m"),
            Fieldset(Field.text("letter_signatory_name", field_width=Fluid.TWO_THIRDS),
                     Field.text("letter_signatory_role", field_width=Fluid.TWO_THIRDS),
                     legend="Letters", legend_size="m"),
            Fieldset(Field.radios("reminder_digest", legend_size="s"),
                     legend="Reminders", legend_size="m"),
            submit="Save settings")


class SecondFactorCodeForm(forms.Form):
    """The code from the authenticator app; on the sign-in step, a recovery code too."""

    code = forms.CharField(
        label="Code from your authenticator app", max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false",
                                      "autocapitalize": "none"}),
    )

    def __init__(self, *args, recovery: bool = False, submit: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = (
                "The app shows a new 6-digit code every 30 seconds. If you cannot use the "
                "app, enter one of your recovery codes instead")
        else:
            self.fields["code"].help_text = "The 6-digit code the app shows for this service"
        self.helper = gds_helper(Field.text("code", field_width=Fixed.TEN), submit=submit)
