"""Forms for managing users."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from standby.accounts.choices import Role
from standby.common.forms import StyledFormMixin


class UserCreateForm(StyledFormMixin, forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )


class UserUpdateForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Inactive users cannot sign in."
    )


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    """Django's password change form, styled."""
