"""Age suitability: is this product designed for, and allowed for, the ages that use it?

Criteria AS1–AS14 follow the ICO's Age Appropriate Design Code (the
Children's Code, 15 standards), the UK age of digital consent (UK GDPR Art. 8,
with the Children's Wellbeing and Schools Act 2026 s72 allowing it to rise
from 13 up to 16), the minimum ages in AI providers' terms, and the EU AI
Act's list of high-risk uses in education.

The AI providers' minimum ages are data, not code: ``provider_ages.json``
beside this module, keyed by the ``age_ai_provider`` options. Each entry has
``name``, ``minimum_age`` (``null`` when the provider sets none for end users),
``education_use_below_minimum`` (whether its terms let younger pupils use a
product under an education arrangement, which the register accepts only when
pupils use the product under the school's contract), ``note``, ``source`` and
``checked``. Update it when the terms change, and bump ``version``.

Weights (1–5; the red line and inappropriate content for the youngest weigh most):

| id   | criterion                                   | weight | red line |
|------|---------------------------------------------|--------|----------|
| AS1  | Ages, phases and users consistent           | 2      |          |
| AS2  | Users old enough for the AI's terms         | 5      | yes      |
| AS3  | Parental consent for under-13s              | 4      |          |
| AS4  | Age assurance proportionate to risk         | 3      |          |
| AS5  | High privacy by default                     | 3      |          |
| AS6  | Geolocation off by default                  | 2      |          |
| AS7  | Profiling off by default                    | 3      |          |
| AS8  | No nudges to give up privacy                | 3      |          |
| AS9  | Explanations children understand            | 2      |          |
| AS10 | Children told when monitored                | 2      |          |
| AS11 | Children can report concerns                | 3      |          |
| AS12 | Children's best interests first             | 3      |          |
| AS13 | Content thresholds by key stage             | 4      |          |
| AS14 | EU AI Act high-risk uses flagged            | 3      |          |

Red line: AS2 when pupils below the minimum age in the product's or its AI
provider's terms are expected to use it on their own, without an education
arrangement that covers them (with an adult present it is ``partial``).

The Children's Code applies to services children use, so its design checks
(AS3–AS6, AS8–AS13) are ``not_applicable`` to staff-only tools. AS7
(profiling) and AS14 (high-risk uses) apply to every product, because staff
tools profile and assess pupils too; AS1 uses only the entry, so it is never
``unknown``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from catalogue import vocab
from catalogue.contract import Criterion, CriterionResult, Evaluator, ProductSnapshot, Question
from catalogue.hookspecs import hookimpl
from plugins._answers import (
    Answers,
    Check,
    Finding,
    age,
    join,
    met,
    not_applicable,
    not_met,
    partial,
    run_checks,
    staff_only,
    unknown,
    yes_no_check,
)

CODE = "ico-childrens-code@2020-09"
PROVIDER_TERMS = "provider-terms@2026-11"
CONSENT = "uk-gdpr-art8-cwsa@2026"
ENTRY = "entry-consistency@2026-11"
DFE = "dfe-genai-standards@2026-01-19"
EU_AI_ACT = "eu-ai-act@2024-07-12"

# The UK age of digital consent. The Children's Wellbeing and Schools Act 2026 s72 lets it be set
# between 13 and 16: change it here (and bump the version) if the regulations raise it.
DIGITAL_CONSENT_AGE = 13
# Key stages where content rules must be strictest (the DfE standards single out younger pupils).
YOUNGER_KEY_STAGES = frozenset({"eyfs", "ks1", "ks2"})
# Phases whose pupils may be of any age (EHC plans run to 25), so ages past KS5 are not a gap.
ANY_AGE_PHASES = frozenset({"special", "alternative_provision"})
HIGH_RISK_LABELS = {
    "admissions": "admissions",
    "grading_learning_outcomes": "evaluating learning outcomes",
    "assessing_level": "assessing the level of education a pupil should receive",
    "proctoring": "monitoring pupils during tests (proctoring)",
}


@dataclass(frozen=True)
class ProviderTerms:
    """One AI provider's age rules, as kept in ``provider_ages.json``."""

    name: str
    minimum_age: int | None
    education_use_below_minimum: bool
    note: str
    source: str
    checked: str


