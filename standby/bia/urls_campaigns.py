"""URLs of BIA campaigns and owners' tasks, appended to the BIA's ``urlpatterns``."""

from django.urls import path

from standby.bia import views_campaigns

urlpatterns = [
    path("campaigns/", views_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("tasks/", views_campaigns.task_list, name="task_list"),
    path("tasks/<int:pk>/", views_campaigns.task_detail, name="task_detail"),
    path(
        "tasks/<int:pk>/questionnaire.xlsx",
        views_campaigns.task_download,
        name="task_download",
    ),
    path("tasks/<int:pk>/upload/", views_campaigns.task_upload, name="task_upload"),
    path("tasks/<int:pk>/submit/", views_campaigns.task_submit, name="task_submit"),
    path("tasks/<int:pk>/review/", views_campaigns.task_review, name="task_review"),
]
