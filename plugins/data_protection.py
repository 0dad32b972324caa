"""Data protection: can a school use this product lawfully with pupils' and staff's personal data?

Criteria DP1–DP15 follow UK GDPR, the ICO's steps for a data protection
impact assessment (DPIA), the ICO's *Edtech examined* audit of 28 edtech
providers (June 2026), the DPIA content list of a trust AI policy template,
and the Common Sense and 1EdTech privacy rubrics. The ICO's audit found
suppliers wrongly calling themselves processors, thin contracts, incomplete
data-flow maps, weak minimisation and retention, stale privacy notices, missing
DPIAs (over 40%) and AI sub-processors training on children's data; the
criteria target exactly these, and the answers double as a DPIA starter.

Weights (1–5; red lines and the gaps the ICO found most often weigh most):

| id   | criterion                                   | weight | red line |
|------|---------------------------------------------|--------|----------|
| DP1  | DPIA provided and current                   | 5      |          |
| DP2  | Controller or processor role declared       | 3      |          |
| DP3  | Data processing agreement (Art. 28)         | 4      |          |
| DP4  | Personal and special-category data declared | 4      |          |
| DP5  | Minimal data by default                     | 3      |          |
| DP6  | Retention and deletion                      | 3      |          |
| DP7  | Storage location and transfers              | 3      |          |
| DP8  | Sub-processors and AI providers             | 4      |          |
| DP9  | No training on pupils' data without opt-in  | 5      | yes      |
| DP10 | No sale, advertising or profiling           | 5      | yes      |
| DP11 | Security and breach notification            | 4      |          |
| DP12 | Data subject rights                         | 3      |          |
| DP13 | Automated decisions reviewed by a person    | 4      |          |
| DP14 | Privacy information pupils understand       | 2      |          |
| DP15 | Education accounts, not consumer accounts   | 3      |          |

Red lines: DP9 when pupils' data or work trains or fine-tunes models by
default; DP10 when pupils' data is sold, used for targeted advertising,
third-party tracking or commercial profiling.
"""

from __future__ import annotations

import re

from catalogue.contract import Criterion, CriterionResult, Evaluator, ProductSnapshot, Question
from catalogue.hookspecs import hookimpl
from plugins._answers import (
    Answers,
    Check,
    Finding,
    age,
    met,
    not_met,
    partial,
    run_checks,
    unknown,
    yes_no_check,
)

UK_GDPR = "uk-gdpr-ico-dpia@2026-06"
DFE = "dfe-genai-standards@2026-01-19"
COMMON_SENSE = "common-sense-privacy-rating@2025"
ONE_EDTECH = "1edtech-rubrics@2025"

# Special-category data under UK GDPR Art. 9, as the personal-data options name it.
SPECIAL_CATEGORIES = {"send_health": "health or SEND information", "ethnicity": "ethnicity", "biometrics": "biometric data"}
# A stated Art. 9 condition must cite Art. 9(2) or name one of its conditions.
ART9_CONDITION = re.compile(
    r"9\s*\(\s*2\s*\)|explicit consent|substantial public interest|vital interests"
    r"|health or social care|public health|legal claims|archiving",
    re.IGNORECASE,
)
NO_CONDITION = re.compile(r"^\W*(none|n/?a|not (stated|applicable|known)|no special[- ]category data\b.*)\W*$", re.IGNORECASE)
# A retention answer is specific when it names a period or an end point, and vague when open-ended.
SPECIFIC_RETENTION = re.compile(
    r"\b\d+\s*(hours?|days?|weeks?|months?|years?)\b|\bend of (the )?(contract|academic year|school year|term|subscription)\b"
    r"|\blife of the contract\b|\b(not|never) stored\b|\bon the device\b|\bdeleted (immediately|with|after|at|when)\b",
    re.IGNORECASE,
)
OPEN_ENDED_RETENTION = re.compile(
    r"as long as (it is |they are )?(useful|needed|necessary|required)|indefinitely|while the account is active",
    re.IGNORECASE,
)
# Certifications with independent assessment; Cyber Essentials alone is a self-assessment.
STRONG_CERTIFICATIONS = {"cyber_essentials_plus", "iso27001", "soc2"}
# Schools commonly contract for breach notice within 24–48 hours, leaving time to assess and report to the ICO.
BREACH_NOTICE_HOURS = 48

