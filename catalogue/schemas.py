"""marshmallow schemas: the one definition of every payload that crosses the boundary.

The API, the seed loader, bulk imports and the web forms all validate through
``ProductEntrySchema``, so a rule is written once. Validation collects *every*
problem in one pass; each error is keyed by the field it concerns.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import has_app_context
from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from catalogue import vocab

# Control characters other than tab, newline and carriage return have no place
# in an entry's text and break CSV exports and terminals (e.g. NUL bytes).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
AGE_MESSAGES = {"required": "This is required: give an age in years.", "invalid": "Give a whole number of years."}
ANSWER_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_ANSWERS = 200


# Said to the person filling in a form as much as to an API client.
REQUIRED_MESSAGE = {"required": "This is required: fill it in."}


class Text(fields.String):
    """A string trimmed of surrounding whitespace, refusing control characters."""

    default_error_messages = {
        "control": "Remove control characters such as null bytes from this text.",
        "blank": "This field cannot be blank.",
    }

    def __init__(self, *, max_length: int, min_length: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", REQUIRED_MESSAGE)
        length_error = (f"Write at most {max_length} characters." if min_length == 0
                        else f"Write between {min_length} and {max_length} characters.")
        super().__init__(validate=validate.Length(min=min_length, max=max_length, error=length_error), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL_CHARS.search(text):
            raise self.make_error("control")
        return text


class WebAddress(Text):
    """An absolute http(s) URL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=300, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            raise ValidationError("Enter a full web address starting with https://, e.g. https://example.com/product.")
        return text


def choice(vocabulary: vocab.Vocabulary, **kwargs: Any) -> fields.String:
    kwargs.setdefault("error_messages", {"required": "This is required: choose one."})
    return fields.String(
        validate=validate.OneOf(
            vocabulary.values, error="Choose one of: {choices}."
        ),
        metadata={"description": f"One of the `{vocabulary.name}` vocabulary."},
        **kwargs,
    )


def subset(vocabulary: vocab.Vocabulary, **kwargs: Any) -> fields.List:
    kwargs.setdefault("error_messages", {"required": "This is required: choose at least one."})
    return fields.List(
        choice(vocabulary),
        validate=[
            validate.Length(min=1, error="Choose at least one value."),
            _no_duplicates,
        ],
        **kwargs,
    )


