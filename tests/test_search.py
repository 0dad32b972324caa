"""The search index: facet counts against brute force, consistency with the database, writers, syntax."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from catalogue import search, vocab
from catalogue.models import Product
from catalogue.search import SearchParams, documents, index

URL = "/api/v1/products"

PHASE_STAGES = {"primary": ["ks1", "ks2"], "secondary": ["ks3", "ks4"], "sixth_form": ["ks5"], "early_years": ["eyfs"]}
STAGE_AGES = {"eyfs": (3, 5), "ks1": (5, 7), "ks2": (7, 11), "ks3": (11, 14), "ks4": (14, 16), "ks5": (16, 18)}


def generated_entry(rng: random.Random, n: int) -> dict:
    """A valid, varied product entry: enough variety that every facet has several values."""
    phases = rng.sample(sorted(PHASE_STAGES), rng.randint(1, 2))
    stages = sorted({stage for phase in phases for stage in PHASE_STAGES[phase]})
    ages = [age for stage in stages for age in STAGE_AGES[stage]]
    pupils = rng.random() < 0.5
    feature = rng.choice(
        ["Teachers get draft lesson plans and worksheets.", "Pupils chat with an AI tutor that gives hints.",
         "It drafts report comments for teachers to edit.", "Pupils practise phonics and read aloud to the AI."]
    )
    return {
        "name": f"Generated Tool {n:04d}",
        "supplier": f"Generated Supplier {n % 7}",
        "website": f"https://tool{n}.example/",
        "summary": f"Generated product {n} for search tests.",
        "description": "A generated product used to test search. " + feature,
        "ai_features": feature,
        "ai_models": [],
        "intended_users": ["teachers", "pupils"] if pupils else rng.choice([["teachers"], ["teachers", "leaders"], ["admin_staff"]]),
        "pupil_interaction": rng.choice(["direct", "supervised"]) if pupils else "none",
        "phases": phases,
        "key_stages": stages,
        "age_min": min(ages),
        "age_max": max(ages),
        "subjects": [],
        "pricing": rng.choice(vocab.PRICING.values),
        "answers": {
            "dp_storage_region": rng.choice(["uk", "eea", "us", "other"]),
            "dp_dpia": rng.choice(["current", "outdated", "none"]),
            "dp_trains_on_pupil_data": rng.choice(["never", "opt_in_only", "yes_by_default"]),
            "sg_emotion_inference": rng.random() < 0.1,
            "sg_content_filtering": rng.choice(["none", "basic_keyword", "layered_tested", "not_generative"]),
        },
    }


@pytest.fixture
def catalogue_of(store):
    """Store ``count`` generated products (deterministic); returns their cards from the database."""

    def make(count: int, seed: int = 7) -> list[dict]:
        rng = random.Random(seed)
        for n in range(count):
            store(generated_entry(rng, n), supplier=f"Generated Supplier {n % 7}")
        return count

    return make


def cards_from_database(app, session) -> list[dict]:
    with app.app_context():
        registry = app.extensions["catalogue.registry"]
        ids = documents.public_product_ids(session)
        return [card.data for _, card in documents.build_cards(session, registry, ids) if card]


def brute_force(cards: list[dict], facets: dict, min_scores: dict) -> tuple[int, dict]:
    """What the engine should answer, worked out the slow, obvious way."""

    def passes(card, skip=None):
        for facet, values in facets.items():
            if facet != skip and values and not set(card[facet]) & set(values):
                return False
        for key, minimum in min_scores.items():
            score = card["overall"]["score"] if key == "overall" else card["evaluations"].get(key, {}).get("score")
            if score is None or score < minimum:
                return False
        return True

    total = sum(1 for card in cards if passes(card))
    counts = {facet: Counter() for facet in documents.FACET_NAMES}
    for facet in documents.FACET_NAMES:
        for card in cards:
            if passes(card, skip=facet):
                counts[facet].update(card[facet])
    return total, {facet: {value: n for value, n in counter.items()} for facet, counter in counts.items()}


FACET_CHOICES = st.fixed_dictionaries(
    {},
    optional={
        facet.name: st.lists(st.sampled_from(facet.vocabulary.values), min_size=1, max_size=2, unique=True)
        for facet in documents.FACETS
    },
)
SCORE_CHOICES = st.fixed_dictionaries(
    {}, optional={"overall": st.integers(0, 100), "safeguarding": st.integers(0, 100), "data_protection": st.integers(0, 100)}
)


def test_facet_counts_equal_a_brute_force_count(app, session, catalogue_of):
    catalogue_of(200)
    cards = cards_from_database(app, session)
    assert len(cards) == 200

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(facets=FACET_CHOICES, min_scores=SCORE_CHOICES)
    def check(facets, min_scores):
        with app.app_context():
            results = search.current().search(SearchParams(facets={k: tuple(v) for k, v in facets.items()}, min_scores=min_scores, per_page=100))
        total, counts = brute_force(cards, facets, min_scores)
        assert results.total == total
        for facet in documents.FACET_NAMES:
            assert {v: n for v, n in results.facets[facet].items() if n} == counts[facet], facet

    check()


def test_multi_valued_facets_count_in_each_value(client, store, entry):
    store({**entry, "phases": ["primary", "secondary"], "key_stages": ["ks2", "ks3"], "age_min": 7, "age_max": 14})
    phases = {item["value"]: item["count"] for item in client.get(URL).json["facets"]["phase"]}
    assert phases["primary"] == 1 and phases["secondary"] == 1


# --- text, sorting, filters ------------------------------------------------------------


def test_text_search_uses_stemming_and_boosts_the_name(client, store, entry):
    store({**entry, "name": "Plan Pilot", "ai_features": "Helps with admin.", "description": "An admin helper."})
    store({**entry, "name": "Other Tool", "ai_features": "It writes plans for lessons.", "description": "A planning assistant."})
    found = client.get(URL, query_string={"q": "planning"}).json
    assert [item["name"] for item in found["items"]][0] == "Other Tool" or found["total"] == 2
    names = [item["name"] for item in client.get(URL, query_string={"q": "plans"}).json["items"]]
    assert set(names) == {"Plan Pilot", "Other Tool"}  # "plan" and "planning" share a stem
    assert names[0] == "Plan Pilot"  # a name match outranks a description match


@pytest.mark.parametrize("sort", ["overall", "name", "updated", "score.safeguarding", "relevance"])
def test_every_sort_works(client, catalogue_of, sort):
    catalogue_of(12)
    body = client.get(URL, query_string={"sort": sort, "per_page": 12}).json
    assert body["total"] == 12 and body["sort"] == sort
    if sort == "name":
        names = [item["name"] for item in body["items"]]
        assert names == sorted(names)
    if sort == "overall":
        scores = [item["overall"]["score"] for item in body["items"]]
        assert scores == sorted(scores, reverse=True)


def test_min_score_filters_use_installed_evaluators(client, catalogue_of):
    catalogue_of(20)
    everything = client.get(URL, query_string={"per_page": 100}).json["items"]
    body = client.get(URL, query_string={"min_score.safeguarding": 60, "per_page": 100}).json
    expected = [i for i in everything if (i["evaluations"]["safeguarding"]["score"] or 0) >= 60]
    assert body["total"] == len(expected)
    bad = client.get(URL, query_string={"min_score.astrology": 10})
    assert bad.status_code == 422 and "min_score.astrology" in bad.json["errors"]


@pytest.mark.parametrize(
    "q", ['"', "(((", ")", "AND OR NOT", "*", "\\", "name:foo", "a" * 400, "<script>", "%00", "NOT", "[1 TO 2]", "'"]
)
def test_odd_query_syntax_never_breaks_the_search(client, store, entry, q):
    store(entry)
    response = client.get(URL, query_string={"q": q})
    assert response.status_code == 200, response.json
    page = client.get("/", query_string={"q": q})
    assert page.status_code == 200


def test_a_query_too_long_is_a_clear_error(client):
    response = client.get(URL, query_string={"q": "x" * 501})
    assert response.status_code == 422 and "q" in response.json["errors"]
    page = client.get("/", query_string={"q": "x" * 501, "min_overall": "lots"}).get_data(as_text=True)
    assert "Error:" in page and 'aria-invalid="true"' in page
    assert "Not a valid integer." in page


def test_unpublished_and_withdrawn_products_are_not_found(client, store, entry, session, app):
    store(entry, publish=False)
    assert client.get(URL).json["total"] == 0
    product = store({**entry, "name": "Visible"})
    assert client.get(URL).json["total"] == 1
    with app.app_context():
        from catalogue import changelog
        from catalogue.models import utcnow

        product = session.get(Product, product.id)
        product.withdrawn_at = utcnow()
        changelog.record(session, product)
        session.commit()
        search.current().catch_up(session)
    assert client.get(URL).json["total"] == 0


# --- consistency with the database ------------------------------------------------------


def no_progress(items, total):
    return items


def test_check_detects_and_repairs_divergence(app, session, store, entry):
    kept = store({**entry, "name": "Kept"})
    gone = store({**entry, "name": "Gone"})
    changed = store({**entry, "name": "Changed"})
    with app.app_context():
        service = search.current()
        ix = service.store.open()
        # Damage the index behind the register's back: drop one document, tamper with another.
        [(_, card)] = documents.build_cards(session, service.registry, [changed.id])
        tampered = index.document(card)
        tampered["card"] = tampered["card"].replace('"Changed"', '"Tampered"')
        with ix.writer() as writer:
            writer.delete_by_term("key", str(kept.id))
            writer.update_document(**tampered)
        # And change the database without logging it: withdraw a product silently.
        from catalogue.models import utcnow

        session.get(Product, gone.id).withdrawn_at = utcnow()
        session.commit()

        report = service.check(session, repair=False, progress=no_progress)
        assert (report.missing, report.extra, report.stale) == ([kept.id], [gone.id], [changed.id])
        service.check(session, repair=True, progress=no_progress)
        assert service.check(session, repair=False, progress=no_progress).ok
        assert {item["name"] for item in service.search(SearchParams()).items} == {"Kept", "Changed"}


def test_reindex_command_rebuilds_into_a_new_directory_and_checks(runner, app, store, entry):
    store(entry)
    before = app.extensions["catalogue.search"].store.current_dir()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 published products" in result.output
    assert app.extensions["catalogue.search"].store.current_dir() != before
    assert "matches the database" in runner.invoke(args=["reindex", "--check"]).output
    assert runner.invoke(args=["reindex", "--check", "--follow"]).exit_code == 1


def test_a_rebuild_in_several_processes_equals_one_in_a_single_process(app, session, catalogue_of):
    catalogue_of(60)
    with app.app_context():
        service = search.current()
        answers = []
        for processes in (1, 3):
            assert index.rebuild(session, service.registry, service.store, progress=no_progress, processes=processes) == 60
            results = service.search(SearchParams(q="lesson plans", per_page=100))
            answers.append(([item["product_id"] for item in results.items], results.facets))
        assert answers[0] == answers[1] and answers[0][0]
        assert service.check(session, repair=False, progress=no_progress).ok


def _open_index(root: str) -> tuple[int, str]:
    ix = index.IndexStore(Path(root), writer_memory_mb=64).open()
    return index.applied_id(ix), str(Path(ix.storage.folder).resolve())


def test_workers_starting_together_create_one_index(tmp_path):
    """gunicorn workers that all find no index create one between them, not one each."""
    with multiprocessing.get_context("fork").Pool(8) as pool:
        opened = pool.map(_open_index, [str(tmp_path)] * 32)
    assert {folder for _, folder in opened} == {str(index.IndexStore(tmp_path, writer_memory_mb=64).current_dir())}
    assert len(list(tmp_path.glob("gen-*"))) == 1


def test_swapping_in_a_rebuild_keeps_a_newer_one_still_being_built(tmp_path):
    store = index.IndexStore(tmp_path, writer_memory_mb=64)
    older, newer = store.new_dir(), store.new_dir()  # two `catalogue reindex` runs at once
    store.swap(older)
    assert newer.exists() and store.current_dir() == older.resolve()
    store.swap(newer)
    assert not older.exists() and store.current_dir() == newer.resolve()


def test_a_failing_rebuild_worker_leaves_the_old_index_in_use(app, session, store, entry, monkeypatch):
    store(entry)
    with app.app_context():
        service = search.current()
        before = service.store.current_dir()

        def broken(*args, **kwargs):
            raise OSError("disk on fire")
            yield

        monkeypatch.setattr(index, "build_cards", broken)  # the forked workers inherit it
        with pytest.raises(RuntimeError, match="A reindex worker failed") as failure:
            index.rebuild(session, service.registry, service.store, progress=no_progress, processes=2)
        assert "disk on fire" in str(failure.value)
        assert service.store.current_dir() == before and [d.name for d in service.store.root.glob("gen-*")] == [before.name]
        assert service.search(SearchParams()).total == 1


def test_changes_committed_without_indexing_are_replayed_exactly(app, session, runner, client, entry, visible_progress):
    """A crash between the database commit and the index update loses nothing."""
    from catalogue import accounts, products

    with app.app_context():
        supplier = accounts.create_organisation(session, name="Acme Learning", kind="supplier", actor="test")
        product = products.create_product(session, actor="test", supplier=supplier, entry=products.validate_entry(entry))
        products.publish(session, actor="test", product=product, version=product.latest_version)
        session.commit()  # ... and the process dies before catch_up
    assert client.get(URL).json["total"] == 0
    result = runner.invoke(args=["reindex", "--catch-up"])
    assert result.exit_code == 0 and "Applied 2 change-log entries" in result.output
    assert "Indexing" in result.stderr and "1/1" in result.stderr
    assert client.get(URL).json["total"] == 1
    assert "Applied 0" in runner.invoke(args=["reindex", "--catch-up"]).output
    with app.app_context():
        assert index.applied_id(app.extensions["catalogue.search"].store.open()) == 2


def _writer_process(database_url: str, index_dir: str, instance: str, first: int, count: int) -> None:
    from catalogue import accounts, create_app, db, products
    from catalogue.testing import EXAMPLE_ENTRY

    app = create_app({"DATABASE_URL": database_url, "INDEX_DIR": index_dir}, instance_path=instance)
    with app.app_context():
        session = db.session()
        for n in range(first, first + count):
            supplier = accounts.organisation_by_name(session, "Writers Ltd")
            product = products.create_product(session, actor="writer", supplier=supplier, entry=products.validate_entry({**EXAMPLE_ENTRY, "name": f"Concurrent {n}"}))
            products.publish(session, actor="writer", product=product, version=product.latest_version)
            session.commit()
            search.current().catch_up(session)


def test_two_writer_processes_keep_the_index_complete(app, session, tmp_path, database_url):
    from catalogue import accounts

    with app.app_context():
        accounts.create_organisation(session, name="Writers Ltd", kind="supplier", actor="test")
        session.commit()
    index_dir = app.config["INDEX_DIR"]
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer_process, args=(database_url, index_dir, str(tmp_path / f"w{i}"), i * 100, 15)) for i in range(2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    with app.app_context():
        service = search.current()
        service.catch_up(session, wait=10)  # whatever the last lock holder left, if anything
        assert service.search(SearchParams(per_page=100)).total == 30
        assert service.check(session, repair=False, progress=no_progress).ok
        assert len(session.exec(select(Product)).all()) == 30
