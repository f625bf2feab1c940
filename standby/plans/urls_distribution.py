"""URLs of distribution, acknowledgements and staleness, appended to the plans' ``urlpatterns``."""

from django.urls import path

from standby.plans import views_distribution

urlpatterns = [
    path("stale/", views_distribution.stale_list, name="stale_list"),
    path("ack/<str:token>/", views_distribution.ack_link, name="ack_link"),
    path(
        "<str:key>/distribution/",
        views_distribution.distribution_list,
        name="distribution_list",
    ),
    path(
        "<str:key>/distribution/<int:pk>/remove/",
        views_distribution.distribution_remove,
        name="distribution_remove",
    ),
    path(
        "<str:key>/versions/<int:number>/acknowledgements/",
        views_distribution.ack_dashboard,
        name="ack_dashboard",
    ),
    path(
        "<str:key>/versions/<int:number>/acknowledgements/remind/",
        views_distribution.ack_remind,
        name="ack_remind",
    ),
    path(
        "<str:key>/versions/<int:number>/acknowledge/",
        views_distribution.ack_in_app,
        name="ack_in_app",
    ),
]