PROVIDER_AGES_PATH = Path(__file__).with_name("provider_ages.json")


def load_providers(path: Path = PROVIDER_AGES_PATH) -> dict[str, ProviderTerms]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {key: ProviderTerms(**value) for key, value in raw.items()}


PROVIDERS = load_providers()

QUESTIONS: tuple[Question, ...] = (
    Question(
        "age_ai_provider",
        "Whose AI models does the product use?",
        "choice",
        (
            "openai_api",
            "openai_chatgpt_consumer",
            "azure_openai",
            "microsoft_365_copilot_education",
            "google_gemini_education",
            "google_gemini_consumer",
            "anthropic_api",
            "open_weights_self_hosted",
            "own_model",
            "none",
        ),
        help="Choose the provider whose models pupils' prompts reach. If you use several, choose the one whose "
        "terms set the highest minimum age. The register checks its minimum age against your youngest users.",
    ),
    Question(
        "age_terms_min_age",
        "Minimum age in the product's own terms of use.",
        "number",
        help="The youngest age your terms of use allow, in years (0 if your terms set no minimum).",
        minimum=0,
        maximum=25,
    ),
    Question(
        "age_consent_basis",
        "On what basis do pupils use the product?",
        "choice",
        ("school_contract", "parental_consent_verified", "parental_consent_unverified", "child_consent"),
        help="school_contract: pupils use it under the school's contract with you, as part of the school's work. "
        "parental_consent_verified: a parent consents and you check it is the parent. "
        "parental_consent_unverified: a parent is asked to consent, unchecked. child_consent: the pupil "
        "accepts your terms.",
    ),
    Question(
        "age_assurance",
        "How do you know the ages of the pupils using the product?",
        "choice",
        ("none", "self_declaration", "school_provisioned_accounts", "verified"),
        help="school_provisioned_accounts: the school creates accounts with each pupil's year group. verified: an "
        "age check by a trusted method. self_declaration: users type their age. none: no age check.",
    ),
    Question(
        "age_high_privacy_default",
        "Are children's settings high-privacy by default?",
        "yes_no",
        help="Yes if sharing, visibility and data collection settings start at their most private for children's accounts.",
    ),
    Question(
        "age_geolocation_off",
        "Is geolocation off by default, and clearly signalled when on?",
        "yes_no",
        help="Yes if the product does not track location unless switched on, shows an obvious sign while it is "
        "on, and switches it off after each session (or never uses location).",
    ),
    Question(
        "age_profiling_off",
        "Is profiling of children off by default?",
        "yes_no",
        help="Yes if the product does not build profiles of children (e.g. predictions about behaviour, interests "
        "or attainment) unless it is switched on, with safeguards.",
    ),
    Question(
        "age_no_nudges",
        "Does the product avoid nudging children to share more data or weaken privacy settings?",
        "yes_no",
        help="Yes if the product uses no design tricks (defaults, wording, colours, rewards) that push children "
        "to share more or turn privacy off.",
    ),
    Question(
        "age_child_friendly_notices",
        "Are there concise, age-appropriate explanations, including just-in-time notices?",
        "yes_no",
        help="Yes if children get short explanations in words suited to their age, at the moment their data is "
        "used (e.g. before the AI reads their work).",
    ),
    Question(
        "age_child_told_when_monitored",
        "Is a child told when a parent, teacher or the school can see their activity?",
        "yes_no",
        help="Yes if the product shows children, in words they understand, when adults can see what they type or do.",
    ),
    Question(
        "age_reporting_tools",
        "Prominent tools for children to report concerns and exercise rights?",
        "yes_no",
        help="Yes if children can easily report something upsetting or wrong, and ask to see or delete their "
        "data, from inside the product.",
    ),
    Question(
        "age_content_thresholds_by_stage",
        "Content thresholds tuned per key stage and for SEND?",
        "yes_no",
        help="Yes if what the AI may show or say is set separately for each key stage (strictest for EYFS, KS1 "
        "and KS2) and can be adjusted for pupils with SEND.",
    ),
    Question(
        "age_high_risk_uses",
        "Is the product used for any of these high-risk purposes in education (EU AI Act Annex III)?",
        "multi",
        ("admissions", "grading_learning_outcomes", "assessing_level", "proctoring", "none"),
        help="admissions: deciding access or admission. grading_learning_outcomes: evaluating or marking pupils' "
        "learning. assessing_level: deciding the level of education a pupil receives (e.g. sets or "
        "pathways). proctoring: watching pupils for cheating in tests. Choose none if none apply.",
    ),
    # Added for AS12: no other answer shows that the supplier has weighed children's best interests.
    Question(
        "age_best_interests",
        "Have you assessed how the product's use of children's data serves their best interests, and ruled "
        "out uses shown to harm their wellbeing?",
        "yes_no",
        help="Children's Code standards 1 and 5: yes if a written assessment (for example in your DPIA) shows how "
        "each use of children's data serves them, and that none goes against their wellbeing, industry codes "
        "or government advice.",
    ),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "AS1",
        "Ages, phases and users consistent",
        "A school filters the register by phase and age; an entry whose ages, phases and key stages "
        "disagree, or that is unclear about whether pupils use the AI, misleads that search.",
        2,
        "Consistency of the product entry (age range, phases, key stages, pupil use)",
        ENTRY,
        questions=(),
    ),
    Criterion(
        "AS2",
        "Users old enough for the AI's terms",
        "If pupils are younger than the AI provider's or the product's own terms allow, the school is "
        "relying on a service that was never offered to them, with safety measures not designed for their "
        "age.",
        5,
        "AI providers' terms of use (provider_ages.json); the product's own terms",
        PROVIDER_TERMS,
        red_line=True,
        questions=("age_ai_provider", "age_terms_min_age", "age_consent_basis"),
    ),
    Criterion(
        "AS3",
        "Parental consent for under-13s",
        "Where a product relies on consent, children below the age of digital consent cannot give it "
        "themselves; a parent must, and the supplier must check it is the parent.",
        4,
        "UK GDPR Art. 8; Children's Wellbeing and Schools Act 2026 s72",
        CONSENT,
        questions=("age_consent_basis",),
    ),
    Criterion(
        "AS4",
        "Age assurance proportionate to risk",
        "A product can only protect children by age if it knows their age; school-made accounts do this "
        "well, self-declared ages do not.",
        3,
        "ICO Children's Code standard 3 (age-appropriate application)",
        CODE,
        questions=("age_assurance",),
    ),
    Criterion(
        "AS5",
        "High privacy by default",
        "Most children never change settings, so the defaults decide how much of their data is shared.",
        3,
        "ICO Children's Code standard 7 (default settings)",
        CODE,
        questions=("age_high_privacy_default",),
    ),
    Criterion(
        "AS6",
        "Geolocation off by default",
        "A child's location is among the most dangerous data to expose; it should be off unless needed, and obvious when on.",
        2,
        "ICO Children's Code standard 10 (geolocation)",
        CODE,
        questions=("age_geolocation_off",),
    ),
    Criterion(
        "AS7",
        "Profiling off by default",
        "Profiles and predictions about children can follow them and shape how adults treat them; they need "
        "a compelling reason and safeguards.",
        3,
        "ICO Children's Code standard 12 (profiling)",
        CODE,
        questions=("age_profiling_off",),
    ),
    Criterion(
        "AS8",
        "No nudges to give up privacy",
        "Children are especially open to design tricks that push them to share more or switch privacy off.",
        3,
        "ICO Children's Code standard 13 (nudge techniques)",
        CODE,
        questions=("age_no_nudges",),
    ),
    Criterion(
        "AS9",
        "Explanations children understand",
        "Children have a right to understand what happens to their data, told briefly in their terms at the moment it matters.",
        2,
        "ICO Children's Code standard 4 (transparency)",
        CODE,
        questions=("age_child_friendly_notices",),
    ),
    Criterion(
        "AS10",
        "Children told when monitored",
        "Monitoring children without telling them undermines their trust and their right to privacy; they "
        "should know when adults can see their activity.",
        2,
        "ICO Children's Code standard 11 (parental controls)",
        CODE,
        questions=("age_child_told_when_monitored",),
    ),
    Criterion(
        "AS11",
        "Children can report concerns",
        "A child who sees something upsetting, or wants their data removed, needs an obvious way to say so.",
        3,
        "ICO Children's Code standard 15 (online tools)",
        CODE,
        questions=("age_reporting_tools",),
    ),
    Criterion(
        "AS12",
        "Children's best interests first",
        "The Code asks suppliers to put children's best interests first and never use their data in ways "
        "shown to harm their wellbeing.",
        3,
        "ICO Children's Code standards 1 (best interests) and 5 (detrimental use of data)",
        CODE,
        questions=("age_best_interests",),
    ),
    Criterion(
        "AS13",
        "Content thresholds by key stage",
        "What is suitable for a sixteen-year-old is not suitable for a six-year-old; content rules must be "
        "strictest for the youngest and adjustable for SEND.",
        4,
        "DfE Generative AI product safety standards (secondary source); Oak National Academy moderation taxonomy",
        DFE,
        questions=("age_content_thresholds_by_stage",),
    ),
    Criterion(
        "AS14",
        "EU AI Act high-risk uses flagged",
        "AI that admits, grades, places or proctors pupils is high-risk under the EU AI Act and brings extra "
        "duties for the supplier and the school.",
        3,
        "EU AI Act Annex III point 3 (education and vocational training)",
        EU_AI_ACT,
        questions=("age_high_risk_uses",),
    ),
)


