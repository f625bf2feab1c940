"""Fixtures of the plan tests: the demo college loaded once per test that asks for it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo(db: None) -> Any:
    """The demo organisation (accounts and Riverside College); returns the demo manager."""
    from standby.accounts.models import User
    from standby.common.demo import load_demo

    load_demo()
    return User.objects.get(username="manager")
