from django.urls import path

from standby.strategy import views, views_gaps, views_options, views_scenarios

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("what-if/", views.whatif, name="whatif"),
    path("what-if/graph/", views.whatif_graph, name="whatif_graph"),
    path("single-points-of-failure/", views.spof_report, name="spof_report"),
    path("single-points-of-failure/<str:key>/", views.spof_panel, name="spof_panel"),
    # gap analysis, optimiser, suppliers
    path("gaps/", views_gaps.gap_analysis, name="gap_analysis"),
    path("gaps/export/", views_gaps.gap_export, name="gap_export"),
    path("optimiser/", views_gaps.optimiser, name="optimiser"),
    path("optimiser/apply/", views_gaps.optimiser_apply, name="optimiser_apply"),
    path("suppliers/", views_gaps.supplier_checks, name="supplier_checks"),
    path("suppliers/<str:key>/", views_gaps.supplier_panel, name="supplier_panel"),
    # recovery options catalogue
    path("options/", views_options.option_list, name="option_list"),
    path("options/<str:key>/edit/", views_options.option_update, name="option_update"),
    # the option chosen per asset, site and supplier
    path("chosen/", views_options.node_strategy_list, name="node_strategy_list"),
    path("chosen/<str:key>/", views_options.node_strategy, name="node_strategy"),
    path(
        "chosen/<str:key>/alternatives/add/",
        views_options.alternative_add,
        name="alternative_add",
    ),
    path(
        "alternatives/<int:pk>/delete/",
        views_options.alternative_delete,
        name="alternative_delete",
    ),
    # backups
    path("backups/", views_options.backup_list, name="backup_list"),
    path("backups/<str:key>/edit/", views_options.backup_update, name="backup_update"),
    # team capacity
    path("teams/", views_options.team_capacity, name="team_capacity"),
    path("teams/<str:key>/edit/", views_options.team_capacity_update, name="team_capacity_update"),
    # disaster scenarios
    path("scenarios/", views_scenarios.scenario_list, name="scenario_list"),
    path("scenarios/new/", views_scenarios.scenario_create, name="scenario_create"),
    path("scenarios/<str:key>/", views_scenarios.scenario_detail, name="scenario_detail"),
    path("scenarios/<str:key>/edit/", views_scenarios.scenario_update, name="scenario_update"),
    path("scenarios/<str:key>/delete/", views_scenarios.scenario_delete, name="scenario_delete"),
]