QUESTIONS: tuple[Question, ...] = (
    Question(
        "dp_dpia",
        "Do you provide a DPIA covering the AI features?",
        "choice",
        ("current", "outdated", "none"),
        help="current: a DPIA or DPIA pack for schools that covers the AI features and was reviewed in the last "
        "12 months or since the last significant change. outdated: one exists but predates the AI features "
        "or a year has passed. none: no DPIA is offered.",
    ),
    Question(
        "dp_role",
        "What is your role under UK GDPR for pupils' and staff's personal data?",
        "choice",
        ("processor", "processor_with_own_purposes", "controller", "joint_controller"),
        help="processor: you act only on the school's instructions. processor_with_own_purposes: a processor for "
        "the service, but you also use the data for your own purposes (product improvement, analytics, model "
        "training), for which you are a controller. controller / joint_controller: you decide why and how "
        "the data is used, alone or with the school.",
    ),
    Question(
        "dp_dpa_available",
        "Art. 28 data processing agreement available?",
        "yes_no",
        help="Yes if schools can sign (or are covered by) a contract containing every term UK GDPR Art. 28(3) requires.",
    ),
    Question(
        "dp_personal_data",
        "Which personal data does the product process?",
        "multi",
        (
            "names",
            "emails",
            "pupil_work",
            "assessment_results",
            "behaviour",
            "send_health",
            "ethnicity",
            "biometrics",
            "voice_recordings",
            "images",
            "none",
        ),
        help="Tick every category, including data in prompts and AI outputs. send_health, ethnicity and "
        "biometrics are special-category data and need an Art. 9 condition.",
    ),
    Question(
        "dp_special_category_condition",
        "Art. 9 condition for special-category data (if any).",
        "text",
        help="Name the UK GDPR Art. 9(2) condition (and the DPA 2018 Schedule 1 condition where needed), e.g. "
        "'Art. 9(2)(g) substantial public interest, DPA 2018 Sch. 1 para 18'. Legitimate interests is not an "
        "Art. 9 condition.",
    ),
    Question(
        "dp_minimisation_default",
        "Non-essential features and new data uses off by default?",
        "yes_no",
        help="Yes if features that collect more data than the core service needs, and any new use of data, stay "
        "off until the school turns them on.",
    ),
    Question(
        "dp_retention",
        "Retention period per category of data.",
        "text",
        help="For each category (accounts, prompts and outputs, pupil work, logs, backups) say how long it is "
        "kept, e.g. 'prompts and outputs 12 months, then deleted'.",
    ),
    Question(
        "dp_deletion_at_contract_end",
        "Is all personal data deleted (or returned) at the end of the contract?",
        "yes_no",
        help="Yes if the school's data, including backups and data held by sub-processors, is deleted or returned "
        "within a stated time after the contract ends.",
    ),
    Question(
        "dp_storage_region",
        "Where is personal data stored and processed (including by AI providers)?",
        "choice",
        ("uk", "eea", "us", "other"),
        help="Choose the furthest location any personal data reaches, including the AI model provider's servers.",
    ),
    Question(
        "dp_transfer_mechanism",
        "What safeguard covers transfers of personal data outside the UK?",
        "choice",
        ("not_needed", "adequacy", "idta", "addendum", "none"),
        help="not_needed: data stays in the UK. adequacy: UK adequacy regulations (e.g. the EEA, or the UK–US "
        "data bridge for certified US companies). idta: the ICO's International Data Transfer Agreement. "
        "addendum: the UK Addendum to the EU standard contractual clauses. none: no safeguard.",
    ),
    Question(
        "dp_subprocessors_listed",
        "Sub-processors listed, including AI model providers?",
        "yes_no",
        help="Yes if a current list names every sub-processor, including the AI model provider (e.g. OpenAI, "
        "Microsoft Azure, Google, Anthropic), with what each does and where.",
    ),
    Question(
        "dp_no_training_flowdown",
        '"No training on customer data" flowed down to AI sub-processors?',
        "yes_no",
        help="Yes if your contract with each AI model provider forbids it from training on the data you send.",
    ),
    Question(
        "dp_trains_on_pupil_data",
        "Are pupils' personal data or work used to train or fine-tune AI models?",
        "choice",
        ("never", "opt_in_only", "yes_by_default"),
        help="never: no pupil data or work is used for training or fine-tuning, by you or your providers. "
        "opt_in_only: only when the school chooses to opt in. yes_by_default: used unless someone opts out — "
        "this crosses a red line.",
    ),
    Question(
        "dp_advertising_or_sale",
        "Any sale of data, targeted advertising, third-party tracking or profiling of pupils?",
        "yes_no",
        help="Answer yes if any personal data is sold or shared for marketing, pupils see targeted adverts, "
        "third-party trackers run in the product, or pupils are profiled for commercial purposes. Yes "
        "crosses a red line.",
    ),
    Question(
        "dp_encryption",
        "Encryption in transit and at rest?",
        "yes_no",
        help="Yes if all personal data is encrypted in transit (TLS) and at rest, including backups.",
    ),
    Question(
        "dp_mfa_staff",
        "Is multi-factor authentication available for staff accounts?",
        "yes_no",
        help="Yes if staff accounts use multi-factor authentication, directly or through the school's single sign-on.",
    ),
    Question(
        "dp_certifications",
        "Which security certifications do you hold?",
        "multi",
        ("cyber_essentials", "cyber_essentials_plus", "iso27001", "soc2", "none"),
        help="Only current certifications covering the product.",
    ),
    Question(
        "dp_breach_notification_hours",
        "Hours within which schools are notified of a breach.",
        "number",
        help="The maximum time, in hours, between you becoming aware of a personal data breach and telling the "
        "school, as written in your contract.",
        minimum=0,
        maximum=720,
    ),
    Question(
        "dp_subject_rights",
        "Access, export, full deletion supported with a route for schools?",
        "yes_no",
        help="Yes if schools can find, export and fully delete one person's data to answer subject access and erasure requests.",
    ),
    Question(
        "dp_automated_decisions",
        "Does the product make automated decisions with significant effects on pupils?",
        "choice",
        ("none", "with_human_review", "without_human_review"),
        help="Decisions with legal or similarly significant effects, e.g. setting, grouping, grading or flagging "
        "a pupil, made by the AI. with_human_review: a member of staff reviews each decision before it takes "
        "effect.",
    ),
    Question(
        "dp_pupil_privacy_notice",
        "Privacy information written for the pupils who use it?",
        "yes_no",
        help="Yes if there is privacy information in words the youngest pupils who use the product can "
        "understand, kept up to date with the AI features.",
    ),
    Question(
        "dp_education_accounts",
        "Education-tenant accounts (not consumer accounts)?",
        "yes_no",
        help="Yes if staff and pupils use accounts managed by the school (an education tenant or "
        "school-provisioned logins), not personal consumer accounts.",
    ),
    Question(
        "dp_privacy_policy_url",
        "Link to your privacy policy (covering the AI features).",
        "url",
        help="The current privacy policy or notice that explains how the AI features use personal data.",
    ),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "DP1",
        "DPIA provided and current",
        "A school must complete a DPIA before using AI with pupils' data; the ICO found over 40% of edtech "
        "providers had none to help schools do it.",
        5,
        "ICO DPIA guidance; ICO Edtech examined audit (June 2026)",
        UK_GDPR,
        questions=("dp_dpia",),
    ),
    Criterion(
        "DP2",
        "Controller or processor role declared",
        "Suppliers that call themselves processors while using pupils' data for their own purposes leave the "
        "school answerable for uses it never chose.",
        3,
        "ICO Edtech examined audit (June 2026)",
        UK_GDPR,
        questions=("dp_role", "dp_trains_on_pupil_data"),
    ),
    Criterion(
        "DP3",
        "Data processing agreement (Art. 28)",
        "Without a contract meeting Article 28, a school using a processor is itself in breach of UK GDPR.",
        4,
        "UK GDPR Art. 28; ICO Edtech examined audit",
        UK_GDPR,
        questions=("dp_dpa_available",),
    ),
    Criterion(
        "DP4",
        "Personal and special-category data declared",
        "A school can only assess risks it knows about; health, SEND, ethnicity and biometric data need an "
        "Article 9 condition as well as a lawful basis.",
        4,
        "UK GDPR Art. 6, 9; trust AI policy template §7.4",
        UK_GDPR,
        questions=("dp_personal_data", "dp_special_category_condition"),
    ),
    Criterion(
        "DP5",
        "Minimal data by default",
        "Children's data should be collected only for what the school actually uses; extra features and new "
        "uses should wait for the school's decision.",
        3,
        "ICO Edtech examined audit; ICO Children's Code",
        UK_GDPR,
        questions=("dp_minimisation_default",),
    ),
    Criterion(
        "DP6",
        "Retention and deletion",
        "Data kept 'as long as useful' builds up risk for years; schools need stated periods and deletion "
        "when the contract ends.",
        3,
        "UK GDPR Art. 5(1)(e); 1EdTech data privacy rubric",
        UK_GDPR,
        questions=("dp_retention", "dp_deletion_at_contract_end"),
    ),
    Criterion(
        "DP7",
        "Storage location and transfers",
        "Pupils' data sent outside the UK, including to an AI provider, needs a lawful transfer safeguard.",
        3,
        "UK GDPR Chapter V",
        UK_GDPR,
        questions=("dp_storage_region", "dp_transfer_mechanism"),
    ),
    Criterion(
        "DP8",
        "Sub-processors and AI providers",
        "The AI model provider sees pupils' prompts and work; schools need to know who it is and that it may "
        "not train on that data.",
        4,
        "ICO Edtech examined audit; 1EdTech generative AI rubric",
        UK_GDPR,
        questions=("dp_subprocessors_listed", "dp_no_training_flowdown"),
    ),
    Criterion(
        "DP9",
        "No training on pupils' data without opt-in",
        "Children's work and data used to train models cannot be taken back; it needs a lawful basis and a "
        "deliberate choice, never a default.",
        5,
        "DfE Generative AI product safety standards (intellectual property, privacy); Digital Promise; trust "
        "AI policy template §3.1",
        DFE,
        red_line=True,
        questions=("dp_trains_on_pupil_data",),
    ),
    Criterion(
        "DP10",
        "No sale, advertising or profiling",
        "Pupils are in school because they must be; their data must never be sold, used for targeted "
        "adverts, tracked by third parties or profiled for profit.",
        5,
        "Common Sense privacy evaluation 'Pass' conditions",
        COMMON_SENSE,
        red_line=True,
        questions=("dp_advertising_or_sale",),
    ),
    Criterion(
        "DP11",
        "Security and breach notification",
        "Schools are frequent targets of cyber attacks; encryption, multi-factor authentication, independent "
        "certification and prompt breach notice are the basics.",
        4,
        "1EdTech security rubric; trust AI policy template §8",
        ONE_EDTECH,
        questions=("dp_encryption", "dp_mfa_staff", "dp_certifications", "dp_breach_notification_hours"),
    ),
    Criterion(
        "DP12",
        "Data subject rights",
        "Schools must answer subject access and erasure requests within a month; they need the supplier's tools to do it.",
        3,
        "1EdTech data privacy rubric; UK GDPR Art. 15–20",
        UK_GDPR,
        questions=("dp_subject_rights",),
    ),
    Criterion(
        "DP13",
        "Automated decisions reviewed by a person",
        "An AI that sets, grades or flags pupils without a person reviewing the decision breaches Article 22 "
        "and risks unfair outcomes.",
        4,
        "UK GDPR Art. 22; trust AI policy template §3.2",
        UK_GDPR,
        questions=("dp_automated_decisions",),
    ),
    Criterion(
        "DP14",
        "Privacy information pupils understand",
        "The ICO found stale, generic privacy notices; pupils have a right to understand, in their own "
        "terms, what happens to their data.",
        2,
        "ICO Edtech examined audit; ICO Children's Code (transparency)",
        UK_GDPR,
        questions=("dp_pupil_privacy_notice", "dp_privacy_policy_url"),
    ),
    Criterion(
        "DP15",
        "Education accounts, not consumer accounts",
        "Consumer accounts fall outside the school's contract and control; education-tenant accounts keep "
        "data under the school's agreement.",
        3,
        "1EdTech generative AI rubric (secondary source)",
        ONE_EDTECH,
        questions=("dp_education_accounts",),
    ),
)


