"""Campaign pages: start, follow and review a campaign; an owner's tasks, questionnaire and upload.

Every write calls :mod:`standby.bia.campaigns`; a task is opened only by its owner (matched to
the signed-in user by e-mail), someone who may edit, or an approver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.bia import campaigns
from standby.bia.models import Campaign, CampaignTask
from standby.bia.xlsx import MAX_QUESTIONNAIRE_BYTES, QuestionnaireRejectedError
from standby.common.forms import StyledFormMixin
from standby.common.http import AuthedRequest
from standby.inventory.models import Node


class NodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Node) -> str:
        owner = obj.owner.name if obj.owner else "no owner"
        return f"{obj.name} ({obj.get_kind_display().lower()}, {owner})"


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=200, initial="BIA review")
    due_on = forms.DateField(
        label="Due on", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    nodes = NodeChoiceField(
        label="Processes and services",
        queryset=Node.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each owner gets one e-mail listing their tasks.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = self.fields["nodes"]
        assert isinstance(nodes, forms.ModelMultipleChoiceField)
        nodes.queryset = campaigns.answerable_nodes()


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Filled-in questionnaire (XLSX)",
        help_text=f"The workbook downloaded from this task; up to "
        f"{MAX_QUESTIONNAIRE_BYTES // 1024 // 1024} MB.",
    )


class ReturnForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label="What the owner should change", widget=forms.Textarea(attrs={"rows": 3})
    )


def _base_url(request: AuthedRequest) -> str:
    return request.build_absolute_uri("/")


def _task(pk: int) -> CampaignTask:
    return get_object_or_404(campaigns.tasks(), pk=pk)


def _mailing_messages(request: AuthedRequest, mailing: campaigns.Mailing) -> None:
    if mailing.sent:
        messages.success(request, f"E-mailed {len(mailing.sent)} owner(s).")
    for name, reason in mailing.failed:
        messages.warning(request, f"No e-mail reached {name}: {reason}. Tell them another way.")


# -- campaigns --------------------------------------------------------------------------------


@capability_required(Capability.VIEW)
@require_safe
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """Every campaign with its progress; the manager starts one from here."""
    return render(
        request,
        "bia/campaign_list.html",
        {
            "rows": campaigns.campaigns_with_progress(),
            "may_start": has_capability(request.user, Capability.APPROVE),
            "may_answer": has_capability(request.user, Capability.ANSWER_BIA),
        },
    )


@capability_required(Capability.APPROVE)
def campaign_create(request: AuthedRequest) -> HttpResponse:
    """Choose processes and services and a due date; owners are e-mailed."""
    if request.method != "POST":
        initial: dict[str, Any] = {"due_on": timezone.localdate() + dt.timedelta(days=14)}
        keys = request.GET.getlist("node")
        if keys:
            initial["nodes"] = list(Node.objects.filter(key__in=keys))
        form = CampaignForm(initial=initial)
        return render(request, "bia/campaign_form.html", {"form": form})
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            campaign, mailing = campaigns.campaign_start(
                actor=request.user,
                name=form.cleaned_data["name"],
                due_on=form.cleaned_data["due_on"],
                nodes=list(form.cleaned_data["nodes"]),
                base_url=_base_url(request),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Campaign “{campaign.name}” started.")
            _mailing_messages(request, mailing)
            return redirect(campaign)
    return render(request, "bia/campaign_form.html", {"form": form}, status=400)


@capability_required(Capability.VIEW)
@require_safe
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Progress by status, overdue flagged, and every task with what to do next."""
    campaign = get_object_or_404(Campaign.objects.select_related("started_by"), pk=pk)
    rows = list(campaigns.tasks().filter(campaign=campaign))
    for row in rows:
        row.awaiting_review = campaigns.awaiting_review(row)  # type: ignore[attr-defined]
    return render(
        request,
        "bia/campaign_detail.html",
        {
            "campaign": campaign,
            "tasks": rows,
            "progress": campaigns.campaign_progress(campaign, rows),
            "may_review": has_capability(request.user, Capability.APPROVE),
        },
    )


# -- tasks ------------------------------------------------------------------------------------


