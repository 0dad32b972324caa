"""Controlled vocabularies: the one place that defines every enumerated value.

Validation (schemas), forms, facets, the OpenAPI document and the docs all read
these tuples, so a value added or retired here is added or retired everywhere.
Each term has a stable machine ``value`` (used in the API and the database) and a
human ``label`` (used on pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(term.value for term in self.terms)

    def label(self, value: str) -> str:
        for term in self.terms:
            if term.value == value:
                return term.label
        return value

    def __contains__(self, value: object) -> bool:
        return value in self.values


INTENDED_USERS = Vocabulary(
    "intended_users",
    (
        Term("teachers", "Teachers"),
        Term("pupils", "Pupils"),
        Term("leaders", "School leaders"),
        Term("admin_staff", "Administrative staff"),
        Term("parents", "Parents and carers"),
        Term("send_specialists", "SEND specialists"),
    ),
)

PUPIL_INTERACTION = Vocabulary(
    "pupil_interaction",
    (
        Term("none", "None", "Pupils never use the AI."),
        Term("supervised", "Supervised", "Pupils use the AI with an adult present."),
        Term("direct", "Direct", "Pupils use the AI on their own."),
    ),
)

PHASES = Vocabulary(
    "phases",
    (
        Term("early_years", "Early years"),
        Term("primary", "Primary"),
        Term("secondary", "Secondary"),
        Term("sixth_form", "Sixth form"),
        Term("special", "Special school"),
        Term("alternative_provision", "Alternative provision"),
    ),
)

KEY_STAGES = Vocabulary(
    "key_stages",
    (
        Term("eyfs", "EYFS (ages 0–5)"),
        Term("ks1", "Key stage 1 (ages 5–7)"),
        Term("ks2", "Key stage 2 (ages 7–11)"),
        Term("ks3", "Key stage 3 (ages 11–14)"),
        Term("ks4", "Key stage 4 (ages 14–16)"),
        Term("ks5", "Key stage 5 (ages 16–19)"),
    ),
)

PRICING = Vocabulary(
    "pricing",
    (
        Term("free", "Free"),
        Term("freemium", "Freemium"),
        Term("subscription", "Subscription"),
        Term("per_pupil", "Per pupil"),
        Term("quote", "On quotation"),
    ),
)

CATEGORIES = Vocabulary(
    "category",
    (
        Term("workflow", "Workflow", "The AI serves staff: planning, marking, reports, admin."),
        Term("teaching_learning", "Teaching & learning", "Pupils use the AI, or its output reaches them directly."),
        Term("both", "Workflow and teaching & learning", "Both kinds of AI feature are substantial."),
    ),
)

# Use cases carry the category they count towards, so the classifier and the
# facets agree on which side of the workflow / teaching & learning line each sits.
WORKFLOW_USE_CASES = (
    Term("lesson_planning", "Lesson planning"),
    Term("resource_creation", "Resource creation"),
    Term("marking_feedback", "Marking & feedback (for teachers)"),
    Term("report_writing", "Report writing"),
    Term("admin_communication", "Admin & communication"),
    Term("data_insight", "Data & insight"),
    Term("send_administration", "SEND administration"),
    Term("leadership", "Leadership & governance"),
)
TEACHING_LEARNING_USE_CASES = (
    Term("tutoring", "Tutoring"),
    Term("adaptive_practice", "Adaptive practice"),
    Term("feedback_to_pupils", "Feedback to pupils"),
    Term("assessment_of_pupils", "Assessment of pupils"),
    Term("reading_writing_support", "Reading & writing support"),
    Term("language_learning", "Language learning & EAL"),
    Term("accessibility_send", "Accessibility & SEND support"),
    Term("creativity", "Creative tools"),
    Term("ai_literacy", "AI literacy"),
    Term("live_classroom", "Live classroom interaction"),
)
USE_CASES = Vocabulary("use_cases", WORKFLOW_USE_CASES + TEACHING_LEARNING_USE_CASES)

OUTCOMES = Vocabulary(
    "outcome",
    (
        Term("met", "Met"),
        Term("partial", "Partly met"),
        Term("not_met", "Not met"),
        Term("unknown", "Missing evidence", "The supplier gave no answer or evidence; this counts against the score."),
        Term("not_applicable", "Not applicable"),
    ),
)

BANDS = Vocabulary(
    "band",
    (
        Term("excellent", "Excellent", "85 or more"),
        Term("good", "Good", "70 to 84"),
        Term("fair", "Fair", "50 to 69"),
        Term("poor", "Poor", "below 50"),
        Term("red_line", "Red line crossed", "A criterion serious enough to stop a trust is not met."),
    ),
)

ASSURANCE_LEVELS = Vocabulary(
    "assurance",
    (
        Term("declared", "Declared", "Based on the supplier's own answers."),
        Term("verified", "Verified", "An evaluator checked the evidence for every red-line and high-weight criterion."),
    ),
)

STORAGE_REGIONS = Vocabulary(
    "storage_region",
    (
        Term("uk", "UK"),
        Term("eea", "EEA"),
        Term("us", "United States"),
        Term("other", "Elsewhere"),
        Term("unknown", "Not stated"),
    ),
)

RED_LINE_STATES = Vocabulary(
    "red_lines",
    (
        Term("none", "No red lines"),
        Term("any", "Crosses a red line"),
    ),
)

# What a supplier says about its DPIA and about training AI on pupils' data,
# as filters for trust profiles (from the dp_dpia and dp_trains_on_pupil_data answers).
DPIA_STATES = Vocabulary(
    "dpia",
    (Term("current", "Current DPIA"), Term("outdated", "Outdated DPIA"), Term("none", "No DPIA"), Term("unknown", "Not stated")),
)
TRAINING_STATES = Vocabulary(
    "training",
    (
        Term("never", "Never trains on pupils' data"),
        Term("opt_in_only", "Trains only if the school opts in"),
        Term("yes_by_default", "Trains on pupils' data by default"),
        Term("unknown", "Not stated"),
    ),
)

PROFILE_REQUIREMENTS = Vocabulary(
    "requirements",
    (
        Term("no_red_lines", "No red lines", "The product crosses none of the evaluators' red lines."),
        Term("data_in_uk_eea", "Data stored in the UK or EEA", "The supplier says personal data is stored in the UK or the EEA."),
        Term("never_trains_on_pupil_data", "Never trains AI on pupils' data", "The supplier says pupils' data is never used to train models."),
        Term("dpia_available", "Current DPIA available", "The supplier provides a current DPIA covering the AI features."),
    ),
)

# Purposes a trust's AI policy authorises a tool for (its own can be added as text).
AUTHORISED_PURPOSES = Vocabulary(
    "purposes",
    (
        Term("lesson_planning", "Lesson planning"),
        Term("research", "Research"),
        Term("summaries", "Summaries"),
        Term("idea_generation", "Idea generation"),
        Term("drafting_guidance", "Drafting guidance"),
        Term("resource_creation", "Creating resources"),
        Term("feedback", "Feedback on work"),
        Term("administration", "Administration"),
        Term("pupil_learning", "Pupils' own learning"),
    ),
)

DPIA_PROGRESS = Vocabulary(
    "dpia_status",
    (Term("not_started", "Not started"), Term("in_progress", "In progress"), Term("completed", "Completed")),
)

STATUSES = Vocabulary(
    "status",
    (
        Term("draft", "Draft"),
        Term("submitted", "Submitted for review"),
        Term("published", "Published"),
        Term("rejected", "Rejected"),
        Term("superseded", "Superseded", "A newer version was published before this one was reviewed."),
        Term("withdrawn", "Withdrawn"),
    ),
)

ROLES = Vocabulary(
    "role",
    (
        Term("supplier", "Supplier", "Keeps its own organisation's product entries current."),
        Term("association", "Supplier association", "Submits entries for its member suppliers."),
        Term("evaluator", "Evaluator", "Runs evaluations and verifies evidence."),
        Term("reviewer", "Reviewer", "Moderates submissions and overrides classifications."),
        Term("trust", "Trust", "Filters the register and keeps its authorised-tools list."),
        Term("admin", "Administrator", "Manages users, roles and tokens."),
    ),
)

ORGANISATION_KINDS = Vocabulary(
    "organisation_kind",
    (
        Term("supplier", "Supplier"),
        Term("association", "Supplier association"),
        Term("trust", "Trust or school"),
        Term("evaluator", "Evaluation body"),
    ),
)

# The ages each key stage spans (inclusive), used to check that an entry's key
# stages and age range agree. Ages follow the school year a pupil starts in.
KEY_STAGE_AGES: dict[str, tuple[int, int]] = {
    "eyfs": (0, 5),
    "ks1": (5, 7),
    "ks2": (7, 11),
    "ks3": (11, 14),
    "ks4": (14, 16),
    "ks5": (16, 19),
}

# Which key stages each phase teaches. Special schools and alternative
# provision can serve any key stage, so they constrain nothing.
PHASE_KEY_STAGES: dict[str, frozenset[str]] = {
    "early_years": frozenset({"eyfs"}),
    "primary": frozenset({"eyfs", "ks1", "ks2"}),
    "secondary": frozenset({"ks3", "ks4", "ks5"}),
    "sixth_form": frozenset({"ks5"}),
    "special": frozenset(KEY_STAGE_AGES),
    "alternative_provision": frozenset(KEY_STAGE_AGES),
}

# Youngest and oldest ages an entry may claim: EYFS starts at birth and
# education, health and care plans can run to 25.
AGE_LIMITS = (0, 25)

ALL = (
    INTENDED_USERS,
    PUPIL_INTERACTION,
    PHASES,
    KEY_STAGES,
    PRICING,
    CATEGORIES,
    USE_CASES,
    OUTCOMES,
    BANDS,
    ASSURANCE_LEVELS,
    STORAGE_REGIONS,
    RED_LINE_STATES,
    DPIA_STATES,
    TRAINING_STATES,
    PROFILE_REQUIREMENTS,
    AUTHORISED_PURPOSES,
    DPIA_PROGRESS,
    STATUSES,
    ROLES,
    ORGANISATION_KINDS,
)