# --- Checks, one per criterion ----------------------------------------------------------------


def _dpia(a: Answers) -> Finding:
    dpia = a.option("dp_dpia")
    evidence = a.evidence("dp_dpia")
    if dpia is None:
        return unknown(a, ("dp_dpia",), evidence)
    if dpia == "current":
        return met(
            "The supplier provides a current DPIA covering the AI features, which gives the school a head start on its own.",
            evidence,
        )
    if dpia == "outdated":
        return partial(
            "The supplier's DPIA is out of date or does not cover the AI features; ask for a current one before relying on it.",
            evidence,
        )
    return not_met(
        "The supplier provides no DPIA; the school would have to assess the AI features' risks without the supplier's help.",
        evidence,
    )


def _role(a: Answers) -> Finding:
    role, training = a.option("dp_role"), a.option("dp_trains_on_pupil_data")
    evidence = a.evidence("dp_role", "dp_trains_on_pupil_data")
    if role is None:
        return unknown(a, ("dp_role",), evidence)
    if role == "processor":
        # Training models for the supplier's own benefit is controller processing, whatever the label.
        if training == "yes_by_default":
            return not_met(
                "The supplier calls itself only a processor, yet trains models on pupils' data by default: that is a "
                "purpose of its own, "
                "for which it is a controller. The ICO found exactly this mislabelling in its edtech audit.",
                evidence,
            )
        if training == "opt_in_only":
            return partial(
                "The supplier calls itself only a processor, but can train models on pupils' data if the school opts "
                "in; for that use it "
                "acts as a controller and should say so.",
                evidence,
            )
        return met("The supplier acts only on the school's instructions, as a processor.", evidence)
    if role == "processor_with_own_purposes":
        return met(
            "The supplier is a processor for the service and declares that it is a controller for its own "
            "purposes (such as product "
            "improvement); the school's privacy notice should mention these.",
            evidence,
        )
    if role == "joint_controller":
        return partial(
            "The supplier says it is a joint controller with the school; UK GDPR Art. 26 then requires a written "
            "arrangement setting out who does what.",
            evidence,
        )
    return partial(
        "The supplier says it is a controller of the personal data, so it decides how pupils' data is used; "
        "the school needs a data-sharing "
        "agreement and must check the supplier's own lawful basis.",
        evidence,
    )


