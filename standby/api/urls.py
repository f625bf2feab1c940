from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from standby.api import views
from standby.bia import api as bia_api
from standby.inventory import api as inventory_api
from standby.inventory import api_modelfile
from standby.plans import api as plans_api
from standby.risks import api as risks_api
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
    path("model/import/", api_modelfile.ModelImportView.as_view(), name="model_import"),
    path("model/export/", api_modelfile.ModelExportView.as_view(), name="model_export"),
    # inventory
    path("processes/", inventory_api.ProcessListView.as_view(), name="process_list"),
    path("processes/<str:key>/", inventory_api.ProcessDetailView.as_view(), name="process_detail"),
    path("services/", inventory_api.ServiceListView.as_view(), name="service_list"),
    path("services/<str:key>/", inventory_api.ServiceDetailView.as_view(), name="service_detail"),
    path("assets/", inventory_api.AssetListView.as_view(), name="asset_list"),
    path("assets/<str:key>/", inventory_api.AssetDetailView.as_view(), name="asset_detail"),
    path("locations/", inventory_api.LocationListView.as_view(), name="location_list"),
    path(
        "locations/<str:key>/", inventory_api.LocationDetailView.as_view(), name="location_detail"
    ),
    path("suppliers/", inventory_api.SupplierListView.as_view(), name="supplier_list"),
    path(
        "suppliers/<str:key>/", inventory_api.SupplierDetailView.as_view(), name="supplier_detail"
    ),
    path("people/", inventory_api.PersonListView.as_view(), name="person_list"),
    path("people/<str:key>/", inventory_api.PersonDetailView.as_view(), name="person_detail"),
    path("teams/", inventory_api.TeamListView.as_view(), name="team_list"),
    path("teams/<str:key>/", inventory_api.TeamDetailView.as_view(), name="team_detail"),
    path("contracts/", inventory_api.ContractListView.as_view(), name="contract_list"),
    path(
        "contracts/<str:key>/", inventory_api.ContractDetailView.as_view(), name="contract_detail"
    ),
    path(
        "nodes/<str:key>/requirements/",
        inventory_api.RequirementListView.as_view(),
        name="requirement_list",
    ),
    path(
        "nodes/<str:key>/requirements/<int:pk>/",
        inventory_api.RequirementDetailView.as_view(),
        name="requirement_detail",
    ),
    path("bia/records/", bia_api.RecordListView.as_view(), name="bia_record_list"),
    path("bia/records/<str:key>/", bia_api.RecordDetailView.as_view(), name="bia_record_detail"),
    path(
        "bia/records/<str:key>/review/",
        bia_api.RecordReviewView.as_view(),
        name="bia_record_review",
    ),
    path("bia/priority/", bia_api.PriorityView.as_view(), name="bia_priority"),
    path("bia/objectives/", bia_api.ObjectivesView.as_view(), name="bia_objectives"),
    # risks
    path("risks/", risks_api.RiskListView.as_view(), name="risk_list"),
    path("risks/<int:pk>/", risks_api.RiskDetailView.as_view(), name="risk_detail"),
    path("risks/<int:pk>/measures/", risks_api.MeasureListView.as_view(), name="measure_list"),
    path(
        "risks/<int:pk>/measures/<int:measure>/",
        risks_api.MeasureDetailView.as_view(),
        name="measure_detail",
    ),
    path("threats/", risks_api.ThreatListView.as_view(), name="threat_list"),
    path("threats/<str:key>/", risks_api.ThreatDetailView.as_view(), name="threat_detail"),
    # plans ("plans/stale/" first: it would otherwise be read as a plan's id)
    path("plans/stale/", plans_api.StalePlanListView.as_view(), name="plan_stale_list"),
    path("plans/", plans_api.PlanListView.as_view(), name="plan_list"),
    path("plans/<str:key>/", plans_api.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<str:key>/steps/", plans_api.StepListView.as_view(), name="plan_step_list"),
    path(
        "plans/<str:key>/steps/<int:pk>/",
        plans_api.StepDetailView.as_view(),
        name="plan_step_detail",
    ),
    path(
        "plans/<str:key>/steps/<int:pk>/move/",
        plans_api.StepMoveView.as_view(),
        name="plan_step_move",
    ),
    path("plans/<str:key>/submit/", plans_api.PlanSubmitView.as_view(), name="plan_submit"),
    path(
        "plans/<str:key>/versions/", plans_api.VersionListView.as_view(), name="plan_version_list"
    ),
    path(
        "plans/<str:key>/versions/<int:number>/",
        plans_api.VersionDetailView.as_view(),
        name="plan_version_detail",
    ),
    path(
        "plans/<str:key>/versions/<int:number>/review/",
        plans_api.VersionReviewView.as_view(),
        name="plan_version_review",
    ),
    path(
        "plans/<str:key>/versions/<int:number>/exports/",
        plans_api.ExportListView.as_view(),
        name="plan_export_list",
    ),
    path(
        "plans/<str:key>/versions/<int:number>/exports/<str:name>",
        plans_api.ExportFileView.as_view(),
        name="plan_export_file",
    ),
    path(
        "plans/<str:key>/versions/<int:number>/exports.zip",
        plans_api.ExportZipView.as_view(),
        name="plan_export_zip",
    ),
    path(
        "plans/<str:key>/versions/<int:number>/acknowledgements/",
        plans_api.DistributionStatusView.as_view(),
        name="plan_acknowledgements",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
