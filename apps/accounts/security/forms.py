"""Forms of the login side, in French, with the attributes browsers and assistive tools need.

Django links help texts and errors to their input (``aria-describedby`` with the
``<id>_helptext`` and ``<id>_error`` ids that ``accounts/_field.html`` prints).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.http import QueryDict

from apps.accounts.models import Profile, User
from apps.accounts.passwords import password_rules_for

CODE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "pattern": "[0-9]*",
    "maxlength": "8",
    "size": "8",
    "autocapitalize": "off",
    "spellcheck": "false",
}


def _clear(form: forms.Form, *names: str) -> None:
    """A refused code is not shown again: the field comes back empty for the next one."""
    data: dict[str, Any] | QueryDict = (
        form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    )
    for name in names:
        data[name] = ""
    form.data = data


def _point_at_form_errors(form: forms.Form, *names: str) -> None:
    """Errors that belong to no single field (``accounts/_form_errors.html``, id
    ``form-errors``) still describe the inputs they are about."""
    for name in names:
        described_by = ["form-errors"]
        if form.fields[name].help_text:
            described_by.append(f"{form[name].auto_id}_helptext")
        form.fields[name].widget.attrs.update(
            {"aria-describedby": " ".join(described_by), "aria-invalid": "true"}
        )


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = "Identifiant"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            _point_at_form_errors(self, "username", "password")
            raise


class SecondFactorForm(forms.Form):
    """A code of the authentication application, or one backup code."""

    code = forms.CharField(
        label="Code à 6 chiffres de votre application",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    backup_code = forms.CharField(
        label="Ou un code de secours",
        help_text="Chaque code de secours ne sert qu'une fois.",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("code") or "").strip()
        backup = (data.get("backup_code") or "").strip()
        if not code and not backup:
            self.add_error("code", "Saisissez le code affiché par votre application.")
        elif code and backup:
            raise forms.ValidationError("Saisissez un seul code : l'un ou l'autre.")
        elif code and not (code.isdigit() and len(code) == 6):
            self.add_error("code", "Le code de l'application compte 6 chiffres.")
        return data

    def reject(self) -> None:
        field = "backup_code" if self.cleaned_data.get("backup_code") else "code"
        self.add_error(field, "Ce code n'est pas valable. Vérifiez-le et réessayez.")
        _clear(self, "code", "backup_code")


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("Le code compte 6 chiffres.")
        return code

    def reject(self) -> None:
        self.add_error(
            "code",
            "Ce code n'est pas valable. Vérifiez l'heure du téléphone et saisissez le code "
            "affiché maintenant.",
        )
        _clear(self, "code")


class NewPasswordMixin:
    """``new_password1``/``new_password2`` with French labels and the account's own rules."""

    fields: dict[str, forms.Field]

    def _french_password_fields(self, user: Any) -> None:
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = password_rules_for(user)
        self.fields["new_password1"].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password2"].label = "Le même mot de passe, une seconde fois"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].widget.attrs.update({"autocomplete": "new-password"})


class FrenchSetPasswordForm(NewPasswordMixin, SetPasswordForm):
    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.label_suffix = ""
        self._french_password_fields(user)


class FrenchPasswordChangeForm(NewPasswordMixin, PasswordChangeForm):
    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.label_suffix = ""
        self.fields["old_password"].label = "Mot de passe actuel"
        self.fields["old_password"].widget.attrs.update({"autocomplete": "current-password"})
        self._french_password_fields(user)


class AdultPasswordResetForm(PasswordResetForm):
    """Reset by e-mail for adults only: pupils ask their teacher; blocked accounts cannot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["email"].label = "Adresse électronique de votre compte"
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def get_users(self, email: str) -> Any:
        return (
            user
            for user in super().get_users(email)
            if user.profile != Profile.PUPIL and user.blocked_at is None
        )


class FirstLoginForm(forms.Form):
    """Login and activation code from the card, then the password the person chooses."""

    username = forms.CharField(
        label="Identifiant",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    activation_code = forms.CharField(
        label="Code d'activation",
        help_text="Il est imprimé sur la carte de connexion remise par l'école.",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    new_password1 = forms.CharField(
        label="Mot de passe choisi",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "Élèves : au moins 6 caractères. Adultes : au moins 12 caractères, pas uniquement "
            "des chiffres, ni un mot de passe courant."
        ),
    )
    new_password2 = forms.CharField(
        label="Le même mot de passe, une seconde fois",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.account: User | None = None

    def credentials_rejected(self) -> None:
        self.add_error(None, "Identifiant ou code d'activation incorrect.")
        _point_at_form_errors(self, "username", "activation_code")

    def check_password_for(self, account: User) -> bool:
        """Validate the chosen password against ``account``'s rules (pupil or adult)."""
        first = self.cleaned_data.get("new_password1") or ""
        second = self.cleaned_data.get("new_password2") or ""
        if first != second:
            self.add_error("new_password2", "Les deux mots de passe ne sont pas identiques.")
            return False
        try:
            password_validation.validate_password(first, account)
        except forms.ValidationError as error:
            self.add_error("new_password1", error)
            return False
        return True


class PupilPasswordForm(NewPasswordMixin, SetPasswordForm):
    """A teacher chooses a new password for a pupil (the pupil's simple rules apply)."""

    def __init__(self, pupil: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(pupil, *args, **kwargs)
        self.label_suffix = ""
        self._french_password_fields(pupil)
        self.fields["new_password1"].label = "Nouveau mot de passe de l'élève"
        self.fields["new_password1"].widget = forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["new_password2"].widget = forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false"}
        )


class CurrentPasswordMixin:
    """The account's current password, asked again before a change that matters (the view
    checks it: a wrong one counts as a failed login)."""

    fields: dict[str, forms.Field]

    def _current_password_field(self) -> None:
        self.fields["password"] = forms.CharField(
            label="Mot de passe actuel",
            help_text="Pour confirmer que c'est bien vous.",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            error_messages={"required": "Saisissez le mot de passe de votre compte."},
        )

    def reject_password(self, message: str = "Mot de passe incorrect.") -> None:
        # A password input is never shown again: the field comes back empty.
        cast(forms.Form, self).add_error("password", message)


class EmailChangeForm(CurrentPasswordMixin, forms.Form):
    """A new address for one's own account; whether it is free is the service's question
    (``apps.accounts.security.email_change``)."""

    email = forms.EmailField(
        label="Nouvelle adresse électronique",
        max_length=254,
        error_messages={
            "required": "Saisissez l'adresse électronique à utiliser.",
            "invalid": (
                "Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."
            ),
            "max_length": "Cette adresse électronique est trop longue.",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.label_suffix = ""
        self._current_password_field()

    def clean_email(self) -> str:
        # Compared and stored in lower case, as the imports store addresses.
        email: str = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.strip().lower():
            raise forms.ValidationError("C'est déjà l'adresse de votre compte.")
        return email


class EmailRemoveForm(CurrentPasswordMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self._current_password_field()