def _personal_data(a: Answers) -> Finding:
    data, condition = a.options("dp_personal_data"), a.text("dp_special_category_condition")
    evidence = a.evidence("dp_personal_data", "dp_special_category_condition")
    if not data:  # an empty list is not an answer: "none" is an option
        return unknown(a, ("dp_personal_data",), evidence)
    special = [label for key, label in SPECIAL_CATEGORIES.items() if key in data]
    if not special:
        if set(data) <= {"none"}:
            return met("The supplier says the product processes no personal data.", evidence)
        return met(
            "The supplier lists the personal data the product processes, and none of it is special-category data.", evidence
        )
    kinds = ", ".join(special)
    if condition is None:
        return unknown(a, ("dp_special_category_condition",), evidence)
    if ART9_CONDITION.search(condition):
        return met(
            f"The supplier declares special-category data ({kinds}) and names the Article 9 condition for processing it.",
            evidence,
        )
    if NO_CONDITION.match(condition):
        return not_met(
            f"The supplier lists special-category data ({kinds}) but gives no Article 9 condition for processing "
            "it, so the processing is not lawful as described.",
            evidence,
        )
    if "legitimate interest" in condition.lower():
        return not_met(
            f"The supplier lists special-category data ({kinds}) and relies on legitimate interests, which is not "
            "an Article 9 condition: "
            "the processing is not lawful as described.",
            evidence,
        )
    return partial(
        f"The supplier lists special-category data ({kinds}) and states a basis, but it does not name a "
        "recognisable Article 9(2) "
        "condition; ask the school's data protection officer to check it.",
        evidence,
    )