# --- AS1: the entry's own consistency -----------------------------------------------------------


def _age_ranges(ages: list[int]) -> str:
    """``[12, 13, 17]`` → ``"12–13 and 17"``."""
    runs: list[list[int]] = []
    for value in ages:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return join([f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs])


def _entry_problems(product: ProductSnapshot) -> tuple[list[str], list[str]]:
    """Contradictions (``problems``) and softer ``gaps`` between the entry's ages, phases, key stages and users."""
    problems: list[str] = []
    gaps: list[str] = []
    stages = [stage for stage in product.key_stages if stage in vocab.KEY_STAGE_AGES]
    if product.age_min > product.age_max:
        problems.append(f"the youngest age ({product.age_min}) is above the oldest ({product.age_max})")
    else:
        for stage in stages:
            low, high = vocab.KEY_STAGE_AGES[stage]
            if high < product.age_min or low > product.age_max:
                problems.append(f"{vocab.KEY_STAGES.label(stage)} lies outside the age range {product.age_min}–{product.age_max}")
        covered = {year for stage in stages for year in range(vocab.KEY_STAGE_AGES[stage][0], vocab.KEY_STAGE_AGES[stage][1] + 1)}
        oldest_taught = max(high for _, high in vocab.KEY_STAGE_AGES.values())
        any_age = bool(ANY_AGE_PHASES & set(product.phases))
        uncovered = [
            year
            for year in range(product.age_min, product.age_max + 1)
            if year not in covered and not (any_age and year > oldest_taught)
        ]
        if uncovered:
            ages = f"ages {_age_ranges(uncovered)} fall" if len(uncovered) > 1 else f"age {uncovered[0]} falls"
            gaps.append(f"{ages} in none of the key stages listed")
    phases = [phase for phase in product.phases if phase in vocab.PHASE_KEY_STAGES]
    if phases:
        taught = frozenset().union(*(vocab.PHASE_KEY_STAGES[phase] for phase in phases))
        problems += [
            f"{vocab.KEY_STAGES.label(stage)} is not taught in the phases listed" for stage in stages if stage not in taught
        ]
        problems += [
            f"the {vocab.PHASES.label(phase).lower()} phase has none of its key stages listed"
            for phase in phases
            if phase not in ANY_AGE_PHASES and not vocab.PHASE_KEY_STAGES[phase] & set(stages)
        ]
    if product.pupil_facing and "pupils" not in product.intended_users:
        problems.append("pupils use the AI, but pupils are not among the intended users")
    if not product.pupil_facing and "pupils" in product.intended_users:
        problems.append("pupils are among the intended users, but the entry says pupils never use the AI")
    return problems, gaps


