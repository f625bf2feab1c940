"""URLs of the off-site target pages, appended to the plans' ``urlpatterns`` before the
``<str:key>/`` routes (``offsite/`` would otherwise be read as a plan's id)."""

from django.urls import path

from standby.plans import views_offsite

urlpatterns = [
    path("offsite/", views_offsite.target_list, name="target_list"),
    path("offsite/new/", views_offsite.target_create, name="target_create"),
    path("offsite/<int:pk>/", views_offsite.target_detail, name="target_detail"),
    path("offsite/<int:pk>/edit/", views_offsite.target_update, name="target_update"),
    path(
        "offsite/<int:pk>/deactivate/",
        views_offsite.target_deactivate,
        name="target_deactivate",
    ),
    path("offsite/<int:pk>/copy/", views_offsite.target_copy, name="target_copy"),
    path("offsite/<int:pk>/check/", views_offsite.target_check, name="target_check"),
]