def _retention(a: Answers) -> Finding:
    retention, deletion = a.text("dp_retention"), a.flag("dp_deletion_at_contract_end")
    evidence = a.evidence("dp_retention", "dp_deletion_at_contract_end")
    if retention is None or deletion is None:
        return unknown(a, a.missing("dp_retention", "dp_deletion_at_contract_end"), evidence)
    specific = bool(SPECIFIC_RETENTION.search(retention)) and not OPEN_ENDED_RETENTION.search(retention)
    if specific and deletion:
        return met("The supplier states retention periods and deletes the school's data at the end of the contract.", evidence)
    if specific:
        return partial(
            "The supplier states retention periods, but does not delete the school's data at the end of the contract.", evidence
        )
    if deletion:
        return partial(
            "The supplier deletes the school's data at the end of the contract, but its retention periods are "
            "open-ended or unspecific.",
            evidence,
        )
    return not_met(
        "The supplier's retention is open-ended or unspecific, and it does not delete the school's data at "
        "the end of the contract.",
        evidence,
    )


def _transfers(a: Answers) -> Finding:
    region, mechanism = a.option("dp_storage_region"), a.option("dp_transfer_mechanism")
    evidence = a.evidence("dp_storage_region", "dp_transfer_mechanism")
    if region is None:
        return unknown(a, ("dp_storage_region",), evidence)
    if region == "uk":
        return met("Personal data is stored and processed in the UK, so no international transfer safeguard is needed.", evidence)
    if region == "eea":
        return met("Personal data goes to the European Economic Area, which UK adequacy regulations cover.", evidence)
    place = "the United States" if region == "us" else "a country outside the UK and EEA"
    if mechanism is None:
        return unknown(a, ("dp_transfer_mechanism",), evidence)
    if mechanism in ("none", "not_needed"):
        return not_met(
            f"Personal data goes to {place} with no transfer safeguard, so the transfer is not lawful as described.", evidence
        )
    named = {
        "adequacy": "UK adequacy regulations",
        "idta": "the ICO's International Data Transfer Agreement",
        "addendum": "the UK Addendum to the EU standard contractual clauses",
    }
    extra = (
        " (the UK–US data bridge applies only if the recipient is certified; check it)"
        if (region, mechanism) == ("us", "adequacy")
        else ""
    )
    return met(f"Personal data goes to {place}, covered by {named[mechanism]}{extra}.", evidence)


