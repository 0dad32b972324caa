"""Evaluators through the real plugin manager: isolation, scoring, overall quality, staleness."""

from __future__ import annotations

import time
from importlib.metadata import EntryPoint

import pytest
from sqlmodel import select

from catalogue import evaluation
from catalogue import registry as registry_module
from catalogue.contract import Criterion, CriterionResult, Evaluator, OverallQuality, Question
from catalogue.hookspecs import ENTRY_POINT_GROUP, hookimpl
from catalogue.models import Evaluation
from catalogue.testing import make_product

URL = "/api/v1/products"


def make_evaluator(evaluate=None, *, id="demo_eval", version="1.0", red_line=False) -> Evaluator:
    # Question ids are global, so each test evaluator asks its own.
    question_id = "demo_dpia" if id == "demo_eval" else f"{id}_dpia"
    criteria = (
        Criterion("D1", "Has a DPIA", "Schools need one.", 3, "ICO", "demo@1", red_line=red_line, questions=(question_id,)),
        Criterion("D2", "Logs prompts", "For safeguarding review.", 1, "DfE", "demo@1"),
    )

    def default(product):
        answer = product.answers.get(question_id)
        first = CriterionResult("D1", "unknown" if answer is None else ("met" if answer else "not_met"), "Because.")
        return [first, CriterionResult("D2", "partial", "Some logs.")]

    return Evaluator(
        id=id,
        name="Demo evaluator",
        version=version,
        description="A test evaluator.",
        criteria=criteria,
        questions=(Question(question_id, "Do you have a DPIA?", "yes_no"),),
        evaluate=evaluate or default,
    )


class EvaluatorPlugin:
    """A plugin object providing the given evaluators."""

    def __init__(self, *evaluators):
        self.evaluators = list(evaluators)

    @hookimpl
    def catalogue_evaluators(self):
        return self.evaluators


@pytest.fixture
def supplier(make_token):
    return make_token("supplier", org="Acme Learning")