def _no_duplicates(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("List each value only once.")


class Answers(fields.Dict):
    """Answers to evaluator questions, keyed by question id.

    Their shape is always checked; inside a running register each answer is
    also checked against its question's type and options (``catalogue.questionnaire``).
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        # Keys are checked here rather than by a String field per key: an entry
        # has dozens of answers, and a bulk import validates 100,000 entries.
        answers = super()._deserialize(value, attr, data, **kwargs)
        if len(answers) > MAX_ANSWERS:
            raise ValidationError(f"Give at most {MAX_ANSWERS} answers.")
        problems: dict[str, list[str]] = {}
        for key, answer in answers.items():
            if not isinstance(key, str) or not ANSWER_KEY.match(key):
                problems[key] = ["Question ids are lower-case letters, digits and underscores, e.g. dp_dpia."]
            elif (problem := _answer_problem(answer)) is not None:
                problems[key] = [problem]
        if not problems and has_app_context():
            # Inside the register, answers must also fit the installed evaluators' questions.
            from catalogue import questionnaire, registry

            problems = questionnaire.answer_problems(answers, registry.current())
        if problems:
            raise ValidationError(problems)
        return answers


def _answer_problem(answer: Any) -> str | None:
    if answer is None or isinstance(answer, (bool, int, float)):
        return None
    if isinstance(answer, str):
        if len(answer) > 5000:
            return "Keep a text answer to 5000 characters or fewer."
        if _CONTROL_CHARS.search(answer):
            return "Remove control characters such as null bytes from this answer."
        return None
    if isinstance(answer, list):
        if len(answer) > 50 or not all(isinstance(item, str) and len(item) <= 200 for item in answer):
            return "A list answer holds at most 50 short option strings."
        return None
    return "An answer is true/false, a number, a string or a list of option strings."


class ProductEntrySchema(Schema):
    """A product entry as a supplier submits it (DESIGN §3)."""

    name = Text(required=True, max_length=120, metadata={"description": "The product's name."})
    supplier = Text(
        load_default=None,
        max_length=120,
        metadata={"description": "The supplier organisation. Defaults to the submitting user's organisation."},
    )
    website = WebAddress(required=True)
    summary = Text(required=True, max_length=280, metadata={"description": "One or two sentences, at most 280 characters."})
    description = Text(required=True, max_length=10_000, metadata={"description": "What the product is and does."})
    ai_features = Text(
        required=True, max_length=5_000, metadata={"description": "What the AI does and for whom; judged for classification."}
    )
    ai_models = fields.List(
        Text(max_length=120),
        load_default=list,
        validate=[validate.Length(max=20), _no_duplicates],
        metadata={"description": 'The AI models used, e.g. "GPT-4o via Azure OpenAI".'},
    )
    intended_users = subset(vocab.INTENDED_USERS, required=True)
    pupil_interaction = choice(vocab.PUPIL_INTERACTION, required=True)
    phases = subset(vocab.PHASES, required=True)
    key_stages = subset(vocab.KEY_STAGES, required=True)
    age_min = fields.Integer(required=True, strict=True, validate=validate.Range(*vocab.AGE_LIMITS), error_messages=AGE_MESSAGES)
    age_max = fields.Integer(required=True, strict=True, validate=validate.Range(*vocab.AGE_LIMITS), error_messages=AGE_MESSAGES)
    subjects = fields.List(Text(max_length=80), load_default=list, validate=[validate.Length(max=40), _no_duplicates])
    pricing = choice(vocab.PRICING, required=True)
    answers = Answers(load_default=dict, metadata={"description": "Answers to evaluator questions, keyed by question id."})

    @validates_schema(skip_on_field_errors=False)
    def _check_consistency(self, data: dict[str, Any], **kwargs: Any) -> None:
        # Called with the fields that passed their own checks; cross-field rules
        # only judge values that are individually valid.
        errors: dict[str, list[str]] = {}
        age_min, age_max = data.get("age_min"), data.get("age_max")
        ages_valid = age_min is not None and age_max is not None
        if ages_valid and age_min > age_max:
            errors.setdefault("age_max", []).append(f"age_max ({age_max}) must not be below age_min ({age_min}).")
            ages_valid = False

        key_stages = data.get("key_stages") or []
        if ages_valid:
            for stage in key_stages:
                low, high = vocab.KEY_STAGE_AGES[stage]
                if high < age_min or low > age_max:
                    errors.setdefault("key_stages", []).append(
                        f"{stage} covers ages {low}–{high}, outside the age range {age_min}–{age_max}: "
                        "remove it or widen the ages."
                    )

        phases = data.get("phases") or []
        if phases and key_stages:
            allowed = frozenset().union(*(vocab.PHASE_KEY_STAGES[p] for p in phases))
            for stage in key_stages:
                if stage not in allowed:
                    errors.setdefault("key_stages", []).append(
                        f"{stage} is not taught in the phases listed ({', '.join(phases)}): add its phase or remove it."
                    )
            for phase in phases:
                if phase in ("special", "alternative_provision"):
                    continue
                if not vocab.PHASE_KEY_STAGES[phase] & set(key_stages):
                    expected = ", ".join(sorted(vocab.PHASE_KEY_STAGES[phase]))
                    errors.setdefault("phases", []).append(
                        f"{phase} needs at least one of its key stages ({expected}) in key_stages."
                    )

        users = data.get("intended_users")
        interaction = data.get("pupil_interaction")
        if users is not None and interaction is not None:
            if interaction != "none" and "pupils" not in users:
                errors.setdefault("intended_users", []).append(
                    f'pupil_interaction is "{interaction}", so add "pupils" to intended_users.'
                )
            if interaction == "none" and "pupils" in users:
                errors.setdefault("pupil_interaction", []).append(
                    'intended_users includes pupils: say how they use the AI ("supervised" or "direct").'
                )
        if errors:
            raise ValidationError(errors)


class ProductPatchSchema(ProductEntrySchema):
    """A partial product entry: only the fields that change (use with ``partial=True``).

    The merged entry is then validated whole with ``ProductEntrySchema``.
    """


ENTRY_FIELDS: tuple[str, ...] = tuple(ProductEntrySchema().fields)


# --- Responses -------------------------------------------------------------


class SignalSchema(Schema):
    kind = fields.String(metadata={"description": "workflow, teaching_learning, or conflict (evidence that disagrees)."})
    reason = fields.String(metadata={"description": "The signal in plain words."})
    field = fields.String(metadata={"description": "The entry field the evidence came from."})
    evidence = fields.String(metadata={"description": "The words or value that triggered the signal."})
    weight = fields.Float()
    use_case = fields.String(allow_none=True)


class ClassificationSchema(Schema):
    category = fields.String(metadata={"description": "workflow, teaching_learning or both."})
    use_cases = fields.List(fields.String())
    confidence = fields.Float(metadata={"description": "0–1; below 0.6 the classification is flagged for review."})
    signals = fields.List(fields.Nested(SignalSchema))
    source = fields.String(metadata={"description": "auto, or reviewer (an override with a reason)."})
    reason = fields.String()
    needs_review = fields.Boolean()
    explanation = fields.String(metadata={"description": "The category and its main reasons, in one sentence."})


class CriterionResultSchema(Schema):
    id = fields.String()
    title = fields.String()
    outcome = fields.String(metadata={"description": "met, partial, not_met, unknown (missing evidence) or not_applicable."})
    weight = fields.Float()
    explanation = fields.String()
    evidence = fields.List(fields.String())
    assurance = fields.String(metadata={"description": "declared (supplier's word) or verified (checked by an evaluator)."})
    source = fields.String()
    criteria_set = fields.String()
    red_line = fields.Boolean()
    questions = fields.List(fields.String())


class EvaluationSchema(Schema):
    evaluator = fields.String(attribute="evaluator_id", metadata={"description": "The evaluator's id."})
    name = fields.String()
    version = fields.String(attribute="evaluator_version", metadata={"description": "The evaluator version that judged."})
    status = fields.String(metadata={"description": "complete, or failed (see error)."})
    stale = fields.Boolean(metadata={"description": "Made by an evaluator version no longer installed."})
    score = fields.Integer(allow_none=True, metadata={"description": "0–100; null when failed."})
    band = fields.String(allow_none=True)
    red_lines = fields.List(fields.String())
    missing_evidence = fields.Integer(metadata={"description": "Criteria the supplier gave no evidence for."})
    criteria = fields.List(fields.Nested(CriterionResultSchema))
    error = fields.String()


class OverallSchema(Schema):
    score = fields.Integer(allow_none=True)
    band = fields.String(allow_none=True, metadata={"description": "excellent, good, fair, poor, or red_line."})
    red_lines = fields.List(fields.String())
    method = fields.String(metadata={"description": "How the score was made, in one sentence."})


class VersionSummarySchema(Schema):
    number = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    review_note = fields.String()


class ProductSchema(Schema):
    """A product as the API returns it: the entry of one version plus its judgements."""

    slug = fields.String()
    status = fields.String(metadata={"description": "The product's status: " + ", ".join(vocab.STATUSES.values)})
    version = fields.Integer(metadata={"description": "The version number shown."})
    version_status = fields.String()
    published_version = fields.Integer(allow_none=True)
    latest_version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    url = fields.String(metadata={"description": "The product's page on the register."})
    name = fields.String()
    supplier = fields.String()
    website = fields.String()
    summary = fields.String()
    description = fields.String()
    ai_features = fields.String()
    ai_models = fields.List(fields.String())
    intended_users = fields.List(fields.String())
    pupil_interaction = fields.String()
    phases = fields.List(fields.String())
    key_stages = fields.List(fields.String())
    age_min = fields.Integer()
    age_max = fields.Integer()
    subjects = fields.List(fields.String())
    pricing = fields.String()
    answers = fields.Dict()
    classification = fields.Nested(ClassificationSchema, allow_none=True)
    evaluations = fields.List(fields.Nested(EvaluationSchema))
    overall = fields.Nested(OverallSchema, allow_none=True)
    versions = fields.List(fields.Nested(VersionSummarySchema))


class ErrorSchema(Schema):
    """Every API error: the status, a message saying what to do, and the fields at fault."""

    status = fields.Integer(required=True)
    error = fields.String(required=True, metadata={"description": "The HTTP status phrase."})
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Problems keyed by field name (dotted for nested fields, e.g. answers.dp_dpia)."},
    )


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error dicts as ``{"field.sub": [messages]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = key if key != "_schema" else "_body"
            path = f"{prefix}.{name}" if prefix else str(name)
            for sub_key, sub_messages in flatten_errors(value, path).items():
                flat.setdefault(sub_key, []).extend(sub_messages)
    elif isinstance(messages, list):
        strings = [str(m) for m in messages if not isinstance(m, (dict, list))]
        if strings:
            flat[prefix or "_body"] = strings
        for item in messages:
            if isinstance(item, (dict, list)):
                for sub_key, sub_messages in flatten_errors(item, prefix).items():
                    flat.setdefault(sub_key, []).extend(sub_messages)
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat


class QuestionSchema(Schema):
    id = fields.String()
    text = fields.String()
    type = fields.String(metadata={"description": "yes_no, choice, multi, text, url or number."})
    options = fields.List(fields.String())
    help = fields.String()
    minimum = fields.Float(allow_none=True)
    maximum = fields.Float(allow_none=True)


class CriterionSchema(Schema):
    id = fields.String()
    title = fields.String()
    why = fields.String(metadata={"description": "Why the criterion matters to a school."})
    weight = fields.Float()
    source = fields.String()
    criteria_set = fields.String()
    red_line = fields.Boolean()
    questions = fields.List(fields.String())


class EvaluatorSchema(Schema):
    id = fields.String()
    name = fields.String()
    version = fields.String()
    description = fields.String()
    criteria = fields.List(fields.Nested(CriterionSchema))
    questions = fields.List(fields.Nested(QuestionSchema))


class EvaluatorListSchema(Schema):
    items = fields.List(fields.Nested(EvaluatorSchema))


class ClassificationOverrideSchema(Schema):
    """A reviewer's decision on a product's category, with the reason trusts will read."""

    category = choice(vocab.CATEGORIES, required=True)
    reason = Text(required=True, min_length=10, max_length=2000, metadata={"description": "Why, in a sentence or two."})
    use_cases = fields.List(choice(vocab.USE_CASES), load_default=None, validate=_no_duplicates)


class FlaggedClassificationSchema(Schema):
    slug = fields.String()
    name = fields.String()
    version = fields.Integer()
    category = fields.String()
    confidence = fields.Float()
    explanation = fields.String()
    reason = fields.String()


class FlaggedListSchema(Schema):
    items = fields.List(fields.Nested(FlaggedClassificationSchema))


# --- Search ------------------------------------------------------------------


class SearchArgsSchema(Schema):
    """The register's search: shared by GET /api/v1/products and the register page.

    Facet parameters repeat for several values (``phase=primary&phase=secondary``
    finds either). ``min_score.<evaluator id>=N`` keeps products that evaluator
    scored at least N.
    """

    class Meta:
        # min_score.<evaluator id> parameters are named after installed evaluators.
        unknown = INCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "Words to find (name, supplier, summary, description, AI features)."})
    category = fields.List(choice(vocab.CATEGORIES))
    use_case = fields.List(choice(vocab.USE_CASES))
    phase = fields.List(choice(vocab.PHASES))
    key_stage = fields.List(choice(vocab.KEY_STAGES))
    intended_users = fields.List(choice(vocab.INTENDED_USERS))
    pupil_interaction = fields.List(choice(vocab.PUPIL_INTERACTION))
    pricing = fields.List(choice(vocab.PRICING))
    assurance = fields.List(choice(vocab.ASSURANCE_LEVELS))
    storage_region = fields.List(choice(vocab.STORAGE_REGIONS))
    red_lines = fields.List(choice(vocab.RED_LINE_STATES))
    min_overall = fields.Integer(validate=validate.Range(0, 100), metadata={"description": "Lowest overall score, 0–100."})
    sort = fields.String(metadata={"description": "relevance, overall, score.<evaluator id>, name or updated."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))
    profile = fields.String(validate=validate.Length(max=40), metadata={"description": "A saved trust profile's link token: apply its requirements."})
    show_failing = fields.Boolean(load_default=False, metadata={"description": "With a profile: list products that fail a requirement too, with reasons."})

    @validates_schema(skip_on_field_errors=False)
    def _check_dynamic(self, data: dict[str, Any], **kwargs: Any) -> None:
        from catalogue import registry, search

        installed = registry.current().evaluators
        errors: dict[str, list[str]] = {}
        for key, value in data.items():
            if not key.startswith("min_score."):
                continue
            evaluator = key.removeprefix("min_score.")
            if evaluator not in installed:
                errors[key] = [f"No installed evaluator is called {evaluator!r}; choose from {', '.join(installed)}."]
            elif not str(value).isdigit() or not 0 <= int(value) <= 100:
                errors[key] = ["Give a whole number from 0 to 100."]
        if data.get("sort") and data["sort"] not in search.current().sorts():
            errors["sort"] = [f"Choose one of: {', '.join(search.current().sorts())}."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _collect_min_scores(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        known = set(self.fields)
        data["min_scores"] = {key.removeprefix("min_score."): int(value) for key, value in data.items() if key.startswith("min_score.")}
        return {key: value for key, value in data.items() if key in known or key == "min_scores"}


class FacetValueSchema(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()
    selected = fields.Boolean()


class FindingSchema(Schema):
    requirement = fields.String()
    met = fields.Boolean()
    reason = fields.String()


class ProductCardSchema(Schema):
    """A product as listed in search results."""

    slug = fields.String()
    url = fields.String()
    name = fields.String()
    supplier = fields.String()
    summary = fields.String()
    version = fields.Integer()
    updated_at = fields.String()
    category = fields.List(fields.String())
    use_case = fields.List(fields.String())
    phase = fields.List(fields.String())
    key_stage = fields.List(fields.String())
    intended_users = fields.List(fields.String())
    pupil_interaction = fields.List(fields.String())
    pricing = fields.List(fields.String())
    assurance = fields.List(fields.String())
    storage_region = fields.List(fields.String())
    red_lines = fields.List(fields.String())
    age_min = fields.Integer()
    age_max = fields.Integer()
    overall = fields.Nested(OverallSchema)
    evaluations = fields.Dict(keys=fields.String(), values=fields.Dict())
    dpia = fields.List(fields.String())
    training = fields.List(fields.String())
    requirements = fields.List(fields.Nested(FindingSchema), metadata={"description": "With a profile: each requirement, met or failed, and why."})


class SearchResultsSchema(Schema):
    items = fields.List(fields.Nested(ProductCardSchema))
    profile = fields.Dict(allow_none=True, metadata={"description": "The trust profile applied, if any."})
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    sort = fields.String()
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))


class TrustProfileSchema(Schema):
    """A trust's context and requirements (DESIGN §3 Trust profile); also the JSON export format."""

    name = Text(required=True, max_length=120, metadata={"description": "e.g. Oakfield MAT primary schools."})
    phases = fields.List(choice(vocab.PHASES), load_default=list, validate=_no_duplicates,
                         metadata={"description": "Phases the trust serves; a product must serve at least one."})
    age_min = fields.Integer(load_default=None, strict=True, validate=validate.Range(*vocab.AGE_LIMITS))
    age_max = fields.Integer(load_default=None, strict=True, validate=validate.Range(*vocab.AGE_LIMITS))
    users = fields.List(choice(vocab.INTENDED_USERS), load_default=list, validate=_no_duplicates,
                        metadata={"description": "Who will use the tool; the product must be intended for all of them."})
    pupil_interaction = fields.List(choice(vocab.PUPIL_INTERACTION), load_default=list, validate=_no_duplicates,
                                    metadata={"description": "How pupils may use the AI; empty allows any."})
    min_overall = fields.Integer(load_default=None, strict=True, validate=validate.Range(0, 100))
    min_scores = fields.Dict(keys=fields.String(validate=validate.Regexp(ANSWER_KEY)),
                             values=fields.Integer(strict=True, validate=validate.Range(0, 100)), load_default=dict,
                             metadata={"description": "Minimum score per evaluator id."})
    requirements = fields.List(choice(vocab.PROFILE_REQUIREMENTS), load_default=list, validate=_no_duplicates)

    @validates_schema(skip_on_field_errors=False)
    def _check_ages(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            raise ValidationError({"age_max": ["The oldest age must not be below the youngest."]})


class SavedProfileSchema(TrustProfileSchema):
    token = fields.String(dump_only=True, metadata={"description": "The profile's link token."})
    url = fields.String(dump_only=True, metadata={"description": "The profile's page, to share."})
    apply_url = fields.String(dump_only=True, metadata={"description": "The register with the profile applied."})
    json_url = fields.String(dump_only=True)


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("publish", "reject"), error="Choose publish or reject."))
    reason = Text(load_default="", min_length=0, max_length=2000, metadata={"description": "Required to reject: the supplier sees it."})