def _subprocessors(a: Answers) -> Finding:
    listed, flowdown = a.flag("dp_subprocessors_listed"), a.flag("dp_no_training_flowdown")
    evidence = a.evidence("dp_subprocessors_listed", "dp_no_training_flowdown")
    if listed is False and flowdown is False:
        return not_met(
            "Sub-processors, including the AI model provider, are not listed, and the AI provider is not barred "
            "from training on the school's data.",
            evidence,
        )
    if missing := a.missing("dp_subprocessors_listed", "dp_no_training_flowdown"):
        return unknown(a, missing, evidence)
    if listed and flowdown:
        return met(
            "Sub-processors, including the AI model provider, are listed, and each AI provider is contractually "
            "barred from training on the school's data.",
            evidence,
        )
    if listed:
        return partial(
            "Sub-processors are listed, but the AI model provider is not contractually barred from training on "
            "the school's data.",
            evidence,
        )
    return partial(
        "AI providers are barred from training on the school's data, but sub-processors are not listed, so "
        "the school cannot map where data goes.",
        evidence,
    )


def _training(a: Answers) -> Finding:
    training = a.option("dp_trains_on_pupil_data")
    evidence = a.evidence("dp_trains_on_pupil_data")
    if training is None:
        return unknown(a, ("dp_trains_on_pupil_data",), evidence)
    if training == "never":
        return met("The supplier says pupils' data and work are never used to train or fine-tune AI models.", evidence)
    if training == "opt_in_only":
        # Not a red line, but only "never" fully protects: an opt-in still needs the school's own lawful basis and decision.
        return partial(
            "The supplier trains or fine-tunes models on pupils' data or work only if the school opts in. This "
            "is not a red line, but "
            "the school should opt in only with a lawful basis, a DPIA covering it, and pupils and parents told.",
            evidence,
        )
    return not_met(
        "The supplier says pupils' work is used to train its models by default. This crosses a red line: "
        "children's data and work "
        "must never train AI models without a lawful basis and a deliberate opt-in.",
        evidence,
    )


