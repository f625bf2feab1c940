"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledFormMixin:
    """Give every widget Bootstrap's class, so templates can render fields generically."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
