"""Forms of the plan pages. Each edit form carries the plan's revision (the edit check)."""

from __future__ import annotations

from typing import Any

from django import forms

from standby.common.forms import StyledFormMixin
from standby.inventory.models import Node, Person, Team
from standby.plans.models import CallTreeEntry, Communication, Plan, PlanStep

SCOPE_NODES = Node.objects.filter(kind__in=["process", "service"]).order_by("kind", "name")


class RevisionMixin(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PlanCreateForm(StyledFormMixin, forms.ModelForm):
    scope = forms.ModelMultipleChoiceField(
        queryset=SCOPE_NODES,
        help_text="The processes and services it recovers; what they require comes along.",
    )
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)

    class Meta:
        model = Plan
        fields = ["key", "title", "template", "review_by"]
        widgets = {"review_by": forms.DateInput(attrs={"type": "date"})}


class ScopeForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    scope = forms.ModelMultipleChoiceField(queryset=SCOPE_NODES)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)

    class Meta:
        model = Plan
        fields = ["title", "template", "review_by"]
        widgets = {"review_by": forms.DateInput(attrs={"type": "date"})}


class PurposeForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["purpose"]


class InvocationForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["invocation_triggers", "invocation_authority", "invocation_procedure"]


class ReturnForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["return_to_normal"]


SECTION_FORMS: dict[str, type[forms.ModelForm[Plan]]] = {
    "scope": ScopeForm,
    "purpose": PurposeForm,
    "invocation": InvocationForm,
    "return": ReturnForm,
}


class StepForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = PlanStep
        fields = ["title", "procedure", "team", "owner", "expected_duration", "verification"]


class CallTreeForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = CallTreeEntry
        fields = ["caller", "callee", "fallback"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("caller", "callee", "fallback"):
            self.fields[name].queryset = Person.objects.order_by("name")  # type: ignore[attr-defined]


class CommunicationForm(StyledFormMixin, RevisionMixin, forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["audience", "channel", "timing", "message"]


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
