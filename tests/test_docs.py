"""The plugin author's guide stays in step with the real hook signatures and data types."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from catalogue import contract, hookspecs

GUIDE = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = [name for name, value in vars(hookspecs).items() if name.startswith("catalogue_") and callable(value)]


def signature_of(name: str) -> str:
    signature = inspect.signature(getattr(hookspecs, name))
    return f"{name}{signature}".replace("'", "")


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_exact_signature(hook):
    assert f"### `{signature_of(hook)}`" in GUIDE


def test_the_guide_documents_no_hook_that_does_not_exist():
    documented = re.findall(r"^### `(catalogue_\w+)\(", GUIDE, flags=re.MULTILINE)
    assert sorted(documented) == sorted(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_docstring_for_plugin_authors(hook):
    assert len(inspect.getdoc(getattr(hookspecs, hook)) or "") > 200


@pytest.mark.parametrize(
    "data_type",
    [contract.Question, contract.Criterion, contract.CriterionResult, contract.Evaluator, contract.Signal,
     contract.EvaluationSummary, contract.OverallQuality],
)
def test_every_data_type_is_documented_with_its_fields(data_type):
    fields = [f.name for f in dataclasses.fields(data_type)]
    line = next(line for line in GUIDE.splitlines() if line.startswith(f"- `{data_type.__name__}("))
    assert [f.split("=")[0].strip() for f in line.split("(", 1)[1].split(")`")[0].split(",")] == fields


def test_the_snapshot_fields_are_all_documented():
    line = next(line for line in GUIDE.splitlines() if line.startswith("- `ProductSnapshot`"))
    paragraph = GUIDE[GUIDE.index(line):].split("\n- `Question")[0]
    for field in dataclasses.fields(contract.ProductSnapshot):
        assert f"`{field.name}`" in paragraph, field.name


def test_the_hook_names_carry_the_project_prefix():
    assert hookspecs.ENTRY_POINT_GROUP == "edtech_catalogue.plugins"
    assert all(name.startswith("catalogue_") for name in HOOKS)