def _security(a: Answers) -> Finding:
    encrypted, mfa = a.flag("dp_encryption"), a.flag("dp_mfa_staff")
    certifications, hours = a.options("dp_certifications"), a.number("dp_breach_notification_hours")
    evidence = a.evidence("dp_encryption", "dp_mfa_staff", "dp_certifications", "dp_breach_notification_hours")
    if encrypted is False:
        return not_met(
            "Personal data is not encrypted in transit and at rest, a basic safeguard every school should expect.", evidence
        )
    if encrypted is None or mfa is None or certifications is None or hours is None:
        return unknown(
            a, a.missing("dp_encryption", "dp_mfa_staff", "dp_certifications", "dp_breach_notification_hours"), evidence
        )
    held = set(certifications) - {"none"}
    gaps = []
    if not mfa:
        gaps.append("staff accounts lack multi-factor authentication")
    if not held & STRONG_CERTIFICATIONS:
        gaps.append("it holds only self-assessed Cyber Essentials" if held else "it holds no security certification")
    if hours > BREACH_NOTICE_HOURS:
        gaps.append(
            f"it promises to report a breach to the school only within {age(hours)} hours (schools commonly expect 24–48)"
        )
    if not gaps:
        return met(
            "Data is encrypted, staff use multi-factor authentication, the supplier holds independent security "
            f"certification, and it reports breaches to schools within {age(hours)} hours.",
            evidence,
        )
    summary = "; ".join(gaps)
    if len(gaps) == 3:
        return not_met(f"Data is encrypted, but {summary}.", evidence)
    return partial(f"Data is encrypted, but {summary}.", evidence)


def _automated_decisions(a: Answers) -> Finding:
    decisions = a.option("dp_automated_decisions")
    evidence = a.evidence("dp_automated_decisions")
    if decisions is None:
        return unknown(a, ("dp_automated_decisions",), evidence)
    if decisions == "none":
        return met("The supplier says the product makes no automated decisions with significant effects on pupils.", evidence)
    if decisions == "with_human_review":
        return met(
            "The product makes decisions with significant effects on pupils, and a member of staff reviews each "
            "one before it takes effect.",
            evidence,
        )
    return not_met(
        "The product makes decisions with significant effects on pupils without a person reviewing them, "
        "which UK GDPR Article 22 does not allow without safeguards.",
        evidence,
    )