def submit(client, auth, token, entry, **answers):
    response = client.post(URL, json={**entry, "answers": answers}, headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json


def evaluation_of(body, evaluator_id):
    return next(e for e in body["evaluations"] if e["evaluator"] == evaluator_id)


# --- hooks ---------------------------------------------------------------


def test_hook_catalogue_evaluators(app, client, auth, supplier, entry, register_plugin):
    register_plugin(app, EvaluatorPlugin(make_evaluator()), "demo")
    listed = {e["id"]: e for e in client.get("/api/v1/evaluators").json["items"]}
    assert listed["demo_eval"]["criteria"][0] == {
        "id": "D1", "title": "Has a DPIA", "why": "Schools need one.", "weight": 3.0, "source": "ICO",
        "criteria_set": "demo@1", "red_line": False, "questions": ["demo_dpia"],
    }
    assert listed["demo_eval"]["questions"][0]["type"] == "yes_no"

    body = submit(client, auth, supplier, entry, demo_dpia=True)
    result = evaluation_of(body, "demo_eval")
    # D1 met (3 × 1) + D2 partial (1 × 0.5) out of 4 → 88.
    assert (result["status"], result["score"], result["band"], result["version"]) == ("complete", 88, "excellent", "1.0")
    assert result["criteria"][0]["outcome"] == "met"
    assert result["criteria"][0]["assurance"] == "declared"


def test_hook_catalogue_overall_quality(app, client, auth, supplier, entry, register_plugin):
    class StrictestWins:
        @hookimpl
        def catalogue_overall_quality(self, evaluations):
            lowest = min((e.score for e in evaluations if e.score is not None), default=None)
            return OverallQuality(score=lowest, band="custom", red_lines=(), method="The lowest evaluator score.")

    register_plugin(app, EvaluatorPlugin(make_evaluator()), "demo")
    register_plugin(app, StrictestWins(), "strictest")
    body = submit(client, auth, supplier, entry, demo_dpia=False)
    assert body["overall"]["method"] == "The lowest evaluator score."
    assert body["overall"]["score"] == min(e["score"] for e in body["evaluations"] if e["score"] is not None)


def test_hook_catalogue_classification_signals_is_declared(app):
    hook = app.extensions["catalogue.registry"].manager.hook
    assert hasattr(hook, "catalogue_classification_signals")


# --- scoring -------------------------------------------------------------


def test_missing_answers_count_against_the_score(app, client, auth, supplier, entry, register_plugin):
    register_plugin(app, EvaluatorPlugin(make_evaluator()), "demo")
    result = evaluation_of(submit(client, auth, supplier, entry), "demo_eval")
    # D1 unknown earns nothing: 0.5 of 4.
    assert result["score"] == 12
    assert result["missing_evidence"] == 1
    assert result["criteria"][0]["outcome"] == "unknown"


def test_a_red_line_caps_the_overall_score_and_is_reported(app, client, auth, supplier, entry, register_plugin):
    register_plugin(app, EvaluatorPlugin(make_evaluator(red_line=True)), "demo")
    body = submit(client, auth, supplier, entry, demo_dpia=False)
    result = evaluation_of(body, "demo_eval")
    assert result["red_lines"] == ["D1: Has a DPIA"]
    assert body["overall"]["band"] == "red_line"
    assert body["overall"]["score"] <= 20
    assert "D1: Has a DPIA" in body["overall"]["red_lines"]


# --- isolation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("evaluate", "reason"),
    [
        (lambda product: 1 / 0, "ZeroDivisionError"),
        (lambda product: "all good", "malformed output"),
        (lambda product: [CriterionResult("D1", "splendid", "x"), CriterionResult("D2", "met", "y")], "unknown outcome"),
        (lambda product: [CriterionResult("D1", "met", "x")], "missing ['D2']"),
        (lambda product: [CriterionResult("D1", "met", ""), CriterionResult("D2", "met", "y")], "no explanation"),
        (lambda product: [CriterionResult("D1", "met", "x", evidence=None), CriterionResult("D2", "met", "y")], "not text"),
    ],
    ids=["raises", "not-a-list", "bad-outcome", "missing-criterion", "no-explanation", "evidence-none"],
)
def test_a_broken_evaluator_fails_alone(app, client, auth, supplier, entry, register_plugin, evaluate, reason):
    register_plugin(app, EvaluatorPlugin(make_evaluator(evaluate)), "broken")
    register_plugin(app, EvaluatorPlugin(make_evaluator(id="healthy")), "healthy")
    body = submit(client, auth, supplier, entry, demo_dpia=True)
    broken = evaluation_of(body, "demo_eval")
    assert broken["status"] == "failed" and broken["score"] is None
    assert reason in broken["error"]
    assert evaluation_of(body, "healthy")["status"] == "complete"
    assert "could not be run" in body["overall"]["method"]


def test_a_slow_evaluator_is_stopped_and_the_others_run(app, client, auth, supplier, entry, register_plugin):
    app.extensions["catalogue.runner"].timeout = 0.2

    def slow(product):
        time.sleep(1.5)
        return []

    register_plugin(app, EvaluatorPlugin(make_evaluator(slow)), "slow")
    register_plugin(app, EvaluatorPlugin(make_evaluator(id="healthy")), "healthy")
    started = time.monotonic()
    body = submit(client, auth, supplier, entry, demo_dpia=True)
    assert time.monotonic() - started < 1.5
    assert "longer than 0.2 seconds" in evaluation_of(body, "demo_eval")["error"]
    assert evaluation_of(body, "healthy")["status"] == "complete"


def test_the_evaluators_after_a_stuck_one_run_once_each_on_a_fresh_thread():
    calls: list[str] = []

    def counted(name, pause=0.0):
        def evaluate(product):
            calls.append(name)
            time.sleep(pause)
            return [CriterionResult("D1", "met", "Because."), CriterionResult("D2", "met", "Logged.")]

        return evaluate

    evaluators = [
        make_evaluator(counted("first"), id="first"),
        make_evaluator(counted("stuck", pause=0.6), id="stuck"),
        make_evaluator(counted("last"), id="last"),
    ]
    runner = evaluation.IsolatedRunner(timeout=0.2)
    runs = runner.run(evaluators, make_product())
    assert [run.status for run in runs] == ["complete", "failed", "complete"]
    assert "longer than 0.2 seconds" in runs[1].error
    time.sleep(0.8)  # the stuck call returns; its thread must not run "last" again
    assert calls == ["first", "stuck", "last"]
    assert [run.status for run in runner.run(evaluators[:1], make_product())] == ["complete"]


