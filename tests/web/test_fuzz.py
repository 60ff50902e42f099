"""schemathesis against /openapi.json: generated requests to every operation (as an admin
cleared for RED, so the reads run their queries) get no server error. Bounded: a few examples
an operation, derandomised, so the run is fast and the same every time."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from waspada.analyzer import default_analyzer
from waspada.api import ServeConfig, create_app

from .conftest import SECRET, Intel


@pytest.fixture(scope="session")
def api_schema(intel: Intel) -> Any:
    # its own app: schemathesis may run the lifespan, whose end closes the app's store
    app = create_app(ServeConfig(db=intel.db, secret=SECRET, rate_per_minute=0,
                                 analyzer=default_analyzer()))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_operation_answers_with_a_server_error(api_schema: Any, intel: Intel) -> None:
    headers = {"X-API-Key": intel.keys["admin-red"]}
    calls: dict[str, int] = {}
    for result in api_schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(max_examples=6, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

        run()
    assert len(calls) >= 10 and all(n >= 1 for n in calls.values()), calls
