"""Forms of the strategy area."""

from __future__ import annotations

from typing import Any

from django import forms

from standby.common.forms import StyledFormMixin
from standby.inventory.choices import NodeKind
from standby.inventory.models import Contract, Node
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    Scenario,
    StrategyAlternative,
)


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


class OptionForm(StyledFormMixin, forms.ModelForm):
    """Edit a recovery option of the catalogue."""

    class Meta:
        model = RecoveryOption
        fields = [
            "name",
            "also_called",
            "description",
            "min_hours",
            "max_hours",
            "typical_hours",
            "one_off_cost",
            "annual_cost",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StrategyForm(StyledFormMixin, forms.ModelForm):
    """Choose a node's recovery option, its costs, who and what delivers it, and its last test."""

    class Meta:
        model = NodeStrategy
        fields = [
            "option",
            "recovery_time",
            "one_off_cost",
            "annual_cost",
            "contract",
            "alternate_site",
            "team",
            "last_tested_on",
            "notes",
        ]
        widgets = {
            "last_tested_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["alternate_site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = Node.objects.filter(kind=NodeKind.LOCATION).order_by("name")
        contract = self.fields["contract"]
        assert isinstance(contract, forms.ModelChoiceField)
        contract.queryset = Contract.objects.select_related("supplier").order_by("key")


class AlternativeForm(StyledFormMixin, forms.ModelForm):
    """An option considered for a node, with its recovery time and costs."""

    class Meta:
        model = StrategyAlternative
        fields = ["option", "recovery_time", "one_off_cost", "annual_cost"]


class BackupForm(StyledFormMixin, forms.ModelForm):
    """How a data asset is backed up."""

    class Meta:
        model = Backup
        fields = [
            "interval",
            "replication_lag",
            "onsite_copies",
            "offsite_copies",
            "retention_days",
            "last_restore_test_on",
            "last_restore_hours",
        ]
        widgets = {
            "last_restore_test_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }


class ScenarioForm(StyledFormMixin, forms.ModelForm):
    """A user-defined disaster: its id, name, description and what fails."""

    failed = forms.ModelMultipleChoiceField(
        queryset=Node.objects.none(),
        label="What fails",
        help_text="Hold Ctrl (⌘ on a Mac) to pick several assets, sites and suppliers.",
    )

    class Meta:
        model = Scenario
        fields = ["key", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["failed"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Node.objects.filter(kind__in=sorted(Node.FAILABLE)).order_by(
            "kind", "name"
        )
        field.widget.attrs.update({"size": "12", "class": "form-select"})
        if self.instance.pk:
            field.initial = list(self.instance.failed.all())


class CapacityForm(StyledFormMixin, forms.Form):
    """How many people of a team recover things in parallel."""

    capacity = forms.IntegerField(min_value=1, max_value=1000, label="People working in parallel")
