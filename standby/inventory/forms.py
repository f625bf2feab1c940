"""Forms of the inventory pages. They only shape input; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms

from standby.common.forms import StyledFormMixin
from standby.inventory.choices import NodeKind, TeamRole
from standby.inventory.models import Contract, Node, Person, Team

_NODE_BASE = ["key", "name", "description"]


class _NodeForm(StyledFormMixin, forms.ModelForm[Node]):
    class Meta:
        model = Node
        fields = _NODE_BASE
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProcessForm(_NodeForm):
    class Meta(_NodeForm.Meta):
        fields = [*_NODE_BASE, "owner"]


class ServiceForm(_NodeForm):
    class Meta(_NodeForm.Meta):
        fields = [*_NODE_BASE, "owner"]


class AssetForm(_NodeForm):
    class Meta(_NodeForm.Meta):
        fields = [*_NODE_BASE, "asset_type", "location", "supplier", "recovery_time"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].required = True


class LocationForm(_NodeForm):
    class Meta(_NodeForm.Meta):
        fields = [*_NODE_BASE, "location_kind", "recovery_time"]


class SupplierForm(_NodeForm):
    class Meta(_NodeForm.Meta):
        fields = [*_NODE_BASE, "recovery_time"]


NODE_FORMS: dict[str, type[_NodeForm]] = {
    NodeKind.PROCESS: ProcessForm,
    NodeKind.SERVICE: ServiceForm,
    NodeKind.ASSET: AssetForm,
    NodeKind.LOCATION: LocationForm,
    NodeKind.SUPPLIER: SupplierForm,
}


class RequirementAddForm(StyledFormMixin, forms.Form):
    """One node, or several of which at least ``at_least`` must be available."""

    members = forms.CharField(
        label="Requires",
        help_text="One id, or several separated by spaces or commas (search below to pick).",
    )
    at_least = forms.IntegerField(
        label="At least",
        min_value=1,
        initial=1,
        help_text="With several nodes: how many must be available (1 = any of them).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data: Any = self.data
        if data and hasattr(data, "getlist"):
            # Picked checkboxes and typed ids arrive under the same name: merge them.
            data = data.copy()
            data["members"] = " ".join(data.getlist("members"))
            self.data = data

    def clean_members(self) -> list[Node]:
        keys = [k for k in self.cleaned_data["members"].replace(",", " ").split() if k]
        unique = list(dict.fromkeys(keys))
        found = {n.key: n for n in Node.objects.filter(key__in=unique)}
        missing = [k for k in unique if k not in found]
        if missing:
            raise forms.ValidationError("Unknown id: " + ", ".join(missing))
        return [found[k] for k in unique]


class ConfirmDeleteForm(forms.Form):
    """Explicit confirmation when others require what is being deleted."""

    confirm = forms.BooleanField(
        label="Yes, delete it and remove it from everything that requires it", required=True
    )


class PersonForm(StyledFormMixin, forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["key", "name", "email", "phone", "out_of_hours_phone", "leaves_on"]
        widgets = {"leaves_on": forms.DateInput(attrs={"type": "date"})}


class TeamForm(StyledFormMixin, forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["key", "name"]


class TeamMemberAddForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), to_field_name="key")
    role = forms.ChoiceField(choices=TeamRole.choices)


class ContractForm(StyledFormMixin, forms.ModelForm[Contract]):
    class Meta:
        model = Contract
        fields = ["key", "supplier", "name", "guarantees", "recovery_time", "expires_on"]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "guarantees": forms.Textarea(attrs={"rows": 3}),
        }
