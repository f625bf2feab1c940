"""Typed requests for views behind sign-in (django-htmx's recommended pattern)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from standby.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request from a signed-in user (LoginRequiredMiddleware guarantees it)."""

    user: User
    htmx: HtmxDetails
