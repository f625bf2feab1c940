"""URLs of the inventory, written out. Node pages pass their kind to shared view functions."""

from django.urls import path

from standby.inventory import urls_modelfile, urls_tabular, views
from standby.inventory.choices import NodeKind

app_name = "inventory"

P = {"kind": NodeKind.PROCESS}
S = {"kind": NodeKind.SERVICE}
A = {"kind": NodeKind.ASSET}
L = {"kind": NodeKind.LOCATION}
SU = {"kind": NodeKind.SUPPLIER}

urlpatterns = [
    path("", views.index, name="index"),
    # business processes
    path("processes/", views.node_list, P, name="process_list"),
    path("processes/export/", views.node_export, P, name="process_export"),
    path("processes/new/", views.node_create, P, name="process_create"),
    path("processes/<str:key>/", views.node_detail, P, name="process_detail"),
    path("processes/<str:key>/edit/", views.node_update, P, name="process_update"),
    path("processes/<str:key>/delete/", views.node_delete, P, name="process_delete"),
    path("processes/<str:key>/requires/", views.requirement_add, P, name="process_requirement_add"),
    path(
        "processes/<str:key>/requires/<int:pk>/delete/",
        views.requirement_delete,
        P,
        name="process_requirement_delete",
    ),
    # IT services
    path("services/", views.node_list, S, name="service_list"),
    path("services/export/", views.node_export, S, name="service_export"),
    path("services/new/", views.node_create, S, name="service_create"),
    path("services/<str:key>/", views.node_detail, S, name="service_detail"),
    path("services/<str:key>/edit/", views.node_update, S, name="service_update"),
    path("services/<str:key>/delete/", views.node_delete, S, name="service_delete"),
    path("services/<str:key>/requires/", views.requirement_add, S, name="service_requirement_add"),
    path(
        "services/<str:key>/requires/<int:pk>/delete/",
        views.requirement_delete,
        S,
        name="service_requirement_delete",
    ),
    # assets
    path("assets/", views.node_list, A, name="asset_list"),
    path("assets/export/", views.node_export, A, name="asset_export"),
    path("assets/new/", views.node_create, A, name="asset_create"),
    path("assets/<str:key>/", views.node_detail, A, name="asset_detail"),
    path("assets/<str:key>/edit/", views.node_update, A, name="asset_update"),
    path("assets/<str:key>/delete/", views.node_delete, A, name="asset_delete"),
    path("assets/<str:key>/requires/", views.requirement_add, A, name="asset_requirement_add"),
    path(
        "assets/<str:key>/requires/<int:pk>/delete/",
        views.requirement_delete,
        A,
        name="asset_requirement_delete",
    ),
    # locations
    path("locations/", views.node_list, L, name="location_list"),
    path("locations/export/", views.node_export, L, name="location_export"),
    path("locations/new/", views.node_create, L, name="location_create"),
    path("locations/<str:key>/", views.node_detail, L, name="location_detail"),
    path("locations/<str:key>/edit/", views.node_update, L, name="location_update"),
    path("locations/<str:key>/delete/", views.node_delete, L, name="location_delete"),
    # suppliers
    path("suppliers/", views.node_list, SU, name="supplier_list"),
    path("suppliers/export/", views.node_export, SU, name="supplier_export"),
    path("suppliers/new/", views.node_create, SU, name="supplier_create"),
    path("suppliers/<str:key>/", views.node_detail, SU, name="supplier_detail"),
    path("suppliers/<str:key>/edit/", views.node_update, SU, name="supplier_update"),
    path("suppliers/<str:key>/delete/", views.node_delete, SU, name="supplier_delete"),
    # any node: the dependency map's data and the requirement editor's search
    path("nodes/pick/", views.node_picker, name="node_picker"),
    path("nodes/<str:key>/graph/", views.node_graph, name="node_graph"),
    # people
    path("people/", views.person_list, name="person_list"),
    path("people/export/", views.person_export, name="person_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<str:key>/", views.person_detail, name="person_detail"),
    path("people/<str:key>/edit/", views.person_update, name="person_update"),
    path("people/<str:key>/delete/", views.person_delete, name="person_delete"),
    # teams
    path("teams/", views.team_list, name="team_list"),
    path("teams/export/", views.team_export, name="team_export"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<str:key>/", views.team_detail, name="team_detail"),
    path("teams/<str:key>/edit/", views.team_update, name="team_update"),
    path("teams/<str:key>/delete/", views.team_delete, name="team_delete"),
    path("teams/<str:key>/members/add/", views.team_member_add, name="team_member_add"),
    path(
        "teams/<str:key>/members/<int:pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    # supplier contracts
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/export/", views.contract_export, name="contract_export"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<str:key>/", views.contract_detail, name="contract_detail"),
    path("contracts/<str:key>/edit/", views.contract_update, name="contract_update"),
    path("contracts/<str:key>/delete/", views.contract_delete, name="contract_delete"),
]
# The spreadsheet and model-file import pages live in their own modules.
urlpatterns += urls_tabular.urlpatterns
urlpatterns += urls_modelfile.urlpatterns
