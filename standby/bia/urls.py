from django.urls import path

from standby.bia import urls_campaigns, views

app_name = "bia"

urlpatterns = [
    path("", views.index, name="index"),
    path("heat-table/", views.heat_table, name="heat_table"),
    path("heat-table.svg", views.heat_table_svg, name="heat_table_svg"),
    path("objectives/", views.objectives, name="objectives"),
    path("settings/", views.settings_list, name="settings_list"),
    path("settings/new/", views.settings_create, name="settings_create"),
    path("settings/<int:version>/", views.settings_detail, name="settings_detail"),
    path("records/<str:key>/", views.record_detail, name="record_detail"),
    path("records/<str:key>/edit/", views.record_edit, name="record_edit"),
    path("records/<str:key>/submit/", views.record_submit, name="record_submit"),
    path("records/<str:key>/approve/", views.record_approve, name="record_approve"),
    path("records/<str:key>/return/", views.record_return, name="record_return"),
    *urls_campaigns.urlpatterns,
]
