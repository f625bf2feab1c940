"""Forms of the business impact analysis: the answer grid, review comments, settings text."""

from __future__ import annotations

from typing import Any

from django import forms

from standby.analysis.bia import format_hours
from standby.bia.models import BiaRecord
from standby.bia.settings_library import SettingsData
from standby.common.forms import StyledFormMixin
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node


def impact_field(category: str, index: int) -> str:
    return f"impact__{category}__{index}"


def loss_field(index: int) -> str:
    return f"loss__{index}"


class RecordForm(StyledFormMixin, forms.Form):
    """One BIA: a grid of categories × horizons, money lost, objectives with reasons, minimum
    resources. Field names are built from the record's own settings version."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    damage_form = forms.CharField(
        label="Form the damage takes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. lost fees, missed statutory returns, students unable to sit exams.",
    )
    growth = forms.CharField(
        label="How the damage grows over time",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rto = forms.FloatField(label="RTO (hours)", required=False, min_value=0)
    rto_reason = forms.CharField(
        label="Why this RTO", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rto_override = forms.CharField(
        label="Reason for an RTO beyond the MTPD",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when the RTO must exceed the MTPD; the BIA is then flagged for review.",
    )
    rpo = forms.FloatField(
        label="RPO (hours of data that may be lost)", required=False, min_value=0
    )
    rpo_reason = forms.CharField(
        label="Why this RPO", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wrt = forms.FloatField(
        label="Work recovery time (hours)",
        required=False,
        min_value=0,
        help_text="Time after systems return to check data and clear the backlog.",
    )
    wrt_reason = forms.CharField(
        label="Why this WRT", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mbco = forms.IntegerField(
        label="MBCO (% of normal service while disrupted)",
        required=False,
        min_value=0,
        max_value=100,
    )
    mbco_reason = forms.CharField(
        label="Why this MBCO", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    min_staff = forms.IntegerField(label="Minimum staff", required=False, min_value=0)
    min_skills = forms.CharField(
        label="Minimum skills", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    min_facilities = forms.CharField(
        label="Minimum facilities", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    min_services = forms.ModelMultipleChoiceField(
        queryset=Node.objects.filter(kind=NodeKind.SERVICE).order_by("name"),
        required=False,
        label="IT services needed at the minimum level",
        to_field_name="key",
    )
    min_suppliers = forms.ModelMultipleChoiceField(
        queryset=Node.objects.filter(kind=NodeKind.SUPPLIER).order_by("name"),
        required=False,
        label="Suppliers needed at the minimum level",
        to_field_name="key",
    )

    def __init__(self, *args: Any, settings: SettingsData, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = settings
        level_choices = [("", "— not answered")] + [
            (str(i), f"{i} {name}") for i, name in enumerate(settings.levels)
        ]
        for category in settings.categories:
            for j, hours in enumerate(settings.horizons):
                self.fields[impact_field(category["id"], j)] = forms.TypedChoiceField(
                    label=f"{category['name']} at {format_hours(hours)}",
                    choices=level_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
        for j, hours in enumerate(settings.horizons):
            self.fields[loss_field(j)] = forms.FloatField(
                label=f"Money lost by {format_hours(hours)} ({settings.currency})",
                required=False,
                min_value=0,
                widget=forms.NumberInput(
                    attrs={"class": "form-control form-control-sm", "step": "any"}
                ),
            )
        for name in ("min_services", "min_suppliers"):
            self.fields[name].widget.attrs.update({"size": "5", "class": "form-select"})

    # The grid, for the template: one row per category, one cell per horizon.
    def grid(self) -> list[dict[str, Any]]:
        return [
            {
                "category": category,
                "descriptions": list(zip(self.scale.levels, category["levels"], strict=True)),
                "cells": [
                    self[impact_field(category["id"], j)] for j in range(len(self.scale.horizons))
                ],
            }
            for category in self.scale.categories
        ]

    def horizon_labels(self) -> list[str]:
        return [format_hours(h) for h in self.scale.horizons]

    def loss_cells(self) -> list[forms.BoundField]:
        return [self[loss_field(j)] for j in range(len(self.scale.horizons))]

    def objective_fields(self) -> list[forms.BoundField]:
        names = "rto rto_reason rto_override rpo rpo_reason wrt wrt_reason mbco mbco_reason"
        return [self[n] for n in names.split()]

    def resource_fields(self) -> list[forms.BoundField]:
        names = "damage_form growth min_staff min_skills min_facilities min_services min_suppliers"
        return [self[n] for n in names.split()]

    def answers(self) -> dict[str, Any]:
        """Keyword arguments for :func:`standby.bia.services.record_answer`."""
        data = self.cleaned_data
        width = len(self.scale.horizons)
        impacts = {
            c["id"]: [data.get(impact_field(c["id"], j)) for j in range(width)]
            for c in self.scale.categories
        }
        losses = [data.get(loss_field(j)) for j in range(width)]
        plain = [
            "damage_form",
            "growth",
            "rto",
            "rto_reason",
            "rto_override",
            "rpo",
            "rpo_reason",
            "wrt",
            "wrt_reason",
            "mbco",
            "mbco_reason",
            "min_staff",
            "min_skills",
            "min_facilities",
        ]
        answers: dict[str, Any] = {name: data.get(name) for name in plain}
        for text in (
            "damage_form",
            "growth",
            "rto_reason",
            "rto_override",
            "rpo_reason",
            "wrt_reason",
            "mbco_reason",
            "min_skills",
            "min_facilities",
        ):
            answers[text] = answers[text] or ""
        answers["impacts"] = impacts
        answers["losses"] = losses
        answers["min_services"] = list(data.get("min_services") or [])
        answers["min_suppliers"] = list(data.get("min_suppliers") or [])
        return answers

    @staticmethod
    def initial_for(record: BiaRecord | None, settings: SettingsData) -> dict[str, Any]:
        """Initial values from a stored record (none for a new BIA)."""
        if record is None:
            return {"revision": 0}
        initial: dict[str, Any] = {
            name: getattr(record, name)
            for name in [
                "damage_form",
                "growth",
                "rto",
                "rto_reason",
                "rto_override",
                "rpo",
                "rpo_reason",
                "wrt",
                "wrt_reason",
                "mbco",
                "mbco_reason",
                "min_staff",
                "min_skills",
                "min_facilities",
                "revision",
            ]
        }
        for category in settings.categories:
            row = (record.impacts or {}).get(category["id"]) or []
            for j, level in enumerate(row):
                initial[impact_field(category["id"], j)] = level
        for j, amount in enumerate(record.losses or []):
            initial[loss_field(j)] = amount
        initial["min_services"] = [n.key for n in record.min_services.all()]
        initial["min_suppliers"] = [n.key for n in record.min_suppliers.all()]
        return initial


class ReturnForm(StyledFormMixin, forms.Form):
    """The manager's comment when sending a BIA back to its owner."""

    comment = forms.CharField(
        label="What should the owner change?", widget=forms.Textarea(attrs={"rows": 4})
    )


class SettingsForm(StyledFormMixin, forms.Form):
    """A new settings version, written as YAML in the library file's shape."""

    text = forms.CharField(
        label="Settings (YAML)",
        widget=forms.Textarea(
            attrs={"rows": 30, "class": "form-control font-monospace", "spellcheck": "false"}
        ),
        help_text="Six levels (0–5); horizons in ascending order (e.g. 1h, 4h, 1d, 1w); six "
        "level descriptions per category. Saving makes a new version; each BIA keeps the "
        "version it was answered under.",
    )
