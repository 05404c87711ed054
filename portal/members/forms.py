"""Forms for joining, for a member's own profile and for the programme team's decision.

The sign-up form extends allauth's own (``ACCOUNT_FORMS["signup"]``) so that
allauth still checks the email address and password and sends the
confirmation email; this adds who the person is and where they work, and
rewords allauth's labels in the portal's voice.
"""

from allauth.account.forms import (
    AddEmailForm,
    ChangePasswordForm,
    ConfirmLoginCodeForm,
    LoginForm,
    RequestLoginCodeForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
    SignupForm,
)
from allauth.core import context, ratelimit
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.cache import cache

from portal.core.client_ip import client_ip
from portal.core.forms import ModelMultipleChoiceField
from portal.taxonomy.models import Organisation, SafetyDomain, Setting

from .models import MemberProfile
from .names import name_problem

NOT_LISTED = "not-listed"


class PlainWordsMixin:
    """Relabel allauth's fields in the portal's words, without placeholders
    (a hint above the box stays visible while typing; a placeholder does not)."""

    labels = {}
    # Each empty field's message names it, so the error summary reads as a list of things to do.
    required_messages = {}
    password_hint = " ".join(password_validation.password_validators_help_texts())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            self.fields[name].label = label
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name == "password1":
                field.help_text = self.password_hint


class MemberChangePasswordForm(PlainWordsMixin, ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Type your new password again",
    }
    required_messages = {
        "oldpassword": "Enter your current password",
        "password1": "Enter a new password",
        "password2": "Type your new password again",
    }


class MemberResetPasswordForm(PlainWordsMixin, ResetPasswordForm):
    labels = {"email": "Email address"}
    required_messages = {"email": "Enter your email address"}