def _consistency(a: Answers) -> Finding:
    evidence = a.entry("age_min", "age_max", "phases", "key_stages", "pupil_interaction", "intended_users")
    problems, gaps = _entry_problems(a.product)
    if problems:
        return not_met(
            f"The entry contradicts itself: {join(problems + gaps)}. Schools searching by age or phase may be misled.", evidence
        )
    if gaps:
        return partial(
            f"The entry is mostly consistent, but {join(gaps)}. Check the key stages cover every age claimed.", evidence
        )
    users = "pupils use the AI" if a.pupil_facing else "only staff use the AI"
    return met(
        f"The age range {a.product.age_min}–{a.product.age_max}, the phases and the key stages agree with "
        f"each other, and the entry is clear that {users}.",
        evidence,
    )


# --- AS2: the red line on minimum ages ------------------------------------------------------------


def _provider_clause(youngest: int, provider: ProviderTerms, basis: str | None) -> tuple[str, str]:
    """What the provider's terms say about the youngest pupils: ``ok``, ``conflict`` or ``needs_basis``, with a clause."""
    if provider.minimum_age is None:
        return "ok", f"its AI comes from {provider.name}, which sets no minimum age for end users"
    terms = f"its AI comes from {provider.name}, whose terms set a minimum age of {provider.minimum_age}"
    if youngest >= provider.minimum_age:
        return "ok", terms
    if not provider.education_use_below_minimum:
        return "conflict", terms
    # The provider allows younger pupils only through an education arrangement: the school's contract.
    if basis == "school_contract":
        return "ok", f"{terms} but allow younger users in education under a contract like the school's with the supplier"
    if basis is None:
        return "needs_basis", f"{terms} and allow younger users only under a school contract"
    return "conflict", f"{terms} and allow younger users only under a school contract, which this product does not use"


