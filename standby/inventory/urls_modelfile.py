"""URLs of the model file import and export, appended to the inventory's ``urlpatterns``."""

from django.urls import path

from standby.inventory import views_modelfile

urlpatterns = [
    path("model/import/", views_modelfile.modelfile_import, name="modelfile_import"),
    path("model/import/<slug:token>/", views_modelfile.modelfile_preview, name="modelfile_preview"),
    path("model/export/", views_modelfile.modelfile_export, name="modelfile_export"),
]
