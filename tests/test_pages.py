"""The register and product pages: every field, version history, escaping, and the demo banner."""

from __future__ import annotations

import pytest

from catalogue import products


@pytest.fixture
def published(store, entry):
    return store(entry)


def test_register_lists_published_products_with_the_demo_banner(client, published):
    page = client.get("/").get_data(as_text=True)
    assert "Demonstration data." in page
    assert "Lesson Sketcher" in page and "/products/lesson-sketcher" in page
    assert "1 product found" in page
    assert '<html lang="en-GB">' in page and 'href="#main"' in page


def test_the_banner_can_be_switched_off(client, app, published):
    app.config["DEMO_BANNER"] = False
    assert "Demonstration data." not in client.get("/").get_data(as_text=True)


def test_product_page_shows_every_field(client, published, entry):
    page = client.get("/products/lesson-sketcher").get_data(as_text=True)
    for text in (entry["summary"], entry["description"], entry["ai_features"], "GPT-4o via Azure OpenAI",
                 "Teachers", "Primary", "Key stage 1 (ages 5–7)", "5 to 11", "All subjects", "Subscription",
                 "https://lesson-sketcher.example/", "dp_dpia", "current"):
        assert text in page, text


def test_product_page_shows_published_history_only(app, client, published, session, entry):
    with app.app_context():
        changed = products.validate_entry({**entry, "summary": "Second published summary."})
        version, _ = products.add_version(session, actor="test", product=published, entry=changed)
        products.publish(session, actor="test", product=published, version=version)
        products.add_version(session, actor="test", product=published, entry={**changed, "summary": "Unreviewed draft."})
        session.commit()
    page = client.get("/products/lesson-sketcher").get_data(as_text=True)
    assert "Second published summary." in page
    assert "Unreviewed draft." not in page
    assert "?version=1" in page and "?version=3" not in page
    old = client.get("/products/lesson-sketcher?version=1").get_data(as_text=True)
    assert entry["summary"] in old and "an earlier version" in old
    assert client.get("/products/lesson-sketcher?version=3").status_code == 404


def test_user_text_is_escaped(client, store, entry):
    hostile = {**entry, "name": "<script>alert(1)</script>", "description": '"><img src=x onerror=alert(1)>'}
    product = store(hostile, supplier="<b>Evil</b> Ltd")
    for url in ("/", f"/products/{product.slug}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<b>Evil</b>" not in page
    assert "<img src=x" not in client.get(f"/products/{product.slug}").get_data(as_text=True)


def test_unknown_and_unpublished_products_are_a_friendly_404(client, store, entry):
    store(entry, publish=False)
    for url in ("/products/lesson-sketcher", "/products/nothing-here"):
        response = client.get(url)
        assert response.status_code == 404
        assert "text/html" in response.content_type
        assert "Go to the register" in response.get_data(as_text=True)


def test_register_paginates_and_tolerates_mangled_page_numbers(client, app, store, entry):
    app.config["PER_PAGE_DEFAULT"] = 2
    for n in range(3):
        store({**entry, "name": f"Tool {n}"})
    first = client.get("/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first
    assert "Tool 2" in client.get("/?page=2&sort=name").get_data(as_text=True)
    assert client.get("/?page=banana").status_code == 200