def _provider_terms(a: Answers) -> Finding:
    product = a.product
    evidence = a.entry("pupil_interaction", "age_min") + a.evidence("age_ai_provider", "age_terms_min_age", "age_consent_basis")
    if not a.pupil_facing:
        return not_applicable(
            "Only staff use this product's AI, so pupils' ages do not have to meet the AI provider's or the "
            "product's minimum age.",
            evidence,
        )
    conflicts: list[str] = []  # minimum ages the youngest pupils fall below, with no arrangement covering them
    facts: list[str] = []  # what the terms say, where they allow these pupils
    missing: list[str] = []
    about = ""

    provider_key = a.option("age_ai_provider")
    provider = PROVIDERS.get(provider_key) if provider_key else None
    if provider is None:
        missing.append("age_ai_provider")
    else:
        status, clause = _provider_clause(product.age_min, provider, a.option("age_consent_basis"))
        (conflicts if status == "conflict" else facts).append(clause)
        if status == "conflict":
            about = f" About the provider's terms: {provider.note}"
        if status == "needs_basis":
            missing.append("age_consent_basis")

    terms_min = a.number("age_terms_min_age")
    if terms_min is None:
        missing.append("age_terms_min_age")
    elif product.age_min < terms_min:
        conflicts.append(f"the product's own terms set a minimum age of {age(terms_min)}")
    else:
        facts.append(f"the product's own terms allow users from age {age(terms_min)}")

    youngest = f"pupils as young as {product.age_min}"
    if conflicts and product.pupil_interaction == "direct":
        return not_met(
            f"The product expects {youngest} to use it on their own, but {'; and '.join(conflicts)}. This crosses a red line: "
            f"these pupils are below the minimum age, with no education arrangement that covers them.{about}",
            evidence,
        )
    if conflicts:
        return partial(
            f"The product is used by {youngest} with an adult present, but {'; and '.join(conflicts)}. Supervision lowers "
            f"the risk, which is why this is not a red line; check that the terms allow supervised classroom use.{about}",
            evidence,
        )
    known = " ".join(_sentence(fact) for fact in facts)
    if missing:
        return unknown(a, missing, evidence, known=f"Its youngest users are {product.age_min}. {known}".strip())
    return met(f"The product is used by {youngest}. {known} No minimum age is breached.", evidence)


