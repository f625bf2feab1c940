"""Standby's URLs: one include per app, written out."""

from django.urls import include, path

urlpatterns = [
    path("", include("standby.common.urls")),
    path("accounts/", include("standby.accounts.urls")),
    path("strategy/", include("standby.strategy.urls")),
    path("bia/", include("standby.bia.urls")),
    path("risks/", include("standby.risks.urls")),
    path("api/", include("standby.api.urls")),
    path("inventory/", include("standby.inventory.urls")),
    path("plans/", include("standby.plans.urls")),
]

handler403 = "standby.common.views.error_403"
handler404 = "standby.common.views.error_404"
handler500 = "standby.common.views.error_500"
