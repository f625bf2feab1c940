from django.urls import path

from standby.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.risk_list, name="risk_list"),
    path("new/", views.risk_create, name="risk_create"),
    path("<int:pk>/", views.risk_detail, name="risk_detail"),
    path("<int:pk>/edit/", views.risk_update, name="risk_update"),
    path("<int:pk>/delete/", views.risk_delete, name="risk_delete"),
    path("<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("<int:pk>/measures/<int:measure>/edit/", views.measure_update, name="measure_update"),
    path("<int:pk>/measures/<int:measure>/delete/", views.measure_delete, name="measure_delete"),
    path("heat-map/", views.heat_map, name="heat_map"),
    path("quantitative/", views.quantitative, name="quantitative"),
    path("threats/", views.threat_list, name="threat_list"),
    path("threats/new/", views.threat_create, name="threat_create"),
    path("threats/<str:key>/edit/", views.threat_update, name="threat_update"),
    path("threats/<str:key>/delete/", views.threat_delete, name="threat_delete"),
]