def _sentence(clause: str) -> str:
    return clause[0].upper() + clause[1:] + "."


# --- Other checks, one per criterion -------------------------------------------------------------


def _parental_consent(a: Answers) -> Finding:
    if skip := staff_only(a, "parental consent for pupils' use"):
        return skip
    youngest = a.product.age_min
    basis = a.option("age_consent_basis")
    evidence = a.entry("age_min") + a.evidence("age_consent_basis")
    if youngest >= DIGITAL_CONSENT_AGE:
        return not_applicable(
            f"The youngest users are {youngest}, at or above the age of digital consent ({DIGITAL_CONSENT_AGE}), "
            "so parental consent is not needed.",
            evidence,
        )
    if basis is None:
        return unknown(a, ("age_consent_basis",), evidence)
    if basis == "school_contract":
        return not_applicable(
            "Pupils use the product under the school's contract with the supplier, as part of the school's work, "
            "so consent (and with it parental consent) is not the basis.",
            evidence,
        )
    if basis == "parental_consent_verified":
        return met(
            f"For pupils under {DIGITAL_CONSENT_AGE}, a parent consents and the supplier checks that it is the parent.", evidence
        )
    if basis == "parental_consent_unverified":
        return partial(
            f"For pupils under {DIGITAL_CONSENT_AGE}, a parent is asked to consent, but the supplier does not "
            "check that it is the parent, as UK GDPR Art. 8 requires reasonable efforts to do.",
            evidence,
        )
    return not_met(
        f"Children as young as {youngest} are asked to consent for themselves; under UK GDPR Art. 8 a parent "
        f"must consent for children under {DIGITAL_CONSENT_AGE}.",
        evidence,
    )


def _age_assurance(a: Answers) -> Finding:
    if skip := staff_only(a, "checking pupils' ages"):
        return skip
    assurance = a.option("age_assurance")
    evidence = a.evidence("age_assurance")
    if assurance is None:
        return unknown(a, ("age_assurance",), evidence)
    if assurance == "school_provisioned_accounts":
        return met("The school creates pupils' accounts, so the product knows each pupil's year group.", evidence)
    if assurance == "verified":
        return met("Users' ages are checked by a trusted method.", evidence)
    if assurance == "self_declaration":
        return partial("Users simply state their age, which children can easily get wrong on purpose.", evidence)
    return not_met("The product does not know users' ages at all, so it cannot protect children by age.", evidence)


def _profiling(a: Answers) -> Finding:
    off = a.flag("age_profiling_off")
    evidence = a.evidence("age_profiling_off") + a.entry("pupil_interaction")
    if off is None:
        return unknown(a, ("age_profiling_off",), evidence)
    if off:
        return met("Profiling of children is off by default.", evidence)
    if a.pupil_facing:
        return not_met(
            "Profiling of children is on by default. The Children's Code allows this only with a compelling "
            "reason (such as adapting practice to the pupil) and safeguards; ask the supplier for both.",
            evidence,
        )
    return partial(
        "The product profiles pupils for staff (for example predictions about attainment or behaviour). "
        "Pupils do not use it, so the Code's default-settings rule does not bite, but the school's DPIA must "
        "cover the profiling.",
        evidence,
    )


def _content_thresholds(a: Answers) -> Finding:
    if skip := staff_only(a, "content thresholds for pupils"):
        return skip
    tuned = a.flag("age_content_thresholds_by_stage")
    evidence = a.evidence("age_content_thresholds_by_stage") + a.entry("key_stages")
    if tuned is None:
        return unknown(a, ("age_content_thresholds_by_stage",), evidence)
    if tuned:
        return met("Content thresholds are set for each key stage and can be adjusted for pupils with SEND.", evidence)
    if YOUNGER_KEY_STAGES & set(a.product.key_stages):
        return not_met(
            "Content thresholds are the same for every age, although the product serves primary-age or younger "
            "pupils, who need the strictest settings.",
            evidence,
        )
    return partial(
        "Content thresholds are the same for every age and cannot be adjusted for SEND; the product serves "
        "secondary-age pupils only.",
        evidence,
    )