class WithdrawalSchema(Schema):
    reason = Text(required=True, max_length=2000, metadata={"description": "Why the product leaves the register."})


class QueueItemSchema(Schema):
    slug = fields.String()
    name = fields.String()
    supplier = fields.String()
    version = fields.Integer()
    submitted_at = fields.DateTime()
    published_version = fields.Integer(allow_none=True)
    new_red_lines = fields.List(fields.String())
    classification_confidence = fields.Float(allow_none=True)
    classification_flagged = fields.Boolean()


class QueueSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))


class TokenSchema(Schema):
    id = fields.Integer()
    prefix = fields.String(metadata={"description": "The token's first characters, to tell tokens apart."})
    label = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


class TokenRequestSchema(Schema):
    label = Text(load_default="", min_length=0, max_length=120, metadata={"description": "A note to tell tokens apart."})


class NewTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "The token itself. Shown only now: keep it secret."})


# --- Trust assurance ------------------------------------------------------------


class AuthorisationRequestSchema(Schema):
    product = fields.String(required=True, validate=validate.Length(min=1, max=140), metadata={"description": "The product's slug."})
    purposes = fields.List(Text(max_length=120), required=True, validate=[validate.Length(min=1, max=20), _no_duplicates],
                           metadata={"description": "Purposes, from the purposes vocabulary or the trust's own words."})
    users = fields.List(Text(max_length=120), required=True, validate=[validate.Length(min=1, max=20), _no_duplicates],
                        metadata={"description": "Who may use it, e.g. staff, pupils, Year 10."})
    dpia_status = choice(vocab.DPIA_PROGRESS, load_default="not_started")
    notes = Text(load_default="", min_length=0, max_length=2000)


