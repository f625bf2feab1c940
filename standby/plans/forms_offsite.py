"""Forms of the off-site target pages. Where a target may point is checked by the service
(:func:`standby.plans.services_offsite.location_problems`), so the API and CLI get the same rules.
"""

from __future__ import annotations

from django import forms

from standby.common.forms import StyledFormMixin
from standby.plans.models import OffsiteTarget

LOCATION_HELP = (
    "A folder: the absolute path of a mounted share or removable drive, e.g. /mnt/offsite. "
    "A bucket: s3://bucket/prefix. Each version goes to "
    "&lt;location&gt;/&lt;plan id&gt;/v&lt;N&gt;/."
)
ENDPOINT_HELP = (
    "S3 only: the address of an S3-compatible service, e.g. https://s3.example.org:9000; "
    "empty for AWS. Credentials come from Standby's environment, never from this form."
)


class TargetForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = OffsiteTarget
        fields = ["name", "kind", "location", "endpoint_url"]
        labels = {"endpoint_url": "S3 endpoint"}
        help_texts = {"location": LOCATION_HELP, "endpoint_url": ENDPOINT_HELP}


class TargetUpdateForm(TargetForm):
    class Meta(TargetForm.Meta):
        fields = [*TargetForm.Meta.fields, "active"]
        help_texts = {
            **TargetForm.Meta.help_texts,
            "active": "Active targets receive every approved version.",
        }
