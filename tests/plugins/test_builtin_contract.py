"""What every built-in evaluator promises alike: its declaration, red lines, documented weights,
registration through the hook, and one well-formed result per criterion for every demo product."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import pytest

from catalogue import hookspecs
from catalogue.contract import ProductSnapshot
from catalogue.testing import assert_well_formed
from plugins import age_suitability, data_protection, safeguarding
from plugins._answers import Answers

SEED = json.loads((Path(__file__).parents[2] / "seed" / "products.json").read_text(encoding="utf-8"))

# module, (id, name), criterion prefix, number of criteria, red-line criteria, question prefix
BUILT_IN = [
    pytest.param(safeguarding, ("safeguarding", "Safeguarding"), "SG", 17, {"SG1", "SG10", "SG17"}, "sg_", id="safeguarding"),
    pytest.param(data_protection, ("data_protection", "Data protection"), "DP", 15, {"DP9", "DP10"}, "dp_", id="data_protection"),
    pytest.param(age_suitability, ("age_suitability", "Age suitability"), "AS", 14, {"AS2"}, "age_", id="age_suitability"),
]
FIELDS = "module, identity, prefix, count, red_lines, question_prefix"


def evaluator_of(module: ModuleType) -> Any:
    return module.catalogue_evaluators()[0]


@pytest.mark.parametrize(FIELDS, BUILT_IN)
def test_red_lines(module, identity, prefix, count, red_lines, question_prefix) -> None:
    assert {c.id for c in evaluator_of(module).criteria if c.red_line} == red_lines


@pytest.mark.parametrize(FIELDS, BUILT_IN)
def test_evaluator_declaration(module, identity, prefix, count, red_lines, question_prefix) -> None:
    evaluator = evaluator_of(module)
    assert (evaluator.id, evaluator.name, evaluator.version) == (*identity, "1.0.0")
    assert [c.id for c in evaluator.criteria] == [f"{prefix}{n}" for n in range(1, count + 1)]
    for criterion in evaluator.criteria:
        assert 1 <= criterion.weight <= 5
        assert criterion.title and criterion.why and criterion.source
        assert re.fullmatch(r"[a-z0-9-]+@[0-9-]+", criterion.criteria_set)


@pytest.mark.parametrize(FIELDS, BUILT_IN)
def test_docstring_table_matches_weights_and_red_lines(module, identity, prefix, count, red_lines, question_prefix) -> None:
    rows = re.findall(rf"^\| ({prefix}\d+)\s*\|[^|]*\|\s*(\d+)\s*\|\s*(yes)?\s*\|$", module.__doc__ or "", re.MULTILINE)
    assert {cid: (float(weight), bool(red)) for cid, weight, red in rows} == {
        c.id: (c.weight, c.red_line) for c in evaluator_of(module).criteria
    }


@pytest.mark.parametrize(FIELDS, BUILT_IN)
def test_registers_through_the_hook(module, identity, prefix, count, red_lines, question_prefix) -> None:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    manager.register(module)
    assert [e.id for provided in manager.hook.catalogue_evaluators() for e in provided] == [identity[0]]


@pytest.mark.parametrize(FIELDS, BUILT_IN)
@pytest.mark.parametrize("entry", SEED, ids=[entry["name"] for entry in SEED])
def test_seed_product_gets_one_result_per_criterion_in_order(entry, module, identity, prefix, count, red_lines, question_prefix) -> None:
    evaluator = evaluator_of(module)
    product = ProductSnapshot.from_entry(entry)
    assert [r.criterion for r in evaluator.evaluate(product)] == [c.id for c in evaluator.criteria]
    assert_well_formed(evaluator, product)
    # The demo answers fit the declared questions: none reads as unanswered for being malformed.
    answered = [qid for qid in entry.get("answers", {}) if qid.startswith(question_prefix) and entry["answers"][qid] is not None]
    reader = Answers(product, evaluator.questions)
    assert [qid for qid in answered if reader.get(qid) is None] == []