class AuthorisationSchema(Schema):
    id = fields.Integer()
    product = fields.String()
    name = fields.String()
    supplier = fields.String()
    purposes = fields.List(fields.String())
    users = fields.List(fields.String())
    dpia_status = fields.String()
    notes = fields.String()
    version = fields.Integer(attribute="version_number")
    seen = fields.Dict()
    authorised_at = fields.DateTime()
    open_alerts = fields.Integer()


class AuthorisationListSchema(Schema):
    items = fields.List(fields.Nested(AuthorisationSchema))


class ChangeSchema(Schema):
    kind = fields.String(metadata={"description": "ai_features, score or red_line."})
    label = fields.String()
    before = fields.Raw()
    after = fields.Raw()


class AlertSchema(Schema):
    id = fields.Integer()
    product = fields.String()
    name = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    changes = fields.List(fields.Nested(ChangeSchema))
    created_at = fields.DateTime()


class AlertListSchema(Schema):
    items = fields.List(fields.Nested(AlertSchema))


class VerificationRequestSchema(Schema):
    evaluator = fields.String(required=True, validate=validate.Regexp(ANSWER_KEY))
    criterion = fields.String(required=True, validate=validate.Length(min=1, max=40))
    note = Text(required=True, max_length=2000, metadata={"description": "What was checked, and how."})
    evidence_url = WebAddress(required=True)
    version = fields.Integer(load_default=None, metadata={"description": "Defaults to the published version."})


class CompareArgsSchema(Schema):
    product = fields.List(fields.String(validate=validate.Length(min=1, max=140)), required=True,
                          validate=validate.Length(min=2, max=4, error="Compare between 2 and 4 products."))


class UserRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = choice(vocab.ROLES, required=True)
    organisation = Text(load_default=None, max_length=120, metadata={"description": "Needed for supplier, association and trust accounts."})
    password = fields.String(load_default=None, load_only=True, validate=validate.Length(min=12, max=200),
                             metadata={"description": "For signing in to the pages; leave out for an API-only account."})


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    organisation = fields.String(allow_none=True)
    created_at = fields.DateTime()
