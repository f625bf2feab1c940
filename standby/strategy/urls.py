from django.urls import path

from standby.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("what-if/", views.whatif, name="whatif"),
    path("single-points-of-failure/", views.spof_report, name="spof_report"),
    path("single-points-of-failure/<str:key>/", views.spof_panel, name="spof_panel"),
]