def _high_risk_uses(a: Answers) -> Finding:
    uses = a.options("age_high_risk_uses")
    evidence = a.evidence("age_high_risk_uses")
    if not uses:  # an empty list is not an answer: "none" is an option
        return unknown(a, ("age_high_risk_uses",), evidence)
    listed = [HIGH_RISK_LABELS[use] for use in uses if use in HIGH_RISK_LABELS]
    if not listed:
        return met(
            "The supplier says the product is not used for admissions, evaluating learning, assessing pupils' "
            "level or proctoring, the high-risk uses in education under the EU AI Act.",
            evidence,
        )
    return partial(
        f"The supplier says the product is used for {join(listed)}: a high-risk use in education under the EU "
        "AI Act (Annex III). This is not a red line, "
        "but extra obligations apply: the supplier needs risk management, human oversight, accuracy testing "
        "and logging, and the school must "
        "keep a person overseeing the AI's decisions and tell pupils it is used.",
        evidence,
    )


CHECKS: dict[str, Check] = {
    "AS1": _consistency,
    "AS2": _provider_terms,
    "AS3": _parental_consent,
    "AS4": _age_assurance,
    "AS5": yes_no_check(
        "age_high_privacy_default",
        yes="Children's settings start at their most private.",
        no="Children's settings do not start at their most private, and most children never change them.",
        pupils_only="privacy defaults for children's accounts",
    ),
    "AS6": yes_no_check(
        "age_geolocation_off",
        yes="Geolocation is off by default and clearly signalled when on.",
        no="Geolocation is on by default or not clearly signalled, exposing where children are.",
        pupils_only="tracking children's location",
    ),
    "AS7": _profiling,
    "AS8": yes_no_check(
        "age_no_nudges",
        yes="The product does not nudge children to share more data or weaken their privacy.",
        no="The product nudges children to share more data or weaken their privacy.",
        pupils_only="nudging children",
    ),
    "AS9": yes_no_check(
        "age_child_friendly_notices",
        yes="Children get short, age-appropriate explanations when their data is used.",
        no="Children get no short, age-appropriate explanations of how their data is used.",
        pupils_only="explaining data use to children",
    ),
    "AS10": yes_no_check(
        "age_child_told_when_monitored",
        yes="Children are told when a parent, teacher or the school can see their activity.",
        no="Children are not told when a parent, teacher or the school can see their activity.",
        pupils_only="telling children they are monitored",
    ),
    "AS11": yes_no_check(
        "age_reporting_tools",
        yes="Children have prominent tools to report concerns and ask about their data.",
        no="Children have no prominent way to report concerns or ask about their data.",
        pupils_only="tools for children to report concerns",
    ),
    "AS12": yes_no_check(
        "age_best_interests",
        yes="The supplier has assessed how its use of children's data serves their best interests and rules out "
        "uses shown to harm them.",
        no="The supplier has not assessed whether its use of children's data serves their best interests or "
        "could harm their wellbeing.",
        pupils_only="the Children's Code's best-interests standard",
    ),
    "AS13": _content_thresholds,
    "AS14": _high_risk_uses,
}


def evaluate(product: ProductSnapshot) -> list[CriterionResult]:
    return run_checks(CRITERIA, CHECKS, QUESTIONS, product)


EVALUATOR = Evaluator(
    id="age_suitability",
    name="Age suitability",
    version="1.0.0",
    description=(
        "Checks whether a product is designed for, and allowed for, the ages that use it: minimum ages in the AI "
        "provider's and the product's terms, consent, age assurance and child-centred design. Based on the ICO's Age "
        "Appropriate Design Code (Children's Code), the UK age of digital consent, AI providers' published terms and "
        "the EU AI Act's high-risk uses in education."
    ),
    criteria=CRITERIA,
    questions=QUESTIONS,
    evaluate=evaluate,
)


@hookimpl
def catalogue_evaluators() -> list[Evaluator]:
    return [EVALUATOR]
