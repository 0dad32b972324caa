"""Every validation rule of a product entry, with hostile values. Errors name their field."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from catalogue.schemas import ProductEntrySchema, flatten_errors


def problems(entry) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        ProductEntrySchema().load(entry)
    return flatten_errors(caught.value.messages)


def test_a_valid_entry_loads_with_defaults(entry):
    del entry["ai_models"], entry["subjects"], entry["answers"]
    loaded = ProductEntrySchema().load(entry)
    assert (loaded["ai_models"], loaded["subjects"], loaded["answers"]) == ([], [], {})


@pytest.mark.parametrize(
    "field", ["name", "website", "summary", "description", "ai_features", "intended_users", "pupil_interaction",
              "phases", "key_stages", "age_min", "age_max", "pricing"]
)
def test_core_fields_are_required(entry, field):
    del entry[field]
    assert field in problems(entry)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 42),
        ("name", ["a list"]),
        ("summary", {"an": "object"}),
        ("age_min", "7"),  # strict: a string is not a number
        ("age_min", 7.5),
        ("age_max", True),
        ("intended_users", "teachers"),
        ("ai_models", "GPT-4o"),
        ("answers", ["not", "a", "dict"]),
    ],
)
def test_wrong_types_are_refused(entry, field, value):
    entry[field] = value
    assert field in problems(entry)


@pytest.mark.parametrize(
    ("field", "value", "error_key"),
    [
        ("pupil_interaction", "sometimes", "pupil_interaction"),
        ("pricing", "bitcoin", "pricing"),
        ("phases", ["primary", "university"], "phases.1"),
        ("key_stages", ["ks9"], "key_stages.0"),
        ("intended_users", ["robots"], "intended_users.0"),
    ],
)
def test_unknown_vocabulary_values_are_refused(entry, field, value, error_key):
    entry[field] = value
    errors = problems(entry)
    assert error_key in errors
    assert "Choose one of" in errors[error_key][0]


def test_empty_and_duplicated_lists_are_refused(entry):
    entry["phases"] = []
    entry["intended_users"] = ["teachers", "teachers"]
    errors = problems(entry)
    assert "phases" in errors and "intended_users" in errors


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 120), ("summary", 280), ("description", 10_000), ("ai_features", 5_000)]
)
def test_text_length_limits(entry, field, limit):
    entry[field] = "x" * (limit + 1)
    assert field in problems(entry)
    entry[field] = "x" * limit
    ProductEntrySchema().load(entry)


def test_a_megabyte_string_is_refused(entry):
    entry["description"] = "x" * 1_048_576
    assert "description" in problems(entry)


def test_blank_text_is_refused_after_trimming(entry):
    entry["name"] = "   "
    assert "name" in problems(entry)


@pytest.mark.parametrize("field", ["name", "summary", "description", "ai_features"])
def test_null_bytes_and_control_characters_are_refused(entry, field):
    entry[field] = "Nice\x00tool"
    assert "control characters" in problems(entry)[field][0]


def test_html_in_text_is_kept_as_text(entry):
    entry["description"] = '<img src=x onerror="alert(1)"> <b>bold</b>'
    assert ProductEntrySchema().load(entry)["description"] == entry["description"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/x", "www.example.com", "https://", "https://exa mple.com", ""]
)
def test_website_must_be_an_http_url(entry, url):
    entry["website"] = url
    assert "website" in problems(entry)


@pytest.mark.parametrize(("age_min", "age_max"), [(-1, 11), (5, 200), (-5, -1), (10**9, 10**9)])
def test_negative_or_absurd_ages_are_refused(entry, age_min, age_max):
    entry["age_min"], entry["age_max"] = age_min, age_max
    errors = problems(entry)
    assert "age_min" in errors or "age_max" in errors


def test_age_range_must_not_be_reversed(entry):
    entry["age_min"], entry["age_max"] = 11, 5
    assert "must not be below" in problems(entry)["age_max"][0]


def test_key_stages_must_fit_the_ages(entry):
    entry["age_min"], entry["age_max"] = 5, 7
    ProductEntrySchema().load(entry)  # ks2 starts at 7, so it overlaps
    entry["age_max"] = 6
    assert "ks2 covers ages 7–11" in problems(entry)["key_stages"][0]


def test_key_stages_must_belong_to_a_listed_phase(entry):
    entry["key_stages"] = ["ks2", "ks3"]
    entry["age_max"] = 14
    errors = problems(entry)
    assert any("ks3 is not taught" in message for message in errors["key_stages"])


def test_each_phase_needs_one_of_its_key_stages(entry):
    entry["phases"] = ["primary", "secondary"]
    errors = problems(entry)
    assert "secondary needs at least one" in errors["phases"][0]


def test_special_schools_can_serve_any_key_stage(entry):
    entry.update(phases=["special"], key_stages=["eyfs", "ks4"], age_min=3, age_max=19)
    ProductEntrySchema().load(entry)


def test_pupil_facing_tools_must_list_pupils(entry):
    entry["pupil_interaction"] = "direct"
    assert "intended_users" in problems(entry)
    entry["intended_users"] = ["teachers", "pupils"]
    ProductEntrySchema().load(entry)
    entry["pupil_interaction"] = "none"
    assert "pupil_interaction" in problems(entry)


def test_all_errors_come_at_once(entry):
    entry.update(name="", pricing="free-ish", age_min=12, age_max=3, website="nope", pupil_interaction="direct")
    errors = problems(entry)
    assert {"name", "pricing", "age_max", "website", "intended_users"} <= set(errors)


def test_unknown_fields_are_named(entry):
    entry["colour"] = "blue"
    assert problems(entry)["colour"] == ["Unknown field."]


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({"Bad Key!": True}, "answers.Bad Key!"),
        ({"dp_dpia": {"nested": "object"}}, "answers.dp_dpia"),
        ({"dp_retention": "x" * 5001}, "answers.dp_retention"),
        ({"dp_retention": "30\x00days"}, "answers.dp_retention"),
        ({"dp_personal_data": ["names"] * 51}, "answers.dp_personal_data"),
        ({"dp_personal_data": [1, 2]}, "answers.dp_personal_data"),
    ],
)
def test_answers_have_a_safe_shape(entry, answers, key):
    entry["answers"] = answers
    assert key in problems(entry)


def test_too_many_answers_are_refused(entry):
    entry["answers"] = {f"q{n}": True for n in range(201)}
    assert "answers" in problems(entry)


def test_flatten_errors_names_nested_fields():
    assert flatten_errors({"json": {"phases": {1: ["Bad."]}, "_schema": ["Whole."]}}) == {
        "json.phases.1": ["Bad."],
        "json._body": ["Whole."],
    }
