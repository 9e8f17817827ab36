from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class EnrolmentCodeForm(forms.Form):
    """The first code from a newly set-up authenticator app."""

    token = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    """The second factor at sign-in: a code from the authenticator app, or one of the recovery codes."""

    token = forms.RegexField(
        label="Six-digit code from your authenticator app",
        help_text="Lost your phone? Enter one of your recovery codes (like abcd-efgh-jkmn) instead.",
        regex=r"^\s*(\d{6}|[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4})\s*$",
        error_messages={
            "invalid": "Enter the six digits your authenticator app shows, or one of your recovery codes."
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def is_recovery_code(self) -> bool:
        return len(self.cleaned_data["token"].strip()) != 6


class ResetSecondFactorForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting this person's second factor?",
        help_text="For example: lost or replaced phone. Recorded in the audit log and told to the person.",
        max_length=200,
    )
