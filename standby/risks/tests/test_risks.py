"""The risk register: library files, services, pages, filters, API and the annual-loss page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from standby.common.models import AuditEntry
from standby.risks import library, selectors, services
from standby.risks.filters import RiskFilterSet
from standby.risks.library import MATRIX_FILE, LibraryError, validate_matrix, validate_threats
from standby.risks.models import Measure, Risk, Threat

pytestmark = pytest.mark.django_db


def _risk(manager: Any, world: dict[str, Any] | None = None, **fields: Any) -> Risk:
    services.ensure_library()
    threats = fields.pop("threats", [Threat.objects.get(key="fire")])
    nodes = fields.pop("nodes", [world["server"]] if world else [])
    values = {
        "name": "Server room lost",
        "category": "internal_ict",
        "inherent_likelihood": 4,
        "inherent_impact": 5,
        "treatment": "reduce",
        "treatment_reason": "A UPS and a second room cost less than the outage.",
    } | fields
    return services.risk_save(actor=manager, risk=Risk(**values), threats=threats, nodes=nodes)


# -- library files ----------------------------------------------------------------------------


def test_the_matrix_file_is_five_by_five_with_bands_covering_every_score():
    matrix = library.load_matrix()
    assert matrix.size == (5, 5)
    assert matrix.rate(5, 5).band.id == "very_high"


def test_the_matrix_names_every_problem():
    data = yaml.safe_load(MATRIX_FILE.read_text())
    data["likelihood"] = data["likelihood"][:1]
    data["bands"][1]["max"] = 2
    data["bands"][0]["colour"] = "red"
    with pytest.raises(LibraryError) as caught:
        validate_matrix(data)
    text = " ".join(caught.value.problems)
    assert "likelihood: give 2 to 10 levels" in text
    assert "not above the band before it" in text
    assert "colour is a colour" in text


def test_bands_must_reach_the_highest_score():
    data = yaml.safe_load(MATRIX_FILE.read_text())
    data["bands"] = data["bands"][:2]
    with pytest.raises(LibraryError, match="must reach the highest score"):
        validate_matrix(data)


def test_the_threat_library_holds_the_seed_table_and_the_common_others():
    ids = {t.id for t in library.load_threats()}
    seed = {
        "fire",
        "power_failure",
        "power_surge",
        "virus",
        "accidental_damage",
        "link_overload",
        "bankruptcy",
        "technical_failure",
        "human_error",
        "sickness",
        "transport_problems",
        "resignation",
        "provider_data_loss",
    }
    others = {"flood", "ransomware", "cyber_attack", "pandemic", "telecom_outage", "theft"}
    assert seed | others <= ids


def test_a_bad_threat_library_is_refused_with_reasons():
    data = {
        "version": 1,
        "threats": [
            {"id": "fire", "name": "Fire", "category": "weather", "frequency": -1},
            {"id": "fire", "name": "", "category": "technical", "frequency": 1, "risks": ["x"]},
        ],
    }
    with pytest.raises(LibraryError) as caught:
        validate_threats(data)
    text = " ".join(caught.value.problems)
    assert "category is one of" in text
    assert "frequency is events per year" in text
    assert "appears twice" in text
    assert "risks lists ids" in text


def test_the_library_loads_once_and_keeps_local_changes(manager):
    added = services.threats_load_library(actor=manager)
    fire = Threat.objects.get(key="fire")
    fire.frequency = 0.5
    services.threat_save(actor=manager, threat=fire)
    assert added == len(library.load_threats())
    assert services.threats_load_library(actor=manager) == 0
    assert Threat.objects.get(key="fire").frequency == 0.5


# -- services ---------------------------------------------------------------------------------


def test_a_risk_is_rated_on_the_matrix_and_residual_defaults_to_inherent(manager):
    risk = _risk(manager)
    assert (risk.inherent_score, risk.inherent_band) == (20, "very_high")
    assert (risk.residual_likelihood, risk.residual_impact, risk.residual_band) == (
        4,
        5,
        "very_high",
    )


def test_a_residual_rating_above_the_inherent_one_is_refused(manager):
    with pytest.raises(ValidationError, match="cannot be above the inherent"):
        _risk(manager, inherent_likelihood=2, residual_likelihood=3)


def test_levels_outside_the_matrix_are_refused(manager):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        _risk(manager, inherent_likelihood=6)


def test_a_treatment_needs_a_reason(manager):
    with pytest.raises(ValidationError, match="Say why"):
        _risk(manager, treatment_reason="  ")


def test_a_viewer_cannot_add_a_risk(manager, make_user):
    viewer = make_user("viewer")
    services.ensure_library()
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.risk_save(
            actor=viewer,
            risk=Risk(
                name="x",
                category="data",
                inherent_likelihood=1,
                inherent_impact=1,
                treatment="accept",
                treatment_reason="small",
            ),
        )
    assert AuditEntry.objects.count() == before


def test_links_and_measures_are_audited(manager, world):
    risk = _risk(manager, world)
    services.risk_save(actor=manager, risk=risk, nodes=[world["server"], world["service"]])
    measure = services.measure_save(
        actor=manager,
        measure=Measure(risk=risk, name="UPS", effect="duration", factor=0.5, annual_cost=100),
        protects=[world["server"]],
    )
    services.measure_delete(actor=manager, measure=measure)
    entries = AuditEntry.objects.filter(object_type__startswith="risks.").order_by("id")
    nodes_change = [e.changes["nodes"] for e in entries if "nodes" in e.changes]
    assert nodes_change[-1] == [["srv"], ["mail", "srv"]]
    assert [e.action for e in entries if e.object_type == "risks.measure"][-1] == "delete"


def test_a_measure_protects_only_what_its_risk_hits(manager, world):
    risk = _risk(manager, world)
    with pytest.raises(ValidationError, match="does not hit Mail"):
        services.measure_save(
            actor=manager,
            measure=Measure(risk=risk, name="x", effect="duration", factor=0.5),
            protects=[world["service"]],
        )


def test_a_protected_node_stays_on_its_risk(manager, world):
    risk = _risk(manager, world)
    services.measure_save(
        actor=manager,
        measure=Measure(risk=risk, name="Spare", effect="duration", factor=0.5),
        protects=[world["server"]],
    )
    with pytest.raises(ValidationError, match="protect Server"):
        services.risk_save(actor=manager, risk=risk, nodes=[])


def test_a_factor_above_one_is_refused(manager):
    risk = _risk(manager)
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        services.measure_save(
            actor=manager, measure=Measure(risk=risk, name="x", effect="frequency", factor=2)
        )


def test_library_threats_are_kept_and_own_threats_in_use_too(manager):
    risk = _risk(manager)
    own = services.threat_save(
        actor=manager, threat=Threat(key="strike", name="Strike", category="people", frequency=1)
    )
    services.risk_save(actor=manager, risk=risk, threats=[own])
    with pytest.raises(ValidationError, match="Library threats are kept"):
        services.threat_delete(actor=manager, threat=Threat.objects.get(key="fire"))
    with pytest.raises(ValidationError, match="Risks name this threat"):
        services.threat_delete(actor=manager, threat=own)


# -- heat map, filters, list ------------------------------------------------------------------


def test_the_heat_map_shows_both_positions_of_a_risk(client, manager):
    risk = _risk(manager, residual_likelihood=2, residual_impact=3)
    client.force_login(manager)
    html = client.get(reverse("risks:heat_map")).content.decode()
    assert f'id="risk-{risk.pk}-inherent"' in html
    assert f'id="risk-{risk.pk}-residual"' in html
    assert f'id="risk-{risk.pk}-arrow"' in html
    assert "L4 × I5" in html
    assert "L2 × I3" in html


def test_heat_map_cells_count_risks_before_and_after():
    from standby.risks.library import load_matrix

    matrix = load_matrix()
    placed = [selectors.Positioned(1, "a", matrix.rate(4, 5), matrix.rate(2, 3))]
    cells = {(c.likelihood, c.impact): c for row in selectors.heat_cells(placed) for c in row}
    assert (cells[(4, 5)].inherent, cells[(4, 5)].residual) == (1, 0)
    assert (cells[(2, 3)].inherent, cells[(2, 3)].residual) == (0, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "data"}, {"Data gone"}),
        ({"treatment": "accept"}, {"Data gone"}),
        ({"owner": "olga"}, {"Server room lost"}),
        ({"band": "low"}, {"Data gone"}),
        ({"threat": "human_error"}, {"Data gone"}),
        ({"node": "srv"}, {"Server room lost"}),
        ({"overdue": "true"}, {"Server room lost"}),
        ({"overdue": "false"}, {"Data gone"}),
        ({"q": "room"}, {"Server room lost"}),
    ],
)
def test_the_register_filters(manager, world, query, expected):
    _risk(manager, world, owner=world["owner"], review_on=dt.date(2000, 1, 1))
    _risk(
        manager,
        name="Data gone",
        category="data",
        treatment="accept",
        inherent_likelihood=1,
        inherent_impact=2,
        threats=[Threat.objects.get(key="human_error")],
    )
    filterset = RiskFilterSet(query, queryset=selectors.register())
    assert {r.name for r in filterset.qs} == expected


def _many(manager: Any, world: dict[str, Any], n: int) -> None:
    threats = list(Threat.objects.all()[:3])
    for i in range(n):
        risk = _risk(manager, world, name=f"Risk {i}", threats=threats, owner=world["owner"])
        Measure.objects.create(risk=risk, name="m", effect="frequency", factor=0.5)


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_register_list_costs_the_same_queries_for_10_and_200_risks(client, manager, world):
    client.force_login(manager)
    url = reverse("risks:risk_list") + "?sort=-residual"
    _many(manager, world, 10)
    few = _queries(client, url)
    _many(manager, world, 190)
    assert _queries(client, url) == few


def test_the_api_list_costs_the_same_queries_for_10_and_60_risks(client, manager, world):
    client.force_login(manager)
    url = reverse("api:risk_list")
    _many(manager, world, 10)
    few = _queries(client, url)
    _many(manager, world, 50)
    assert _queries(client, url) == few


# -- pages ------------------------------------------------------------------------------------


def test_adding_a_risk_through_the_page(client, manager, world):
    services.ensure_library()
    client.force_login(manager)
    fire = Threat.objects.get(key="fire")
    response = client.post(
        reverse("risks:risk_create"),
        {
            "name": "Fire in the server room",
            "category": "internal_ict",
            "threats": [fire.pk],
            "nodes": [world["server"].pk],
            "inherent_likelihood": "3",
            "inherent_impact": "5",
            "residual_likelihood": "1",
            "residual_impact": "",
            "treatment": "reduce",
            "treatment_reason": "Suppression system.",
            "status": "open",
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert (risk.residual_likelihood, risk.residual_impact, risk.residual_band) == (1, 5, "medium")
    assert list(risk.threats.all()) == [fire]


def test_a_residual_above_inherent_on_the_page_keeps_the_input(client, manager):
    services.ensure_library()
    client.force_login(manager)
    response = client.post(
        reverse("risks:risk_create"),
        {
            "name": "X",
            "category": "data",
            "inherent_likelihood": "1",
            "inherent_impact": "1",
            "residual_likelihood": "3",
            "treatment": "accept",
            "treatment_reason": "r",
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "cannot be above the inherent" in response.content.decode()
    assert not Risk.objects.exists()


# -- API --------------------------------------------------------------------------------------


def test_the_api_writes_through_the_services(client, manager, world):
    services.ensure_library()
    client.force_login(manager)
    created = client.post(
        reverse("api:risk_list"),
        {
            "name": "Links saturated",
            "category": "external_ict",
            "threats": ["link_overload"],
            "nodes": ["srv"],
            "inherent_likelihood": 5,
            "inherent_impact": 2,
            "treatment": "reduce",
            "treatment_reason": "Second link.",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["residual_band"] == "high"
    measure = client.post(
        reverse("api:measure_list", args=[pk]),
        {"name": "Second link", "effect": "frequency", "factor": 0.2, "annual_cost": "1200.00"},
        content_type="application/json",
    )
    assert measure.status_code == 201, measure.content
    refused = client.patch(
        reverse("api:risk_detail", args=[pk]),
        {"residual_impact": 5},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert AuditEntry.objects.filter(object_type="risks.measure").count() == 1


# -- quantitative -----------------------------------------------------------------------------


def test_quantitative_threats_is_plain_data_in_the_model_file_shape(manager, world):
    _risk(manager, world, nodes=[world["server"], world["service"]])
    assert selectors.quantitative_threats() == [
        {
            "id": "fire",
            "name": "Fire",
            "frequency": 0.02,
            "fails": ["mail", "srv"],
            "duration": None,
        }
    ]


def test_the_annual_loss_page_says_whether_a_measure_is_economical(client, manager, world):
    services.ensure_library()
    risk = _risk(manager, world, threats=[Threat.objects.get(key="power_failure")])
    # Power failure: once a year for 4 h, 400 lost each time: 360 a year avoided by either.
    cheap = services.measure_save(
        actor=manager,
        measure=Measure(risk=risk, name="UPS", effect="frequency", factor=0.1, annual_cost=10),
    )
    dear = services.measure_save(
        actor=manager,
        measure=Measure(
            risk=risk, name="Generator", effect="frequency", factor=0.1, annual_cost=5000
        ),
    )
    client.force_login(manager)
    html = client.get(reverse("risks:quantitative")).content.decode()
    cheap_row = html.split(f'id="measure-{cheap.pk}"')[1].split("</tr>")[0]
    dear_row = html.split(f'id="measure-{dear.pk}"')[1].split("</tr>")[0]
    assert "Economical" in cheap_row
    assert "Not economical" in dear_row
    assert "<svg" in html
