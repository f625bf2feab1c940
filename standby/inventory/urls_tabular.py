"""URLs of the spreadsheet import, appended to the inventory's ``urlpatterns``."""

from django.urls import path

from standby.inventory import views_tabular

urlpatterns = [
    path("spreadsheets/import/", views_tabular.tabular_import, name="tabular_import"),
    path(
        "spreadsheets/import/<slug:token>/",
        views_tabular.tabular_preview,
        name="tabular_preview",
    ),
    path(
        "spreadsheets/templates/<slug:entity>.csv",
        views_tabular.tabular_template,
        name="tabular_template",
    ),
]
