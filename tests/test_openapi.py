"""The OpenAPI document is generated from the schemas and is valid OpenAPI 3."""

from __future__ import annotations

from openapi_spec_validator import validate


def test_the_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_the_document_describes_the_product_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/products"])
    assert {"get", "patch"} <= set(paths["/api/v1/products/{slug}"])
    entry = spec["components"]["schemas"]["ProductEntry"]
    assert set(entry["required"]) >= {"name", "website", "summary", "ai_features", "phases", "key_stages", "age_min"}
    assert entry["properties"]["summary"]["maxLength"] == 280
    assert "sixth_form" in entry["properties"]["phases"]["items"]["enum"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    post = paths["/api/v1/products"]["post"]
    assert {"201", "401", "403", "409", "413", "422"} <= set(post["responses"])
    assert set(spec["components"]["schemas"]["Error"]["properties"]) == {"status", "error", "message", "errors"}
