from django.urls import path

from standby.common import views

app_name = "common"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area_not_available, name="area_not_available"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("favicon.ico", views.favicon, name="favicon"),
]
