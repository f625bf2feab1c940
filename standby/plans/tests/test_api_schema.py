"""The OpenAPI schema names the plan versions' and the risks' status enums apart
(``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]``), without a warning."""

from __future__ import annotations

import pytest

from standby.plans.choices import VersionStatus
from standby.risks.choices import RiskStatus


@pytest.mark.django_db
def test_the_two_status_enums_have_names_of_their_own():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, dict(GENERATOR_STATS._warn_cache)
    components = schema["components"]["schemas"]
    assert components["PlanVersionStatusEnum"]["enum"] == list(VersionStatus.values)
    assert components["RiskStatusEnum"]["enum"] == list(RiskStatus.values)
    assert "StatusEnum" not in components
    version_status = components["Version"]["properties"]["status"]
    assert version_status["allOf"] == [{"$ref": "#/components/schemas/PlanVersionStatusEnum"}]
    assert version_status["readOnly"] is True
    distribution_status = components["DistributionStatus"]["properties"]["status"]
    assert distribution_status == {"$ref": "#/components/schemas/PlanVersionStatusEnum"}
