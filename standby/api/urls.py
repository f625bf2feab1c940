from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from standby.api import views
from standby.strategy import api as strategy_api

app_name = "api"

# DRF views authenticate themselves (token or session) and are exempt from the web's sign-in
# redirect. The schema and its docs page are public: they describe the API, not the data.
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/", views.TokenDetailView.as_view(), name="token_detail"),
    path("analysis/impact/", strategy_api.ImpactView.as_view(), name="analysis_impact"),
    path("analysis/recovery/", strategy_api.RecoveryView.as_view(), name="analysis_recovery"),
    path("analysis/spof/", strategy_api.SpofView.as_view(), name="analysis_spof"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