@capability_required(Capability.ANSWER_BIA)
@require_safe
def task_list(request: AuthedRequest) -> HttpResponse:
    """My BIA tasks: the tasks of the person whose e-mail is the user's."""
    from standby.bia.selectors import person_for_user

    return render(
        request,
        "bia/task_list.html",
        {"tasks": campaigns.tasks_of_user(request.user), "person": person_for_user(request.user)},
    )


def _task_context(request: AuthedRequest, task: CampaignTask, **extra: Any) -> dict[str, Any]:
    return {
        "task": task,
        "record": task.record,
        "may_work": campaigns.may_work_on(request.user, task),
        "may_review": has_capability(request.user, Capability.APPROVE),
        "answerable": task.status in campaigns.ANSWERABLE,
        "submitted": campaigns.awaiting_review(task),
        "upload_form": extra.pop("upload_form", None) or UploadForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        **extra,
    }


@capability_required(Capability.VIEW)
@require_safe
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One task: answer in the web form, or download and upload the spreadsheet."""
    task = _task(pk)
    if not campaigns.may_see(request.user, task):
        raise PermissionDenied("This task belongs to another owner.")
    return render(request, "bia/task_detail.html", _task_context(request, task))


@capability_required(Capability.VIEW)
@require_safe
def task_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The questionnaire of a task as XLSX, pre-filled with the current answers."""
    task = _task(pk)
    data = campaigns.task_questionnaire(actor=request.user, task=task)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"bia-{task.record.node.key}-task-{task.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@capability_required(Capability.VIEW, Capability.ANSWER_BIA)
def task_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload the filled-in questionnaire; every problem is listed with its cell, or it is
    saved and sent for review."""
    task = _task(pk)
    if not campaigns.may_work_on(request.user, task):
        raise PermissionDenied("This task belongs to another owner.")
    if request.method != "POST":
        return render(request, "bia/task_upload.html", _task_context(request, task))
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    problems: list[str] = []
    form = UploadForm()
    if declared > MAX_QUESTIONNAIRE_BYTES + 64 * 1024:
        problems = [
            f"The upload is {declared / 1024 / 1024:.1f} MB; a questionnaire is at most "
            f"{MAX_QUESTIONNAIRE_BYTES // 1024 // 1024} MB."
        ]
    else:
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_QUESTIONNAIRE_BYTES + 1)
            try:
                campaigns.task_upload(actor=request.user, task=task, data=data)
            except QuestionnaireRejectedError as error:
                problems = error.problems
            except ValidationError as error:
                problems = list(error.messages)
            else:
                messages.success(
                    request,
                    f"Your answers for {task.record.node.name} were saved and sent for review.",
                )
                return redirect(task)
    return render(
        request,
        "bia/task_upload.html",
        _task_context(request, task, upload_form=form, problems=problems),
        status=400,
    )


@capability_required(Capability.VIEW, Capability.ANSWER_BIA)
def task_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send the answers given in the web form for review (GET: confirm)."""
    task = _task(pk)
    if not campaigns.may_work_on(request.user, task):
        raise PermissionDenied("This task belongs to another owner.")
    error = ""
    if request.method == "POST":
        try:
            campaigns.task_submit(actor=request.user, task=task)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"{task.record.node.name}: sent for review.")
            return redirect(task)
    return render(
        request,
        "bia/task_submit.html",
        _task_context(request, task, error=error),
        status=400 if error else 200,
    )


@capability_required(Capability.APPROVE)
def task_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve the answers, or return them to the owner with a comment."""
    task = _task(pk)
    error = ""
    return_form = ReturnForm()
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                campaigns.task_approve(actor=request.user, task=task)
                messages.success(request, f"{task.record.node.name}: approved.")
                return redirect(task.campaign)
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                mailing = campaigns.task_return(
                    actor=request.user,
                    task=task,
                    comment=return_form.cleaned_data["comment"],
                    base_url=_base_url(request),
                )
                messages.success(request, f"{task.record.node.name}: returned to the owner.")
                _mailing_messages(request, mailing)
                return redirect(task.campaign)
        except ValidationError as problem:
            error = " ".join(problem.messages)
    return render(
        request,
        "bia/task_review.html",
        _task_context(request, task, return_form=return_form, error=error),
        status=400 if request.method == "POST" else 200,
    )
