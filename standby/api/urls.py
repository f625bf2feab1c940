from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from standby.api import views

app_name = "api"

# DRF views authenticate themselves (token or session) and are exempt from the web's sign-in
# redirect. The schema and its docs page are public: they describe the API, not the data.
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/", views.TokenDetailView.as_view(), name="token_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