class MemberResetPasswordKeyForm(PlainWordsMixin, ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Type your new password again"}
    required_messages = {"password1": "Enter a new password", "password2": "Type your new password again"}


class MemberAddEmailForm(PlainWordsMixin, AddEmailForm):
    labels = {"email": "Email address"}
    required_messages = {"email": "Enter the email address"}


class MemberLoginForm(LoginForm):
    """allauth's sign-in form in plain words; the reset link sits under the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs["autocomplete"] = "email"
        self.fields["login"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"
            self.fields["remember"].help_text = "Do not tick this on a shared computer."


class MemberRequestLoginCodeForm(RequestLoginCodeForm):
    """Asking for a sign-in code by email, in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter the email address you sign in with"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class MemberConfirmLoginCodeForm(ConfirmLoginCodeForm):
    """Typing the emailed sign-in code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Sign-in code"
        self.fields["code"].help_text = "The code in the email we have just sent you."
        self.fields["code"].error_messages["required"] = "Type the code from the email"
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].widget.attrs["spellcheck"] = "false"


class NameRulesMixin:
    """Refuses a name kept for the programme team or already used at the member's organisation.

    The rules are in ``portal.members.names``; the message goes next to the
    first name, and nothing typed is lost.
    """

    def name_owner_and_organisation(self, cleaned):
        """(user, organisation, requested organisation name) of the person taking the name."""
        raise NotImplementedError

    def name_unchanged(self, cleaned):
        return False

    def clean(self):
        cleaned = super().clean()
        if {"first_name", "last_name"} & set(self.errors) or self.name_unchanged(cleaned):
            return cleaned
        user, organisation, requested = self.name_owner_and_organisation(cleaned)
        first_name, last_name = cleaned.get("first_name", ""), cleaned.get("last_name", "")
        problem = name_problem(first_name, last_name, user, organisation, requested)
        if problem:
            self.add_error("first_name", problem)
        return cleaned


class MemberSignupForm(NameRulesMixin, SignupForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    organisation = forms.ChoiceField(
        label="Organisation",
        help_text="Where you work. If it is not in the list, choose ‘My organisation is not listed’ at the end.",
    )
    requested_organisation = forms.CharField(
        label="Name of your organisation, if it is not listed",
        max_length=255,
        required=False,
        help_text="For example, Brookfield House Care Home. We will add it when we approve your account.",
    )
    role = forms.CharField(
        label="Your role",
        max_length=120,
        help_text="For example, registered manager, deputy manager or senior carer.",
    )

    # Each empty field's message names it: "This field is required." seven times tells nobody which.
    required_messages = {
        "first_name": "Enter your first name",
        "last_name": "Enter your last name",
        "email": "Enter your email address",
        "password1": "Create a password",
        "password2": "Type your password again",
        "organisation": "Choose your organisation",
        "role": "Enter your role",
    }

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "organisation",
        "requested_organisation",
        "role",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "You will use this to sign in. We will send you an email to confirm it."
        self.fields["password1"].label = "Create a password"
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())
        self.fields["password2"].label = "Type your password again"
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        self.fields["organisation"].choices = [
            ("", "Choose your organisation"),
            *[(str(pk), name) for pk, name in Organisation.objects.order_by("name").values_list("pk", "name")],
            (NOT_LISTED, "My organisation is not listed"),
        ]

    def clean_requested_organisation(self):
        return " ".join(self.cleaned_data["requested_organisation"].split())

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("organisation")
        requested = cleaned.get("requested_organisation", "")
        cleaned["organisation_object"] = None
        if choice == NOT_LISTED:
            if not requested and "requested_organisation" not in self.errors:
                self.add_error("requested_organisation", "Type the name of your organisation")
        elif choice:
            if requested:
                self.add_error(
                    "requested_organisation",
                    "You chose an organisation from the list. Leave this box empty, "
                    "or choose ‘My organisation is not listed’ if none of them is yours",
                )
            cleaned["organisation_object"] = Organisation.objects.filter(pk=choice).first()
            if cleaned["organisation_object"] is None:
                self.add_error("organisation", "That organisation is no longer in the list. Choose another")
        return cleaned

    def name_owner_and_organisation(self, cleaned):
        choice = cleaned.get("organisation")
        if choice and choice != NOT_LISTED:
            return None, Organisation.objects.filter(pk=choice).first(), ""
        return None, None, cleaned.get("requested_organisation", "")

    def try_save(self, request):
        """allauth's: a new account, or an email to the owner of an address already in use.

        The password is hashed either way. Only a new account's was, and the
        hashing is most of the time a sign-up takes, so an answer in a
        fortieth of the time told an attacker the address had an account.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def custom_signup(self, request, user):
        """Record the new member as waiting for the programme team's approval."""
        super().custom_signup(request, user)
        MemberProfile.objects.create(
            user=user,
            organisation=self.cleaned_data["organisation_object"],
            requested_organisation=""
            if self.cleaned_data["organisation_object"]
            else self.cleaned_data["requested_organisation"],
            role=self.cleaned_data["role"],
            status=MemberProfile.Status.PENDING,
        )


class ProfileForm(NameRulesMixin, forms.ModelForm):
    """What members may change about themselves. Their organisation is checked
    by the programme team, so it is not here."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name"})

    class Meta:
        model = MemberProfile
        fields = ["role", "followed_settings", "followed_domains", "wants_digest"]
        field_classes = {"followed_settings": ModelMultipleChoiceField, "followed_domains": ModelMultipleChoiceField}
        labels = {
            "role": "Your role",
            "followed_settings": "Care settings you follow",
            "followed_domains": "Safety domains you follow",
            "wants_digest": "Email me a digest of new learning in the settings and domains I follow",
        }
        help_texts = {
            "role": "For example, registered manager, deputy manager or senior carer.",
            "followed_settings": "Select all that apply.",
            "followed_domains": "Select all that apply.",
            "wants_digest": "",
        }
        error_messages = {"role": {"required": "Enter your role"}}
        widgets = {
            "followed_settings": forms.CheckboxSelectMultiple,
            "followed_domains": forms.CheckboxSelectMultiple,
        }

    field_order = ["first_name", "last_name", "role", "followed_settings", "followed_domains", "wants_digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["followed_settings"].queryset = Setting.objects.order_by("name")
        self.fields["followed_domains"].queryset = SafetyDomain.objects.all()

    def name_owner_and_organisation(self, cleaned):
        profile = self.instance
        return profile.user, profile.organisation, profile.requested_organisation

    def name_unchanged(self, cleaned):
        user = self.instance.user
        return (cleaned.get("first_name"), cleaned.get("last_name")) == (user.first_name, user.last_name)

    def save(self, commit=True):
        profile = super().save(commit=commit)
        user = profile.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        if commit:
            user.save(update_fields=["first_name", "last_name"])
        return profile


class ApprovalForm(forms.Form):
    """The organisation an approved member is recorded against.

    Someone who asked for an organisation that is not in the list can be
    matched to one that is, or the programme team can add it there and then.
    """

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="Organisation",
        help_text="Choose the member's organisation, or leave this empty and add a new one below.",
    )
    new_organisation_name = forms.CharField(
        label="Add a new organisation",
        max_length=200,
        required=False,
        help_text="Only if the organisation is not in the list above.",
    )
    new_organisation_setting = forms.ModelChoiceField(
        queryset=Setting.objects.order_by("name"),
        required=False,
        label="Care setting of the new organisation",
    )
    confirmed_how = forms.ChoiceField(
        label="How did you confirm they work there?",
        choices=[
            (value, label)
            for value, label in MemberProfile.ConfirmedHow.choices
            if value != MemberProfile.ConfirmedHow.BEFORE_RECORDING
        ],
        widget=forms.RadioSelect,
        help_text="Approving lets them keep their organisation's records, so check before you approve.",
        error_messages={"required": "Say how you confirmed that they work at this organisation."},
    )

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        name = " ".join(cleaned.get("new_organisation_name", "").split())
        cleaned["new_organisation_name"] = name
        if organisation and name:
            self.add_error("new_organisation_name", "Choose an organisation from the list or add a new one, not both.")
        elif not organisation and not name:
            self.add_error("organisation", "Choose the member's organisation, or add a new one below.")
        elif name:
            if not cleaned.get("new_organisation_setting"):
                self.add_error("new_organisation_setting", "Choose the care setting of the new organisation.")
            if Organisation.objects.filter(name__iexact=name).exists():
                self.add_error("new_organisation_name", "An organisation with this name is already in the list.")
        return cleaned

    def organisation_to_record(self):
        """The chosen organisation, or a new one made from the name typed."""
        if self.cleaned_data["organisation"]:
            return self.cleaned_data["organisation"]
        return Organisation.objects.create(
            name=self.cleaned_data["new_organisation_name"],
            setting=self.cleaned_data["new_organisation_setting"],
        )


class DeleteAccountForm(forms.Form):
    """Asks for the member's password, so that an unattended signed-in browser cannot delete the account."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Each try counts (allauth's throttle, ``delete_account`` in ACCOUNT_RATE_LIMITS: 5 in 5 minutes
        # per account), so a signed-in browser left open cannot be used to guess the password here.
        if not ratelimit.consume(self.request, action="delete_account", user=self.user):
            raise forms.ValidationError(
                "Too many attempts with the wrong password. Wait 5 minutes, then try again.",
                code="too_many_attempts",
            )
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not right. Enter the password you sign in with.")
        return password


class MemberActivateTOTPForm(ActivateTOTPForm):
    """allauth's form for turning on an authenticator app, in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app"
        self.fields["code"].help_text = "The 6 numbers the app shows for the Safety Learning Portal."
        self.fields["code"].error_messages["required"] = "Type the 6 numbers your authenticator app shows"
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].widget.attrs.update(inputmode="numeric", spellcheck="false")


def consume_code_attempt(request, user):
    """Count one try at a two-factor code; refuse it when a limit is reached. Returns what clears the counts.

    allauth counts these per account alone (``mfa-auth-user-<pk>``, 5 in 5 minutes), so anyone who knew
    a password could keep the real person out of the two-factor step from anywhere, even with the right
    code. As with passwords (``AccountAdapter``), the portal counts per account *and* client
    (``login_failed``: 5 in 5 minutes, and 10 a minute per client across accounts), under a per-account
    ceiling high enough that a stranger needs several addresses to reach it (``mfa_code_account``).
    """
    per_client = f"mfa-auth-user-{user.pk}:{client_ip(request)}"
    per_account = f"mfa-auth-user-{user.pk}"
    if not (
        ratelimit.consume(request, action="login_failed", key=per_client)
        and ratelimit.consume(request, action="mfa_code_account", key=per_account)
    ):
        raise forms.ValidationError(
            "Too many wrong codes. Wait 5 minutes, then type the code your authenticator app shows then.",
            code="too_many_login_attempts",
        )

    def clear():
        ratelimit.clear(request, action="login_failed", key=per_client)
        ratelimit.clear(request, action="mfa_code_account", key=per_account)

    return clear


class ThrottledCodeMixin:
    """allauth's code check (``BaseAuthenticateForm.clean_code``), counted by ``consume_code_attempt``."""

    def clean_code(self):
        clear = consume_code_attempt(context.request, self.user)
        code = self.cleaned_data["code"]
        main = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.wrap().validate_code(code):
                authenticator.user = self.user
                self.authenticator = authenticator
                clear()
                return code
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_mfa_adapter().validation_error("incorrect_code")


class MemberAuthenticateForm(ThrottledCodeMixin, AuthenticateForm):
    """The second step of signing in: a code from the app, or one of the recovery codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code"
        self.fields[
            "code"
        ].help_text = (
            "The 6 numbers your authenticator app shows now, or one of your recovery codes if you have lost your phone."
        )
        self.fields["code"].error_messages["required"] = "Type the code from your authenticator app"
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].widget.attrs["spellcheck"] = "false"

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError:
            # allauth has counted the failure (throttle and signal) by now. Only someone holding a
            # code the app shows now can meet this message, so it tells an attacker nothing.
            if self.code_already_used(self.cleaned_data.get("code", "")):
                raise forms.ValidationError(
                    "That code has already been used. Wait for your authenticator app to show the next one, "
                    "then type that.",
                    code="code_used",
                ) from None
            raise

    def code_already_used(self, code):
        """Whether the code is the app's current one and allauth has marked it used (each code works once)."""
        app = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP).first()
        if app is None or not code:
            return False
        totp = app.wrap()
        valid = validate_totp_code(decrypt(app.data["secret"]), code)
        return valid and cache.get(totp._get_used_cache_key(code)) is not None


class MemberReauthenticateForm(ThrottledCodeMixin, ReauthenticateForm):
    """A code again, for someone signed in: counted as at sign-in, so the counts cannot lock them out either."""