def _privacy_information(a: Answers) -> Finding:
    notice, url = a.flag("dp_pupil_privacy_notice"), a.get("dp_privacy_policy_url")
    evidence = a.evidence("dp_pupil_privacy_notice", "dp_privacy_policy_url") + a.entry("pupil_interaction")
    if not a.pupil_facing:
        # Pupils never see a staff-only tool, so a notice written for them is not needed; the policy still is.
        if url is None:
            return unknown(a, ("dp_privacy_policy_url",), evidence)
        return met(
            "Only staff use the AI, so a notice written for pupils is not needed; the supplier links to its privacy policy.",
            evidence,
        )
    if notice is None:
        return unknown(a, ("dp_pupil_privacy_notice",), evidence)
    if notice and url:
        return met(
            "There is privacy information written for the pupils who use the product, and a linked privacy policy.", evidence
        )
    if notice:
        return partial(
            "The supplier says there is privacy information written for pupils, but gives no link to its privacy "
            "policy, so the school cannot check it.",
            evidence,
        )
    if url:
        return partial(
            "There is a privacy policy, but no privacy information written for the pupils who use the product.", evidence
        )
    return not_met("There is no privacy information written for pupils and no linked privacy policy.", evidence)


CHECKS: dict[str, Check] = {
    "DP1": _dpia,
    "DP2": _role,
    "DP3": yes_no_check(
        "dp_dpa_available",
        yes="Schools can sign a data processing agreement meeting UK GDPR Article 28.",
        no="No data processing agreement meeting UK GDPR Article 28 is available, so a school using the product "
        "would be in breach.",
    ),
    "DP4": _personal_data,
    "DP5": yes_no_check(
        "dp_minimisation_default",
        yes="Non-essential features and new uses of data stay off until the school turns them on.",
        no="Non-essential features or new uses of data are on by default, collecting more than the school may need.",
    ),
    "DP6": _retention,
    "DP7": _transfers,
    "DP8": _subprocessors,
    "DP9": _training,
    "DP10": yes_no_check(
        "dp_advertising_or_sale",
        yes="The supplier says pupils' data is sold, used for targeted advertising, tracked by third parties or "
        "profiled commercially. "
        "This crosses a red line: pupils' data must never be used for profit.",
        no="The supplier says pupils' data is never sold, used for targeted advertising, tracked by third "
        "parties or profiled commercially.",
        good=False,
    ),
    "DP11": _security,
    "DP12": yes_no_check(
        "dp_subject_rights",
        yes="Schools can find, export and fully delete a person's data to answer access and erasure requests.",
        no="Schools have no route to export or fully delete a person's data, making access and erasure requests hard to answer.",
    ),
    "DP13": _automated_decisions,
    "DP14": _privacy_information,
    "DP15": yes_no_check(
        "dp_education_accounts",
        yes="Staff and pupils use education-tenant accounts managed by the school.",
        no="Staff or pupils use consumer accounts, outside the school's contract and control.",
    ),
}


def evaluate(product: ProductSnapshot) -> list[CriterionResult]:
    return run_checks(CRITERIA, CHECKS, QUESTIONS, product)


EVALUATOR = Evaluator(
    id="data_protection",
    name="Data protection",
    version="1.0.0",
    description=(
        "Checks whether a school can use the product lawfully with pupils' and staff's personal data: DPIA, roles and "
        "contracts, data and special-category data, retention, transfers, AI sub-processors, training on pupils' data, "
        "security and pupils' rights. Based on UK GDPR, the ICO's DPIA guidance and its Edtech examined audit (June 2026), "
        "and the Common Sense and 1EdTech privacy rubrics."
    ),
    criteria=CRITERIA,
    questions=QUESTIONS,
    evaluate=evaluate,
)


@hookimpl
def catalogue_evaluators() -> list[Evaluator]:
    return [EVALUATOR]
