"""Forms of the risk register. They only collect input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import construct_instance

from standby.common.forms import StyledFormMixin
from standby.inventory.models import Node
from standby.risks.library import load_matrix
from standby.risks.models import Measure, Risk, Threat


def _levels(axis: str) -> list[tuple[int, str]]:
    matrix = load_matrix()
    levels = matrix.likelihood if axis == "likelihood" else matrix.impact
    return [(lv.level, f"{lv.level} {lv.name}") for lv in levels]


class _ServiceValidated:
    """Copy the input onto the instance; the service validates it (once, with its rules)."""

    def _post_clean(self) -> None:
        form: Any = self
        construct_instance(form, form.instance, form._meta.fields, form._meta.exclude)


class RiskForm(_ServiceValidated, StyledFormMixin, forms.ModelForm[Risk]):
    threats = forms.ModelMultipleChoiceField(
        queryset=Threat.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="What causes it. Add your own on the threat library page.",
    )
    nodes = forms.ModelMultipleChoiceField(
        queryset=Node.objects.order_by("kind", "name"),
        required=False,
        label="What it hits",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Assets, sites, suppliers and services (hold Ctrl to pick several).",
    )
    residual_likelihood = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    residual_impact = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    class Meta:
        model = Risk
        fields = [
            "name",
            "category",
            "description",
            "threats",
            "nodes",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "treatment",
            "treatment_reason",
            "review_on",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "treatment_reason": forms.Textarea(attrs={"rows": 2}),
            "review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for axis in ("likelihood", "impact"):
            choices = _levels(axis)
            inherent = f"inherent_{axis}"
            self.fields[inherent] = forms.TypedChoiceField(
                label=f"Inherent {axis}", choices=choices, coerce=int
            )
            residual = self.fields[f"residual_{axis}"]
            residual.label = f"Residual {axis}"
            residual.choices = [("", "Same as inherent"), *choices]  # type: ignore[attr-defined]
            residual.help_text = "After the proactive measures."
        for name in ("inherent_likelihood", "inherent_impact"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["treatment_reason"].required = True


class MeasureForm(_ServiceValidated, StyledFormMixin, forms.ModelForm[Measure]):
    protects = forms.ModelMultipleChoiceField(
        queryset=Node.objects.none(),
        required=False,
        label="Nodes it protects",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Outage-duration measures only; none chosen: every node the risk hits.",
    )

    class Meta:
        model = Measure
        fields = ["name", "description", "one_off_cost", "annual_cost", "effect", "factor"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protects"].queryset = risk.nodes.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["protects"].initial = list(self.instance.protects.all())


class ThreatForm(_ServiceValidated, StyledFormMixin, forms.ModelForm[Threat]):
    class Meta:
        model = Threat
        fields = ["key", "name", "category", "description", "frequency", "duration"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
