"""DPIA starters: a data protection impact assessment begun from what the register knows.

``starter`` builds a document for one product version from the supplier's entry
and answers and the evaluators' findings, in the ICO's seven steps (need;
description of processing; consultation; necessity and proportionality; risks;
measures; sign-off), covering every item a trust AI policy's DPIA list asks for
(``POLICY_TOPICS``). A trust's own context (``TrustDpia.context``) is merged into
the right steps. Every statement says where it came from (``SOURCES``), so a
trust can tell the supplier's word from a checked fact and from its own entries.

The register only *starts* a DPIA: the trust is the controller and decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlmodel import Session, select

from catalogue import products, questionnaire, registry, vocab
from catalogue.models import Product, ProductVersion, SupplierDocument, TrustDpia, utcnow

# Where a statement came from.
SUPPLIER = "supplier-declared"  # the supplier's entry or answers, or an evaluator's reading of them
VERIFIED = "evaluator-verified"  # an evaluator checked the evidence behind the criterion
TRUST = "trust-entered"  # the trust's own context
REGISTER = "register"  # the register's guidance, summaries and prompts
SOURCES = (SUPPLIER, VERIFIED, TRUST, REGISTER)
SOURCE_HELP = {
    SUPPLIER: "What the supplier declares in its entry and answers (and the evaluators' reading of them); not checked.",
    VERIFIED: "An evaluator checked the evidence behind this finding.",
    TRUST: "Entered by the trust for its own schools.",
    REGISTER: "The register's guidance, summary or prompt for the trust to complete.",
}

# The ICO's DPIA risk scale: likelihood × severity gives the overall risk.
LIKELIHOODS = ("remote", "possible", "probable")
SEVERITIES = ("minimal", "significant", "severe")
LEVELS = ("low", "medium", "high")
DECISIONS = {
    "pending": "Not decided yet",
    "approved": "Approved: the processing may go ahead",
    "approved_with_conditions": "Approved with conditions",
    "not_approved": "Not approved: the processing must not go ahead",
}

# The trust AI policy template's §7.4 list: what any DPIA of AI use must include.
POLICY_TOPICS: dict[str, str] = {
    "nature_scope_context_purposes": "Nature, scope, context and purposes, and whether individuals would expect the processing",
    "alternatives": "Alternatives considered (AI and non-AI), and why this choice is justified and fair",
    "effects_on_individuals": "Where AI processing and automated decisions may produce effects on individuals",
    "harms": "Individual, allocative and representational harms",
    "proportionality": "Proportionality and fairness: benefits weighed against risks to rights and freedoms",
    "bias_accuracy": "Bias or inaccuracy of the algorithms that may cause detriment",
    "human_vs_algorithmic": "Human and algorithmic accuracy compared, where AI replaces human intervention",
    "margins_of_error": "Variation and margins of error in performance, and when people are involved in decisions",
    "security": "Potential impact of security threats",
    "consultation": "Consultation with stakeholders, completed or planned",
    "special_category": "Special-category data processed intentionally or inferred",
    "equality_rights": "Rights and freedoms beyond data protection, such as rights under the Equality Act 2010",
}

STEPS = (
    (1, "Identify the need for a DPIA", "What the project aims to achieve, what processing it involves, and why a DPIA is needed."),
    (2, "Describe the processing", "The nature, scope, context and purposes of the processing."),
    (3, "Consultation process", "Who has been, or will be, consulted, and how."),
    (4, "Assess necessity and proportionality", "The lawful basis, whether the processing achieves the purpose, and whether there is a less intrusive way."),
    (5, "Identify and assess risks", "Each risk to individuals, with the likelihood and severity of harm and the overall risk."),
    (6, "Identify measures to reduce risk", "For each medium or high risk, the measures that reduce or eliminate it, and the risk that remains."),
    (7, "Sign off and record outcomes", "Who approved the measures and the remaining risks, the DPO's advice, and the decision."),
)

# Which evaluator criteria a part of the document draws on (a criterion appears once, in the first part naming it).
PART_CRITERIA: dict[str, tuple[str, ...]] = {
    "need": ("DP1",),
    "nature": ("DP2", "DP8", "DP9", "DP15"),
    "scope": ("DP6", "DP7"),
    "context": ("AS1", "AS2", "AS3", "AS4", "DP14", "AS9"),
    "purposes": ("SG8",),
    "effects": ("DP13", "AS14", "SG12", "SG10"),
    "special_category": ("DP4", "SG17", "AS7"),
    "consultation": ("SG7", "SG9"),
    "lawful_basis": ("DP3",),
    "minimisation": ("DP5", "AS5", "AS6", "AS8"),
    "rights": ("DP12", "AS10", "AS11"),
    "bias_accuracy": ("SG11",),
    "margins_of_error": ("SG1", "SG2", "AS13"),
    "harms": ("SG3", "SG4", "SG5", "SG13", "SG14", "SG15", "SG16", "DP10", "AS12"),
    "security": ("DP11", "SG6"),
}

# What a school can do, or must ask, when a criterion is not (fully) met.
MITIGATIONS: dict[str, str] = {
    "DP1": "Ask the supplier for its current DPIA (or DPIA pack) covering the AI features and use it to complete this one; review it yearly and on every change.",
    "DP2": "Get the supplier's role confirmed in writing for each purpose; treat any use for its own purposes (product improvement, analytics, training) as the supplier acting as controller, and switch it off or record it.",
    "DP3": "Do not use the product with personal data until an Art. 28 data processing agreement is signed.",
    "DP4": "Get a full list of the personal data processed; for any special-category data, record an Art. 9 condition or stop that data reaching the product.",
    "DP5": "Turn off non-essential features and new data uses; configure the product to collect only what the school uses.",
    "DP6": "Agree retention periods per category and deletion at contract end in the contract; diarise deletion checks.",
    "DP7": "Confirm where data is stored and processed, including by the AI provider, and the transfer safeguard (adequacy, IDTA or Addendum) for each non-UK transfer.",
    "DP8": "Get the list of sub-processors, including AI model providers, and written confirmation that no training on school data is flowed down to them.",
    "DP9": "Do not let pupils' data or work reach the product unless training is switched off (opt-in only with a lawful basis); a red line the school cannot mitigate alone.",
    "DP10": "Do not use the product with pupils: sale of data, targeted advertising, third-party tracking or profiling of pupils is a red line.",
    "DP11": "Require encryption, MFA for staff accounts, an independent certification and breach notification within a stated time in the contract; enable MFA.",
    "DP12": "Agree how the school will action access, export and deletion requests with the supplier before use.",
    "DP13": "Make sure a member of staff reviews every decision with significant effects on a pupil before it takes effect (UK GDPR Art. 22).",
    "DP14": "Write or obtain privacy information pupils can understand, and tell pupils and parents about the AI use before it starts.",
    "DP15": "Use education-tenant accounts managed by the school only; forbid consumer accounts.",
    "SG1": "Do not let pupils use free-form generation until filtering is shown to hold up under adversarial prompts and whole conversations; supervise use meanwhile.",
    "SG2": "Set filtering by age and need where possible; otherwise restrict use to the oldest groups, with supervision for vulnerable pupils.",
    "SG3": "Make sure prompts and outputs are logged and available to the designated safeguarding lead (DSL).",
    "SG4": "Agree how the DSL is alerted to harmful attempts and disclosures, or monitor use through the school's own tools.",
    "SG5": "Brief pupils on why requests may be blocked and where to get help.",
    "SG6": "Ask for the supplier's adversarial-testing summary; restrict configuration changes to named administrators.",
    "SG7": "Pilot with a small group and review the results before wider use; ask how each new model version is re-tested.",
    "SG8": "Base the decision on evidence the school can check, not on the supplier's impact claims.",
    "SG9": "Get the supplier's risk assessment and complaints and escalation route, and tell staff how to use it.",
    "SG10": "Do not let pupils use an AI that presents itself as a person; teach pupils that AI output is machine-made (misplaced trust).",
    "SG11": "Teach staff and pupils to check facts and sources in AI output before relying on it; prefer grounded or cited answers.",
    "SG12": "Set up the product so it gives hints before answers, and check pupils' work is their own.",
    "SG13": "Switch off streaks, rewards and notifications; set usage limits for younger pupils.",
    "SG14": "Confirm how self-harm, suicide and eating-disorder content is handled; make sure disclosures reach the DSL.",
    "SG15": "Forbid creating images, audio or video of real people; include deepfakes in staff and pupil training.",
    "SG16": "Check the product works with the school's filtering and monitoring before pupils use it.",
    "SG17": "Do not use emotion or engagement inference from pupils' faces, voices or webcams: a red line (policy §6.1.6).",
    "AS1": "Confirm with the supplier which age groups may use the AI, and restrict access to them.",
    "AS2": "Do not let pupils below the AI provider's minimum age use it directly; use an education arrangement that covers them, or staff-only use.",
    "AS3": "Where consent is the basis for under-13s, obtain and verify parental consent, or rely on a school contract instead.",
    "AS4": "Provision pupil accounts through the school so ages are known; apply the Children's Code to all users otherwise.",
    "AS5": "Set every pupil account to the highest privacy settings before use.",
    "AS6": "Turn geolocation off for pupils.",
    "AS7": "Turn profiling off for pupils, unless the school records a compelling reason and safeguards.",
    "AS8": "Check for nudges towards sharing more data and switch them off, or choose another tool.",
    "AS9": "Give pupils short, age-appropriate explanations of how their data is used, at the point of use.",
    "AS10": "Tell pupils when their use is monitored and by whom.",
    "AS11": "Show pupils how to report concerns and exercise their rights, in and out of the product.",
    "AS12": "Record why the use is in pupils' best interests; stop any use that works against them.",
    "AS13": "Set content thresholds per key stage and for SEND, or restrict use to the key stages the defaults suit.",
    "AS14": "Treat admissions, grading, level assessment and proctoring uses as high-risk: a person decides, and the DPIA is reviewed by the DPO.",
}


@dataclass(frozen=True)
class Statement:
    """One thing the document says, and where it came from."""

    text: str
    source: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"Unknown statement source {self.source!r}.")


@dataclass
class Part:
    key: str
    title: str
    statements: list[Statement] = field(default_factory=list)
    topics: tuple[str, ...] = ()  # POLICY_TOPICS keys this part answers


@dataclass(frozen=True)
class Risk:
    """A risk to individuals (ICO step 5) and the measure that reduces it (step 6)."""

    ref: str  # a criterion id, or T1, T2… for a trust's own risks
    title: str
    kind: str  # red_line, not_met, partial, missing_evidence, failed, local
    finding: Statement
    likelihood: str
    severity: str
    mitigation: Statement
    effect: str
    residual: str

    @property
    def level(self) -> str:
        return risk_level(self.likelihood, self.severity)

    @property
    def source(self) -> str:
        return self.finding.source

    @property
    def text(self) -> str:
        return self.finding.text


@dataclass
class Step:
    number: int
    title: str
    guidance: str
    parts: list[Part] = field(default_factory=list)


@dataclass
class DocumentLink:
    id: int
    kind: str
    filename: str
    uploaded_at: datetime


@dataclass
class Document:
    product_slug: str
    product_name: str
    supplier_name: str
    version_number: int
    generated_at: datetime
    steps: list[Step]
    risks: list[Risk]
    documents: list[DocumentLink] = field(default_factory=list)
    trust_name: str | None = None
    trust_version: int | None = None

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def part(self, key: str) -> Part:
        return next(part for step in self.steps for part in step.parts if part.key == key)

    def statements(self) -> Iterator[Statement]:
        """Every statement, risks' findings and measures included."""
        for step in self.steps:
            for part in step.parts:
                yield from part.statements
        for risk in self.risks:
            yield risk.finding
            yield risk.mitigation

    def topic_parts(self) -> dict[str, list[tuple[Step, Part]]]:
        """Where each policy §7.4 topic is covered."""
        found: dict[str, list[tuple[Step, Part]]] = {key: [] for key in POLICY_TOPICS}
        for step in self.steps:
            for part in step.parts:
                for topic in part.topics:
                    found[topic].append((step, part))
        return found

    def risk_counts(self) -> dict[str, int]:
        return {level: sum(1 for r in self.risks if r.level == level) for level in reversed(LEVELS)}


