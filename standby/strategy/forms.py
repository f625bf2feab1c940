"""Forms of the strategy area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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

#: Above this many assets, sites and suppliers the what-if form types names instead of one
#: <select>: a select of thousands of options is slow to render and hard to use.
WHATIF_SELECT_MAX = 300

FAIL_HELP = (
    "Only assets, sites and suppliers fail directly; processes and services go down through "
    "what they require."
)


class FailableRef(Protocol):
    """What the what-if form needs of a node (:class:`standby.strategy.selectors.NodeRef`)."""

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def kind_label(self) -> str: ...


class FailableInputs(forms.Widget):
    """Text boxes that all submit the field's name, each suggesting names from one <datalist>.

    One box per value typed so far and at least one empty box (three when nothing is typed), so
    several things can fail at once without scripting; the first box is labelled by the field's
    <label>, the others by ``aria-label``.
    """

    def __init__(self, options: list[tuple[str, str]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.options = options  # (value, label) of the datalist

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", None)
        return getlist(name) if getlist else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if isinstance(value, str):
            value = [value]
        typed = [str(v) for v in (value or []) if str(v).strip()]
        base = self.build_attrs(self.attrs, attrs)
        first_id = base.pop("id", f"id_{name}")
        list_id = f"{first_id}_names"
        boxes = []
        for i, text in enumerate(typed + [""] * max(1, 3 - len(typed))):
            box = {**base, "id": first_id if i == 0 else f"{first_id}_{i + 1}", "list": list_id}
            box.update({"autocomplete": "off", "class": f"{base.get('class', '')} mb-1".strip()})
            if i:
                box["aria-label"] = f"What fails ({i + 1})"
            boxes.append((name, text, flatatt(box)))
        inputs = format_html_join("", '<input type="text" name="{}" value="{}"{}>', boxes)
        options = format_html_join("", '<option value="{}" label="{}"></option>', self.options)
        return format_html('{}<datalist id="{}">{}</datalist>', inputs, list_id, options)


class FailableField(forms.Field):
    """Typed names or ids of assets, sites and suppliers; cleans to their ids (keys)."""

    widget = forms.TextInput  # replaced in __init__

    def __init__(self, *, refs: Sequence[FailableRef], **kwargs: Any) -> None:
        self.keys = {r.key for r in refs}
        self.by_name: dict[str, list[str]] = {}
        for r in refs:
            self.by_name.setdefault(r.name.strip().casefold(), []).append(r.key)
        options = []
        for r in refs:
            unique = len(self.by_name[r.name.strip().casefold()]) == 1
            value = r.name if unique else r.key
            options.append((value, f"{r.name} ({r.kind_label}, id {r.key})"))
        super().__init__(widget=FailableInputs(options), **kwargs)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value if str(v).strip()]

    def clean(self, value: Any) -> list[str]:
        typed = self.to_python(value)
        self.validate(typed)
        keys: list[str] = []
        errors = []
        for text in typed:
            key = self._resolve(text)
            if isinstance(key, ValidationError):
                errors.append(key)
            elif key not in keys:
                keys.append(key)
        if errors:
            raise ValidationError(errors)
        return keys

    def _resolve(self, text: str) -> str | ValidationError:
        if text in self.keys:
            return text
        found = self.by_name.get(text.casefold(), [])
        if len(found) == 1:
            return found[0]
        if found:
            return ValidationError(
                "Several assets, sites or suppliers are called “%(text)s”: type the id of the "
                "one that fails (%(ids)s).",
                params={"text": text, "ids": ", ".join(sorted(found))},
            )
        return ValidationError(
            "“%(text)s” is not an asset, site or supplier: pick a name from the suggestions "
            "or type its id.",
            params={"text": text},
        )


class WhatIfForm(StyledFormMixin, forms.Form):
    """Pick what fails: any assets, locations and suppliers; several can fail at once.

    Up to :data:`WHATIF_SELECT_MAX` of them, a multiple <select>; above, text boxes suggesting
    names (:class:`FailableField`). Either way ``cleaned_data["fail"]`` is a list of ids.
    """

    fail = forms.MultipleChoiceField(
        label="What fails",
        help_text="Hold Ctrl (⌘ on a Mac) to pick several. " + FAIL_HELP,
    )

    def __init__(
        self, *args: Any, groups: Sequence[tuple[str, Sequence[FailableRef]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        refs = [ref for _, group in groups for ref in group]
        if len(refs) > WHATIF_SELECT_MAX:
            self.fields["fail"] = FailableField(
                refs=refs,
                label="What fails",
                help_text="Type a name or id in each box and pick it from the suggestions; to "
                "fail more than the boxes hold, show the result: another empty box follows what "
                "you typed. " + FAIL_HELP,
            )
            self.fields["fail"].widget.attrs["class"] = "form-control"
            return
        field = self.fields["fail"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (label, [(r.key, f"{r.name} ({r.key})") for r in group]) for label, group in groups
        ]
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
