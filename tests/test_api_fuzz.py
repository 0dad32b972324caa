"""API fuzzing: schemathesis generates requests from /api/v1/openapi.json against the real app.

Every response must be something other than a 5xx and must match the document's
schemas. Requests carry a supplier's token, against a register holding a
published product, so the write paths and the reads are both exercised.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 30


def test_the_api_never_fails_and_always_matches_its_document(app, store, entry, make_token):
    store(entry)  # something to read, patch and decide on
    token = make_token("supplier", org="Acme Learning")
    document = app.test_client().get("/api/v1/openapi.json").json
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    checks = (schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=checks)

        fuzz()