def risk_level(likelihood: str, severity: str) -> str:
    score = (LIKELIHOODS.index(likelihood) + 1) * (SEVERITIES.index(severity) + 1)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def _lower(level: str) -> str:
    return LEVELS[max(0, LEVELS.index(level) - 1)]


# --- The trust's context --------------------------------------------------------------------


class RiskRowSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000), error_messages={"required": "Describe the risk."})
    likelihood = fields.String(required=True, validate=validate.OneOf(LIKELIHOODS, error="Choose remote, possible or probable."),
                               error_messages={"required": "Choose how likely the harm is."})
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES, error="Choose minimal, significant or severe."),
                             error_messages={"required": "Choose how severe the harm would be."})
    mitigation = fields.String(load_default="", validate=validate.Length(max=1000))


class TrustContextSchema(Schema):
    """What a trust adds to a DPIA starter. Text fields are plain text; dates are YYYY-MM-DD."""

    purpose = fields.String(load_default="", validate=validate.Length(max=2000))
    schools = fields.String(load_default="", validate=validate.Length(max=2000))
    pupils = fields.String(load_default="", validate=validate.Length(max=2000))
    alternatives = fields.String(load_default="", validate=validate.Length(max=2000))
    consultation = fields.String(load_default="", validate=validate.Length(max=4000))
    risks = fields.List(fields.Nested(RiskRowSchema), load_default=list, validate=validate.Length(max=20))
    dpo_name = fields.String(load_default="", validate=validate.Length(max=120))
    dpo_advice = fields.String(load_default="", validate=validate.Length(max=2000))
    decision = fields.String(load_default="pending", validate=validate.OneOf(tuple(DECISIONS), error="Choose a decision from the list."))
    decision_date = fields.Date(load_default=None, allow_none=True, error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2026-09-01."})
    review_date = fields.Date(load_default=None, allow_none=True, error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2027-09-01."})


def load_context(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a trust's context (raises ``ValidationError``) and return it as stored (dates as ISO strings)."""
    errors: dict[str, Any] = {}
    try:
        loaded = TrustContextSchema().load(dict(data))
    except ValidationError as exc:
        errors = dict(exc.messages) if isinstance(exc.messages, dict) else {"_body": exc.messages}
        loaded = {}
    if (data.get("decision") or "pending") != "pending":
        # Signing off needs the DPO who advised and the date of the decision.
        if not str(data.get("dpo_name") or "").strip():
            errors.setdefault("dpo_name", ["Name the Data Protection Officer who advised on this decision."])
        if not data.get("decision_date"):
            errors.setdefault("decision_date", ["Enter the date of the decision, as YYYY-MM-DD."])
    if errors:
        raise ValidationError(errors)
    for name in ("decision_date", "review_date"):
        value = loaded.get(name)
        loaded[name] = value.isoformat() if isinstance(value, date) else ""
    loaded = {k: v.strip() if isinstance(v, str) else v for k, v in loaded.items()}
    loaded["risks"] = [{k: v.strip() for k, v in row.items()} for row in loaded["risks"]]
    return loaded


def latest_trust_dpia(session: Session, trust_id: int, product: Product) -> TrustDpia | None:
    statement = select(TrustDpia).where(TrustDpia.trust_id == trust_id, TrustDpia.product_id == product.id)
    return session.exec(statement.order_by(TrustDpia.number.desc())).first()


def trust_versions(session: Session, trust_id: int, product: Product) -> list[TrustDpia]:
    statement = select(TrustDpia).where(TrustDpia.trust_id == trust_id, TrustDpia.product_id == product.id)
    return list(session.exec(statement.order_by(TrustDpia.number.desc())))


def supplier_documents(session: Session, product: Product) -> list[SupplierDocument]:
    """The latest document of each kind (the DPIA, then the DPA)."""
    statement = select(SupplierDocument).where(SupplierDocument.product_id == product.id).order_by(SupplierDocument.id.desc())
    latest: dict[str, SupplierDocument] = {}
    for document in session.exec(statement):
        latest.setdefault(document.kind, document)
    return [latest[kind] for kind in ("dpia", "dpa") if kind in latest]


# --- Building the starter -------------------------------------------------------------------


class _Builder:
    def __init__(self, session: Session, product: Product, version: ProductVersion) -> None:
        self.version = version
        self.answers = version.answers or {}
        judged = products.judgements(session, version)
        self.evaluations = judged["evaluations"]
        self.overall = judged["overall"]
        self.classification = judged["classification"]
        self.questions = registry.current().questions
        self.criteria: dict[str, dict[str, Any]] = {}
        for evaluation in self.evaluations:
            if evaluation["status"] == "complete":
                for criterion in evaluation["criteria"]:
                    self.criteria.setdefault(criterion["id"], criterion)
        self.placed: set[str] = set()
        self.reported_missing = {q for c in self.criteria.values() if c["outcome"] == "unknown" for q in c.get("questions", ())}
        self.steps = [Step(number, title, guidance) for number, title, guidance in STEPS]
        self.parts: dict[str, Part] = {}

    # Parts and statements

    def part(self, step: int, key: str, title: str, topics: Sequence[str] = ()) -> Part:
        part = Part(key, title, topics=tuple(topics))
        self.steps[step - 1].parts.append(part)
        self.parts[key] = part
        return part

    def place_criteria(self) -> None:
        """Each evaluator finding, once, after the facts of the part it belongs to; the rest in step 5."""
        for key, criterion_ids in PART_CRITERIA.items():
            for criterion_id in criterion_ids:
                self.add_criterion(self.parts[key], criterion_id)
        equality = self.parts["equality_rights"]
        for criterion_id, criterion in self.criteria.items():
            if "equality act" in str(criterion.get("source", "")).lower():
                self.add_criterion(equality, criterion_id)
        others = Part("other_findings", "Other evaluator findings")
        for criterion_id in self.criteria:
            self.add_criterion(others, criterion_id)
        if others.statements:
            self.steps[4].parts.append(others)
            self.parts[others.key] = others

    def add_criterion(self, part: Part, criterion_id: str) -> None:
        criterion = self.criteria.get(criterion_id)
        if criterion is None or criterion_id in self.placed:
            return
        self.placed.add(criterion_id)
        part.statements.append(criterion_statement(criterion))

    def answer(self, question_id: str) -> Any:
        value = self.answers.get(question_id)
        return None if value in (None, "", []) else value

    def fact(self, part: Part, question_id: str, label: str) -> None:
        """A supplier's answer as a statement, or a note that it is missing."""
        value = self.answer(question_id)
        if value is None and question_id in self.reported_missing:
            return  # the evaluator's missing-evidence finding already says so
        if value is None:
            part.statements.append(Statement(f"{label}: not declared by the supplier. Ask before relying on this.", REGISTER))
        else:
            part.statements.append(Statement(f"{label}: {humanise(value)}.", SUPPLIER))

    def say(self, part: Part, text: str, source: str = REGISTER) -> None:
        part.statements.append(Statement(text, source))

    # The document

    def build(self) -> list[Risk]:
        v = self.version
        pupil_facing = v.pupil_interaction != "none"
        personal = list(self.answer("dp_personal_data") or [])

        # Step 1: need
        need = self.part(1, "need", "Why a DPIA is needed")
        self.say(need, f"What the product does: {v.summary}", SUPPLIER)
        screening = ["it uses innovative technology (AI) to process personal data"]
        if pupil_facing or "pupils" in v.intended_users or v.age_min < 18:
            screening.append("it concerns children, who merit specific protection")
        if any(item in personal for item in ("send_health", "ethnicity", "biometrics")):
            screening.append("the supplier declares special-category data")
        if self.answer("dp_automated_decisions") not in (None, "none"):
            screening.append("it makes automated decisions about pupils")
        self.say(need, "A DPIA is needed because " + "; ".join(screening) + " (ICO: processing likely to result in high risk).")
        self.say(need, "The trust's AI policy (§7.2–7.4) also requires a DPIA before a new AI tool is authorised; policy §9 lists only tools with a completed DPIA.")

        # Step 2: description of the processing
        nature = self.part(2, "nature", "Nature of the processing", ["nature_scope_context_purposes"])
        self.say(nature, f"What the AI does: {v.ai_features}", SUPPLIER)
        self.say(nature, "AI models: " + (", ".join(v.ai_models) if v.ai_models else "none declared") + ".", SUPPLIER if v.ai_models else REGISTER)
        self.fact(nature, "age_ai_provider", "AI provider behind the product")
        self.fact(nature, "dp_role", "The supplier's role under UK GDPR")
        scope = self.part(2, "scope", "Scope of the processing", ["nature_scope_context_purposes"])
        self.fact(scope, "dp_personal_data", "Personal data processed")
        self.say(scope, "Intended users: " + ", ".join(vocab.INTENDED_USERS.label(u) for u in v.intended_users)
                 + f"; ages {v.age_min} to {v.age_max}; phases " + ", ".join(vocab.PHASES.label(p) for p in v.phases)
                 + "; key stages " + ", ".join(vocab.KEY_STAGES.label(k) for k in v.key_stages) + ".", SUPPLIER)
        self.fact(scope, "dp_retention", "Retention")
        self.fact(scope, "dp_storage_region", "Where personal data is stored and processed")
        self.fact(scope, "dp_transfer_mechanism", "Safeguard for transfers outside the UK")
        context = self.part(2, "context", "Context of the processing", ["nature_scope_context_purposes"])
        interaction = vocab.PUPIL_INTERACTION
        help_text = next((t.help for t in interaction.terms if t.value == v.pupil_interaction), "")
        self.say(context, f"How pupils use the AI: {interaction.label(v.pupil_interaction)} — {help_text}", SUPPLIER)
        self.fact(context, "age_terms_min_age", "Minimum age in the product's terms")
        self.fact(context, "age_consent_basis", "Basis for children's use")
        self.say(context, "Would pupils, parents and staff expect this processing? Pupils are children and use the tool because their "
                          "school chose it; record how they are told about it and whether they could reasonably expect it.")
        purposes = self.part(2, "purposes", "Purposes of the processing", ["nature_scope_context_purposes"])
        if self.classification:
            use_cases = ", ".join(vocab.USE_CASES.label(u) for u in self.classification["use_cases"])
            self.say(purposes, f"The register classifies the AI as {vocab.CATEGORIES.label(self.classification['category'])}"
                               + (f" (use cases: {use_cases})" if use_cases else "") + f". {self.classification['explanation']}")
        self.say(purposes, "Record the purposes your schools will use the tool for; the policy (§9.2) allows staff business purposes "
                           "such as drafting guidance, lesson planning, research, summaries and idea generation.")
        effects = self.part(2, "effects", "Where the AI produces effects on individuals", ["effects_on_individuals"])
        if pupil_facing:
            self.say(effects, "Pupils interact with the AI, so its output reaches them directly (misplaced trust, inappropriate content, "
                              "over-reliance).", SUPPLIER)
        else:
            self.say(effects, "Only staff use the AI; its output reaches pupils only after a member of staff has reviewed it.", SUPPLIER)
        self.fact(effects, "dp_automated_decisions", "Automated decisions with significant effects on pupils")
        self.fact(effects, "age_high_risk_uses", "High-risk uses in education (EU AI Act Annex III)")
        special = self.part(2, "special_category", "Special-category data, declared or inferred", ["special_category"])
        declared = [item for item in personal if item in ("send_health", "ethnicity", "biometrics")]
        if declared:
            self.say(special, "Special-category data declared: " + ", ".join(humanise(d) for d in declared) + ".", SUPPLIER)
            self.fact(special, "dp_special_category_condition", "Art. 9 condition")
        inferring = [item for item in personal if item in ("names", "images", "voice_recordings", "behaviour", "pupil_work", "assessment_results")]
        self.say(special, "Even data that is not special-category can reveal it: names can suggest ethnicity or religion, images and "
                          "voice can reveal ethnicity or health, behaviour notes and pupils' work can reveal SEND or health. "
                          + (f"This product processes {', '.join(humanise(i) for i in inferring)}: record whether the AI could infer special-category data from them."
                             if inferring else "Record whether staff or pupils could type such details into the AI."))

        # Step 3: consultation
        consultation = self.part(3, "consultation", "Consultation", ["consultation"])
        self.say(consultation, "Consult the Data Protection Officer, the designated safeguarding lead, the SENCO and IT or security staff; "
                               "seek the views of pupils, parents and staff (or their representatives) unless there is a good reason "
                               "not to, and record it; ask the supplier (the processor) for its DPIA and answers.")

        # Step 4: necessity and proportionality
        lawful = self.part(4, "lawful_basis", "Lawful basis and contract")
        self.say(lawful, "A school usually relies on public task (UK GDPR Art. 6(1)(e)) for pupils' education; record the basis for each purpose.")
        minimisation = self.part(4, "minimisation", "Data minimisation and privacy by default")
        self.say(minimisation, "Policy §7.1: staff and pupils must not enter personal data into generative AI beyond what this DPIA covers.")
        rights = self.part(4, "rights", "Transparency and individuals' rights")
        self.say(rights, "Tell pupils, parents and staff how the AI uses their data, in words each can understand, and how to ask "
                         "for access, correction or deletion; check the supplier's answers on subject rights and privacy information.")
        alternatives = self.part(4, "alternatives", "Alternatives considered", ["alternatives"])
        self.say(alternatives, "Record the alternatives, AI and non-AI (including doing the task without AI, or a tool that processes less "
                               "personal data), and why this tool is the justified and fair choice.")
        bias = self.part(4, "bias_accuracy", "Bias and accuracy", ["bias_accuracy"])
        self.fact(bias, "sg_grounding", "How the risk of made-up answers is reduced")
        self.say(bias, "The register holds no independent measurement of bias or accuracy: ask the supplier for test results across "
                       "groups (for example SEND, EAL, gender, ethnicity) and check outputs during a pilot.")
        human = self.part(4, "human_vs_algorithmic", "Human and algorithmic accuracy", ["human_vs_algorithmic"])
        replaces = self.answer("dp_automated_decisions") not in (None, "none") or bool(
            set(self.answer("age_high_risk_uses") or []) - {"none"})
        if replaces:
            self.say(human, "The AI takes part in decisions a person would otherwise make: compare its accuracy with staff's on the "
                            "same tasks before relying on it, and record the comparison here.")
        else:
            self.say(human, "The supplier declares no automated decisions or high-risk uses: the AI assists staff rather than replacing "
                            "their judgement. If the school uses it to replace a human task (for example marking), compare accuracy first.")
        margins = self.part(4, "margins_of_error", "Margins of error and human involvement", ["margins_of_error"])
        self.fact(margins, "sg_user_testing", "Tested with realistic users and re-tested for each new model")
        self.say(margins, "Record how much the tool's performance varies (by subject, age, language or need), how errors are caught, "
                          "and at which points a person reviews the output before it affects a pupil.")
        proportionality = self.part(4, "proportionality", "Proportionality and fairness", ["proportionality"])

        # Step 5: risks
        harms = self.part(5, "harms", "Individual, allocative and representational harms", ["harms"])
        self.say(harms, "Individual harms: distress or unsafe advice from AI output, misplaced trust, loss of privacy. Allocative harms: "
                        "a decision that withholds an opportunity (for example a GCSE or A-level option, a set, an intervention). "
                        "Representational harms: groups of pupils treated or described differently (for example gender or racial bias "
                        "when selecting pupils for interventions).")
        security = self.part(5, "security", "Security threats", ["security"])
        self.fact(security, "dp_breach_notification_hours", "Hours within which schools are told of a breach")
        self.fact(security, "dp_certifications", "Security certifications")
        self.say(security, "Policy §8: evaluate the tool's security before authorising it; report incidents to the Trust Data Lead and "
                           "the DPO; stay alert to deepfakes and AI-assisted cyber-crime.")
        equality = self.part(5, "equality_rights", "Rights beyond data protection (Equality Act 2010)", ["equality_rights"])
        self.say(equality, "Consider pupils' rights under the Equality Act 2010 (no discrimination by protected characteristic; "
                           "reasonable adjustments for disabled pupils), their right to education and to privacy, and the best "
                           "interests of the child.")
        risks = self.risks()
        counts = {level: sum(1 for r in risks if r.level == level) for level in LEVELS}
        band = vocab.BANDS.label(self.overall.band) if self.overall.band else "not scored"
        score = f"{self.overall.score} out of 100 ({band})" if self.overall.score is not None else "not yet scored"
        self.say(proportionality, f"The register's overall quality score for this version: {score}, on the supplier's declarations.")
        self.say(proportionality, f"Risks found (step 5): {counts['high']} high, {counts['medium']} medium, {counts['low']} low.")
        if self.overall.red_lines:
            self.say(proportionality, "Red lines crossed: " + "; ".join(self.overall.red_lines) + ". The register considers such processing "
                                      "very hard to justify as proportionate for pupils unless the supplier changes it.")
        self.say(proportionality, "Weigh the benefits for pupils and staff against these risks, and say which safeguards make the use fair.")

        # Step 6: measures
        measures = self.part(6, "general_measures", "Measures for every AI tool")
        for text in (
            "Train staff before use so that human reviewers understand the tool and do not add bias (policy §9.3).",
            "Authorise the tool only for the purposes and users recorded here, and list it on the trust's authorised AI tools list (policy §9).",
            "Review this DPIA when the supplier publishes a new version that changes the AI features or the scores.",
        ):
            self.say(measures, text)

        # Step 7: sign-off
        signoff = self.part(7, "sign_off", "Sign-off and outcomes")
        self.say(signoff, "To be completed by the trust: measures approved by; residual risks approved by; DPO advice provided; "
                          "DPO advice accepted or overruled by (with reasons); consultation responses reviewed by; kept under review by.")
        self.say(signoff, "If a high risk remains after the measures, the ICO must be consulted before the processing starts (UK GDPR Art. 36).")
        self.place_criteria()
        return risks

    def risks(self) -> list[Risk]:
        risks: list[Risk] = []
        for evaluation in self.evaluations:
            if evaluation["status"] != "complete":
                risks.append(Risk(
                    ref=evaluation["evaluator_id"], title=f"{evaluation['name']} could not be evaluated", kind="failed",
                    finding=Statement(f"Missing evidence: the {evaluation['name']} evaluator could not judge this version.", REGISTER),
                    likelihood="possible", severity="significant",
                    mitigation=Statement(f"Assess the {evaluation['name'].lower()} questions yourself before use.", REGISTER),
                    effect="Re-assessed once the evaluation runs", residual="medium",
                ))
        crossed = {line.split(":", 1)[0].strip() for line in self.overall.red_lines}
        for evaluation in self.evaluations:
            crossed |= {line.split(":", 1)[0].strip() for line in evaluation["red_lines"]}
        for criterion_id, criterion in self.criteria.items():
            risk = criterion_risk(criterion, crossed=criterion_id in crossed, questions=self.questions)
            if risk is not None:
                risks.append(risk)
        # Red lines reported by an evaluator whose criteria are not in view (e.g. a stale evaluation).
        for line in self.overall.red_lines:
            ref = line.split(":", 1)[0].strip()
            if ref not in self.criteria:
                risks.append(Risk(
                    ref=ref, title=line, kind="red_line", finding=Statement(f"Red line crossed: {line}.", SUPPLIER),
                    likelihood="probable", severity="severe",
                    mitigation=Statement(MITIGATIONS.get(ref, "Do not use the product with pupils' data unless the supplier changes this."), REGISTER),
                    effect="Not reducible by the school alone", residual="high",
                ))
        order = {"red_line": 0, "not_met": 1, "partial": 2, "failed": 3, "missing_evidence": 4}
        risks.sort(key=lambda r: (-LEVELS.index(r.level), order.get(r.kind, 5)))
        return risks


def criterion_statement(criterion: Mapping[str, Any]) -> Statement:
    outcome = vocab.OUTCOMES.label(criterion["outcome"])
    text = f"{criterion['id']} {criterion['title']}: {outcome}. {criterion['explanation']}"
    return Statement(text.strip(), criterion_source(criterion))


def criterion_source(criterion: Mapping[str, Any]) -> str:
    if criterion.get("assurance") == "verified":
        return VERIFIED
    return REGISTER if criterion["outcome"] == "unknown" else SUPPLIER


def criterion_risk(criterion: Mapping[str, Any], *, crossed: bool, questions: Mapping[str, Any]) -> Risk | None:
    """The risk a criterion's outcome implies, with a suggested likelihood, severity and mitigation (or None)."""
    outcome = criterion["outcome"]
    if outcome not in ("not_met", "partial", "unknown") and not crossed:
        return None
    weight = float(criterion.get("weight") or 0)
    cid, title = criterion["id"], criterion["title"]
    mitigation = MITIGATIONS.get(cid, f"Get evidence from the supplier that “{title}” is met, and record it; do not rely on it until then.")
    if crossed or (outcome == "not_met" and criterion.get("red_line")):
        return Risk(
            ref=cid, title=f"Red line: {cid} {title}", kind="red_line",
            finding=Statement(f"Red line crossed — {cid} {title}: {criterion['explanation']}", criterion_source(criterion)),
            likelihood="probable", severity="severe", mitigation=Statement(mitigation, REGISTER),
            effect="Not reducible by the school alone: the supplier must change this", residual="high",
        )
    if outcome == "unknown":
        asked = [questions[q][1].text for q in criterion.get("questions", ()) if q in questions]
        ask = ("Ask the supplier to answer: " + " ".join(f"“{q}”" for q in asked) + " ") if asked else "Ask the supplier for evidence. "
        severity = "severe" if criterion.get("red_line") else "significant" if weight >= 4 else "minimal"
        likelihood = "possible"
        level = risk_level(likelihood, severity)
        return Risk(
            ref=cid, title=f"Missing evidence: {cid} {title}", kind="missing_evidence",
            finding=Statement(f"Missing evidence — {cid} {title}: {criterion['explanation']}", criterion_source(criterion)),
            likelihood=likelihood, severity=severity,
            mitigation=Statement(ask + "Until it does, treat the criterion as not met. " + mitigation, REGISTER),
            effect="Eliminated or re-assessed once the supplier gives the evidence", residual=_lower(level),
        )
    if outcome == "not_met":
        likelihood, severity = "probable", "significant" if weight >= 3 else "minimal"
    else:  # partial
        likelihood, severity = "possible", "significant" if weight >= 3 else "minimal"
    level = risk_level(likelihood, severity)
    return Risk(
        ref=cid, title=f"{cid} {title}", kind=outcome,
        finding=Statement(f"{vocab.OUTCOMES.label(outcome)} — {cid} {title}: {criterion['explanation']}", criterion_source(criterion)),
        likelihood=likelihood, severity=severity, mitigation=Statement(mitigation, REGISTER),
        effect="Reduced", residual=_lower(level),
    )


# Answer options that read badly with underscores simply replaced.
OPTION_LABELS = {
    "send_health": "SEND or health information",
    "pupil_work": "pupils' work",
    "uk": "the UK",
    "eea": "the EEA",
    "us": "the United States",
    "other": "elsewhere",
    "idta": "IDTA",
    "addendum": "the UK Addendum to the EU SCCs",
    "iso27001": "ISO 27001",
    "soc2": "SOC 2",
    "none": "none",
}


def humanise(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = [OPTION_LABELS.get(item, item) if isinstance(item, str) else item for item in value]
    elif isinstance(value, str):
        value = OPTION_LABELS.get(value, value)
    text = questionnaire.format_answer(value)
    return re.sub(r"(?<=[a-z0-9])_(?=[a-z0-9])", " ", text)


def _lines(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _merge_trust(document: Document, context: Mapping[str, Any]) -> None:
    """Add a trust's context to the steps it belongs to, as trust-entered statements and risks."""

    def add(key: str, label: str, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            document.part(key).statements.append(Statement(f"{label}: {value.strip()}", TRUST))

    add("need", "The trust's purpose for this tool", context.get("purpose", ""))
    add("scope", "Schools covered", _lines(context.get("schools", "")))
    add("scope", "Pupils affected", context.get("pupils", ""))
    add("alternatives", "Alternatives the trust considered", context.get("alternatives", ""))
    add("consultation", "Consultation done or planned by the trust", context.get("consultation", ""))
    for number, row in enumerate(context.get("risks") or [], start=1):
        if not row.get("text"):
            continue
        likelihood = row.get("likelihood") if row.get("likelihood") in LIKELIHOODS else "possible"
        severity = row.get("severity") if row.get("severity") in SEVERITIES else "significant"
        mitigation = row.get("mitigation") or ""
        document.risks.append(Risk(
            ref=f"T{number}", title=row["text"][:80], kind="local", finding=Statement(f"Local risk: {row['text']}", TRUST),
            likelihood=likelihood, severity=severity,
            mitigation=Statement(mitigation, TRUST) if mitigation else Statement("No measure recorded yet by the trust.", REGISTER),
            effect="Reduced" if mitigation else "Not yet assessed", residual=_lower(risk_level(likelihood, severity)) if mitigation else risk_level(likelihood, severity),
        ))
    document.risks.sort(key=lambda r: -LEVELS.index(r.level))
    add("sign_off", "Data Protection Officer", context.get("dpo_name", ""))
    add("sign_off", "DPO's advice", context.get("dpo_advice", ""))
    decision = context.get("decision") or "pending"
    if decision in DECISIONS and (decision != "pending" or context.get("dpo_name")):
        when = f" on {context['decision_date']}" if context.get("decision_date") else ""
        add("sign_off", "Decision", f"{DECISIONS[decision]}{when}")
    add("sign_off", "Review this DPIA by", context.get("review_date", ""))


def starter(
    session: Session,
    product: Product,
    version: ProductVersion,
    context: Mapping[str, Any] | None = None,
    *,
    trust: TrustDpia | None = None,
    trust_name: str | None = None,
) -> Document:
    """The DPIA starter for ``version``, with a trust's ``context`` merged in when given."""
    builder = _Builder(session, product, version)
    risks = builder.build()
    document = Document(
        product_slug=product.slug,
        product_name=version.name,
        supplier_name=product.supplier.name,
        version_number=version.number,
        generated_at=trust.created_at if trust is not None else utcnow(),
        steps=builder.steps,
        risks=risks,
        documents=[DocumentLink(d.id, d.kind, d.filename, d.uploaded_at) for d in supplier_documents(session, product)],
        trust_name=trust_name,
        trust_version=trust.number if trust is not None else None,
    )
    need = document.part("need")
    for link in document.documents:
        what = "DPIA" if link.kind == "dpia" else "data processing agreement"
        need.statements.append(Statement(f"The supplier has attached its own {what}: {link.filename} "
                                         f"(uploaded {link.uploaded_at:%-d %B %Y}).", SUPPLIER))
    if context:
        _merge_trust(document, context)
    return document


# --- Markdown -------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Plain text safe inside a Markdown paragraph or list item (no raw HTML, one line)."""
    text = " ".join(str(text).split())
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace("`", "\\`")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def to_markdown(document: Document) -> str:
    out: list[str] = []
    title = f"DPIA starter: {document.product_name}"
    if document.trust_name:
        title = f"DPIA: {document.product_name} — {document.trust_name}"
    out.append(f"# {_md(title)}\n")
    out.append(f"- Product: {_md(document.product_name)} by {_md(document.supplier_name)}, version {document.version_number}")
    if document.trust_version is not None:
        out.append(f"- Trust's version: {document.trust_version}, saved {document.generated_at:%-d %B %Y}")
    else:
        out.append(f"- Generated by the register on {document.generated_at:%-d %B %Y}")
    out.append("- Follows the ICO's seven DPIA steps and the trust AI policy template's §7.4 list.")
    out.append("")
    out.append("This is a starting point, not a completed DPIA: the trust, as controller, must check it, complete it and sign it off. "
               "Every statement ends with its source in square brackets:\n")
    for source in SOURCES:
        out.append(f"- [{source}] {SOURCE_HELP[source]}")
    out.append("")
    if document.documents:
        out.append("Supplier's own documents: " + "; ".join(f"{_md(d.filename)} ({d.kind.upper()})" for d in document.documents) + ".\n")
    out.append("## Policy §7.4 checklist\n")
    covered = document.topic_parts()
    for key, label in POLICY_TOPICS.items():
        where = ", ".join(f"step {step.number} ({part.title})" for step, part in covered[key])
        out.append(f"- {label}: {where}")
    out.append("")
    for step in document.steps:
        out.append(f"## Step {step.number}: {step.title}\n")
        out.append(f"_{step.guidance}_\n")
        for part in step.parts:
            out.append(f"### {part.title}\n")
            for statement in part.statements:
                out.append(f"- {_md(statement.text)} [{statement.source}]")
            out.append("")
        if step.number == 5:
            out.append("### Risks (likelihood × severity)\n")
            if document.risks:
                out.append("| Ref | Risk | Source | Likelihood | Severity | Overall risk |")
                out.append("|---|---|---|---|---|---|")
                for risk in document.risks:
                    out.append(f"| {_cell(risk.ref)} | {_cell(risk.finding.text)} | {risk.source} | {risk.likelihood} | {risk.severity} | {risk.level} |")
            else:
                out.append("No risks found in the supplier's answers or the evaluators' findings; record any the trust identifies.")
            out.append("")
        if step.number == 6:
            out.append("### Measures for each risk\n")
            if document.risks:
                out.append("| Ref | Measure | Source | Effect on risk | Residual risk | Measure approved |")
                out.append("|---|---|---|---|---|---|")
                for risk in document.risks:
                    out.append(f"| {_cell(risk.ref)} | {_cell(risk.mitigation.text)} | {risk.mitigation.source} | {_cell(risk.effect)} | {risk.residual} (suggested) | to be decided by the trust |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
