from collections.abc import Iterable

from django.urls import URLPattern, URLResolver, path

from standby.plans import urls_distribution, urls_offsite, views, views_exports

app_name = "plans"

urlpatterns = [
    # First: "stale/" would otherwise be read as a plan's id.
    *urls_distribution.urlpatterns,
    *urls_offsite.urlpatterns,
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<str:key>/", views.plan_detail, name="plan_detail"),
    path("<str:key>/edit/<str:section>/", views.plan_update, name="plan_update"),
    path("<str:key>/steps/", views.step_list, name="step_list"),
    path("<str:key>/steps/new/", views.step_create, name="step_create"),
    path("<str:key>/steps/<int:pk>/", views.step_update, name="step_update"),
    path("<str:key>/call-tree/", views.call_tree, name="call_tree"),
    path("<str:key>/communications/", views.communication_list, name="communication_list"),
    path("<str:key>/submit/", views.plan_submit, name="plan_submit"),
    path("<str:key>/versions/", views.version_list, name="version_list"),
    path("<str:key>/versions/diff/", views.version_diff, name="version_diff"),
    path("<str:key>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<str:key>/versions/<int:number>/approve/", views.version_approve, name="version_approve"),
    path("<str:key>/versions/<int:number>/return/", views.version_return, name="version_return"),
    path(
        "<str:key>/versions/<int:number>/exports/<str:name>",
        views_exports.version_export_file,
        name="version_export_file",
    ),
    path(
        "<str:key>/versions/<int:number>/exports.zip",
        views_exports.version_export_zip,
        name="version_export_zip",
    ),
]


def _fixed_first_segments(patterns: Iterable[URLPattern | URLResolver]) -> frozenset[str]:
    firsts = (str(pattern.pattern).split("/", 1)[0] for pattern in patterns)
    return frozenset(first for first in firsts if first and "<" not in first)


#: Ids a plan cannot have: the fixed first segments of the routes above ("new", "stale"…). They
#: come before ``<str:key>/``, so a plan called "new" would never reach its pages. Checked by
#: ``standby.plans.models.validate_plan_key``; the model file keeps a copy (a test compares).
RESERVED_KEYS: frozenset[str] = _fixed_first_segments(urlpatterns)