def test_the_time_limit_is_per_evaluator_not_for_all_of_them_together():
    def unhurried(product):
        time.sleep(0.25)
        return [CriterionResult("D1", "met", "Because."), CriterionResult("D2", "met", "Logged.")]

    evaluators = [make_evaluator(unhurried, id=f"unhurried_{n}") for n in range(3)]
    # 0.75 s in all, longer than the limit, but each well inside it.
    runs = evaluation.IsolatedRunner(timeout=0.5).run(evaluators, make_product())
    assert [run.status for run in runs] == ["complete"] * 3


def test_a_plugin_whose_hook_raises_is_reported_and_skipped(app, client, register_plugin):
    class Exploding:
        @hookimpl
        def catalogue_evaluators(self):
            raise RuntimeError("no config file")

    register_plugin(app, Exploding(), "exploding")
    broken = app.extensions["catalogue.registry"].broken
    assert any(b.name == "exploding" and "no config file" in b.error for b in broken)
    page = client.get("/evaluators").get_data(as_text=True)
    assert "exploding" in page and "no config file" in page


def test_a_plugin_that_cannot_be_imported_is_reported(app):
    registry = app.extensions["catalogue.registry"]
    registry_module._load(registry, EntryPoint("ghost", "no_such_module_anywhere", ENTRY_POINT_GROUP))
    assert any(b.name == "ghost" and "ModuleNotFoundError" in b.error for b in registry.broken)


def test_a_malformed_evaluator_declaration_is_reported(app, register_plugin):
    register_plugin(app, EvaluatorPlugin("not an evaluator"), "sloppy")
    assert any(b.name == "sloppy" and "expected an Evaluator" in b.error for b in app.extensions["catalogue.registry"].broken)


def test_unknown_hook_names_fail_at_start_up(app):
    class Typo:
        @hookimpl
        def catalogue_evaluator(self):  # missing "s"
            return []

    with pytest.raises(registry_module.PluginContractError, match="catalogue_evaluator"):
        app.extensions["catalogue.registry"].register(Typo(), name="typo")


def test_duplicate_evaluator_ids_fail_loudly(app, register_plugin):
    register_plugin(app, EvaluatorPlugin(make_evaluator()), "first")
    with pytest.raises(registry_module.PluginContractError, match="demo_eval"):
        register_plugin(app, EvaluatorPlugin(make_evaluator()), "second")


def test_blocked_plugins_are_not_loaded(tmp_path):
    from catalogue import create_app

    app = create_app({"BLOCKED_PLUGINS": ["safeguarding"], "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert "safeguarding" not in app.extensions["catalogue.registry"].evaluators
    assert "data_protection" in app.extensions["catalogue.registry"].evaluators


# --- questionnaire ------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"demo_dpia": "yes"}, "Answer true or false."),
        ({"demo_nonsense": True}, "No installed evaluator asks this question"),
    ],
)
def test_answers_are_checked_against_their_questions(app, client, auth, supplier, entry, register_plugin, answers, message, session):
    register_plugin(app, EvaluatorPlugin(make_evaluator()), "demo")
    response = client.post(URL, json={**entry, "answers": answers}, headers=auth(supplier))
    assert response.status_code == 422
    [(field, messages)] = [(k, v) for k, v in response.json["errors"].items()]
    assert field == f"answers.{next(iter(answers))}"
    assert message in messages[0]
    assert session.exec(select(Evaluation)).first() is None


