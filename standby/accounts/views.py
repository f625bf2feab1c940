"""Sign-in, password change and user management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts import services
from standby.accounts.choices import Capability
from standby.accounts.forms import StyledPasswordChangeForm, UserCreateForm, UserUpdateForm
from standby.accounts.models import User
from standby.accounts.permissions import capability_required
from standby.common.http import AuthedRequest
from standby.common.selectors import history_for


def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's own password (every role, auditors included: it is self-service)."""
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_set_password(
            actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, "Your password was changed.")
        return redirect("common:home")
    return render(request, "accounts/password_change.html", {"form": form})


@require_safe
@capability_required(Capability.MANAGE_USERS)
def user_list(request: AuthedRequest) -> HttpResponse:
    users = User.objects.order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@require_safe
@capability_required(Capability.MANAGE_USERS)
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": user, "history": history_for(user)[:50]},
    )


@capability_required(Capability.MANAGE_USERS)
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"User {user.username} created.")
            return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form, "subject": None})


@capability_required(Capability.MANAGE_USERS)
def user_update(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"User {user.username} saved.")
            return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form, "subject": user})
