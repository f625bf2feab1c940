"""Forms of the strategy area."""

from __future__ import annotations

from django import forms

from standby.common.forms import StyledFormMixin


class WhatIfForm(StyledFormMixin, forms.Form):
    """Pick what fails: any assets, locations and suppliers."""

    fail = forms.MultipleChoiceField(
        label="What fails",
        help_text="Hold Ctrl (⌘ on a Mac) to pick several. Only assets, sites and suppliers fail "
        "directly; processes and services go down through what they require.",
    )

    def __init__(
        self, *args: object, choices: list[tuple[str, list[tuple[str, str]]]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fail"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        field.widget.attrs.update({"size": "12", "class": "form-select"})