def test_patch_merges_answers_and_null_clears_one(app, client, auth, supplier, entry, register_plugin):
    register_plugin(app, EvaluatorPlugin(make_evaluator()), "demo")
    slug = submit(client, auth, supplier, entry, demo_dpia=True, dp_dpia="current")["slug"]
    body = client.patch(f"{URL}/{slug}", json={"answers": {"demo_dpia": None}}, headers=auth(supplier)).json
    assert body["answers"] == {"dp_dpia": "current"}
    assert evaluation_of(body, "demo_eval")["criteria"][0]["outcome"] == "unknown"


# --- staleness ---------------------------------------------------------------


def test_upgrading_an_evaluator_marks_its_evaluations_stale_until_re_run(app, client, auth, supplier, entry, register_plugin, runner):
    register_plugin(app, EvaluatorPlugin(make_evaluator(version="1.0")), "demo")
    slug = submit(client, auth, supplier, entry, demo_dpia=True)["slug"]
    app.extensions["catalogue.registry"].unregister("demo")
    register_plugin(app, EvaluatorPlugin(make_evaluator(version="2.0")), "demo-upgraded")

    before = evaluation_of(client.get(f"{URL}/{slug}", headers=auth(supplier)).json, "demo_eval")
    assert (before["version"], before["stale"]) == ("1.0", True)
    others = [e for e in client.get(f"{URL}/{slug}", headers=auth(supplier)).json["evaluations"] if e["evaluator"] != "demo_eval"]
    assert not any(e["stale"] for e in others)

    result = runner.invoke(args=["evaluate", "--stale"])
    assert result.exit_code == 0, result.output
    assert "Evaluated 1 product versions: 1 evaluations complete, 0 failed." in result.output
    after = evaluation_of(client.get(f"{URL}/{slug}", headers=auth(supplier)).json, "demo_eval")
    assert (after["version"], after["stale"]) == ("2.0", False)
    assert "Evaluated 0 product versions" in runner.invoke(args=["evaluate", "--stale"]).output


def test_removing_an_evaluator_leaves_its_evaluations_stale_and_uncounted(app, client, auth, supplier, entry, register_plugin, runner):
    register_plugin(app, EvaluatorPlugin(make_evaluator(red_line=True)), "demo")
    slug = submit(client, auth, supplier, entry, demo_dpia=False)["slug"]
    app.extensions["catalogue.registry"].unregister("demo")
    body = client.get(f"{URL}/{slug}", headers=auth(supplier)).json
    assert evaluation_of(body, "demo_eval")["stale"] is True
    assert body["overall"]["band"] != "red_line"
    assert "removed evaluators (demo_eval)" in runner.invoke(args=["evaluate", "--stale"]).output


def test_evaluate_all_re_runs_everything_with_a_summary(app, client, auth, supplier, entry, runner, session):
    submit(client, auth, supplier, entry)
    before = len(session.exec(select(Evaluation)).all())
    result = runner.invoke(args=["evaluate", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{before} evaluations complete" in result.output
    assert len(session.exec(select(Evaluation)).all()) == 2 * before


def test_evaluate_needs_a_scope(runner):
    result = runner.invoke(args=["evaluate"])
    assert result.exit_code == 1 and "--stale" in result.output and "--all" in result.output


# --- transparency -------------------------------------------------------------


def test_plugins_command_lists_built_ins_with_their_source(runner):
    output = runner.invoke(args=["plugins"]).output
    for name in ("safeguarding", "data_protection", "age_suitability", "catalogue.overall"):
        assert name in output
    assert "from edtech-catalogue" in output
    assert "evaluators: Safeguarding 1.0.0" in output


def test_evaluators_page_shows_criteria_weights_and_sources(client):
    page = client.get("/evaluators").get_data(as_text=True)
    assert "SG17" in page and "DP9" in page and "AS2" in page
    assert "red line" in page
    assert "EU AI Act" in page


def test_product_page_shows_questions_answers_and_the_criteria_they_fed(app, client, store, entry):
    product = store({**entry, "answers": {"dp_dpia": "current"}})
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    question = app.extensions["catalogue.registry"].questions["dp_dpia"][1].text
    assert question in page
    assert "DP1" in page  # the criterion the answer fed
    assert "Overall quality" in page and "Missing evidence" in page
