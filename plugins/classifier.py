"""The built-in classifier: signals that a product's AI serves staff workflow or teaching & learning.

It follows the decision rule in ``evaluator-criteria.md``: *teaching & learning*
when pupils interact with the AI, or its output reaches them unreviewed;
*workflow* when the AI serves staff, even on a platform pupils use. It judges
the AI features first: the ``ai_features`` text counts fully, the summary and
description (which describe the wider platform) count for less, and the
structured answers (``pupil_interaction``, ``intended_users``) count as one
voice among several. When the structured answers and the text disagree it
says so with a ``conflict`` signal, which lowers the confidence.

The phrase lists describe *kinds of use*, not particular products; add to them
only with evidence from several products, never to fix one example.
"""

from __future__ import annotations

import re
import re._parser as re_parser  # reading patterns for their required words (see required_words)
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from catalogue.contract import ProductSnapshot, Signal
from catalogue.hookspecs import hookimpl

# How much a phrase counts, by where it was found.
FIELD_WEIGHT = {"ai_features": 1.0, "summary": 0.4, "description": 0.3}
# Only this much of each field is read: enough for any honest entry, and it
# bounds the work on hostile input.
MAX_CHARS = 6000


SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


class Text(NamedTuple):
    """A field's text, and the copy of it that the phrase patterns search.

    Python's ``re`` runs case-insensitive patterns about three times slower than
    case-sensitive ones, and classifying is most of the cost of a bulk import.
    ASCII text (nearly every entry) is searched as a lower-cased copy by
    lower-cased patterns: the same matches at the same offsets, so excerpts
    still quote ``original``. Other text is searched as written, ignoring case.
    """

    original: str
    searched: str
    lowered: bool

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(text, text.lower(), True) if text.isascii() else cls(text, text, False)

    def part(self, start: int, end: int) -> Text:
        return Text(self.original[start:end], self.searched[start:end], self.lowered)

    def sentences(self) -> list[Text]:
        parts, start = [], 0
        for gap in SENTENCE_END.finditer(self.original):
            parts.append(self.part(start, gap.start()))
            start = gap.end()
        parts.append(self.part(start, len(self.original)))
        return parts


UNSAFE_FOR_LOWER_CASE = re.compile(r"\\[xuN0-7]|\(\?[a-z-]")


class Phrases:
    """A case-insensitive pattern, compiled for text as written and for a lower-cased copy (see ``Text``).

    Most patterns are absent from most texts, and ``re`` tries every position
    of a text before it says so. So lower-cased text is first checked for the
    pattern's ``required`` words (``required_words``): a plain substring test,
    many times faster, that rules the pattern out when none of them is there.
    """

    __slots__ = ("any_case", "lower_case", "required")

    def __init__(self, expression: str) -> None:
        # Written in lower case, and without what would match differently in
        # lower-cased text (inline flags, characters given by code), the same
        # expression serves both ways.
        if expression != expression.lower() or UNSAFE_FOR_LOWER_CASE.search(expression):
            raise ValueError(
                f"write {expression!r} in lower case (it matches any case), without inline flags or character codes"
            )
        self.any_case = re.compile(expression, re.IGNORECASE)
        self.lower_case = re.compile(expression)
        self.required = required_words(expression)

    def _absent(self, text: Text) -> bool:
        if not text.lowered or self.required is None:
            return False
        for word in self.required:  # a loop, not any(): this runs a million times in a large import
            if word in text.searched:
                return False
        return True

    def finditer(self, text: Text) -> Iterator[re.Match[str]]:
        if self._absent(text):
            return iter(())
        return (self.lower_case if text.lowered else self.any_case).finditer(text.searched)

    def search(self, text: Text) -> re.Match[str] | None:
        if self._absent(text):
            return None
        return (self.lower_case if text.lowered else self.any_case).search(text.searched)


def required_words(expression: str) -> tuple[str, ...] | None:
    """Strings of which every match of ``expression`` contains at least one, or None if there are none.

    Read from the parsed pattern: a branch needs one of its alternatives' words,
    a sequence the most telling words of one of its parts (its longest run of
    plain characters, say), and optional parts, character classes and
    look-arounds need nothing. Anything unfamiliar gives None: no shortcut, the
    pattern is always searched.
    """
    try:
        words = _required(re_parser.parse(expression))
    except Exception:  # a construct this reading does not know: search every text
        return None
    if not words:
        return None
    # A text with "plan" in it has it whether or not it also has "plans": keep the shortest.
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


def _required(sequence: Any) -> set[str] | None:
    """The words one of which every match of a parsed sequence contains (see ``required_words``)."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, argument in [*sequence, (None, None)]:  # the sentinel ends the last run of characters
        if op is re_parser.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        if op is re_parser.SUBPATTERN:
            part = _required(argument[-1])
        elif op is re_parser.BRANCH:
            alternatives = [_required(branch) for branch in argument[1]]
            part = None if any(a is None for a in alternatives) else set().union(*alternatives)  # type: ignore[arg-type]
        elif op in (re_parser.MAX_REPEAT, re_parser.MIN_REPEAT) and argument[0] >= 1:
            part = _required(argument[2])
        elif op in (re_parser.AT, re_parser.ASSERT, re_parser.ASSERT_NOT, re_parser.IN, re_parser.ANY,
                    re_parser.NOT_LITERAL, re_parser.MAX_REPEAT, re_parser.MIN_REPEAT, re_parser.CATEGORY, None):
            # Matches without any particular word: a class, a boundary, a repeat that may occur
            # no times; a look-around's words lie outside the match.
            part = None
        else:
            raise ValueError(f"unfamiliar pattern construct {op}")
        if part:
            candidates.append(part)
    # The most telling: the longest shortest word, then the fewest words.
    return max(candidates, key=lambda words: (min(map(len, words)), -len(words)), default=None)


@dataclass(frozen=True)
class UseCasePattern:
    use_case: str
    kind: str
    reason: str
    pattern: Phrases


# Every pattern is written in lower case and matches any case (see ``Phrases``).
PUPIL = r"(?:pupils?|students?|learners?|children|child|kids|young people)"
STAFF = r"(?:teachers?|staff|senco?s?|leaders?|heads?|headteachers?|administrators?|office|practitioners?|tutors? in school|governors?|trusts?|schools?)"

USE_CASES = (
    UseCasePattern(
        "lesson_planning",
        "workflow",
        "the AI helps teachers plan lessons",
        Phrases(
            r"lesson plan|planning|plan (?:\w+ ){0,2}(?:lessons?|units?|sequences?|faster)|schemes? of work|medium[- ]term|unit plans?|curriculum maps?"
        ),
    ),
    UseCasePattern(
        "resource_creation",
        "workflow",
        "the AI drafts teaching resources for teachers",
        Phrases(
            r"worksheets?|slides?|resources?|question banks?|generat\w* (?:quiz\w*|questions|activities|materials|texts)|differentiat\w+|exit tickets?|retrieval practice (?:quizzes|questions) for"
        ),
    ),
    UseCasePattern(
        "marking_feedback",
        "workflow",
        "the AI helps teachers mark work",
        Phrases(r"\bmark(?:ing|s|ed)?\b(?! ?down)|grading|moderat\w+|mark schemes?|assess\w* (?:essays|scripts|coursework)"),
    ),
    UseCasePattern(
        "report_writing",
        "workflow",
        "the AI drafts school reports",
        Phrases(
            r"report comments?|reports? (?:to|for) parents|end[- ]of[- ](?:year|term) reports?|school reports?|(?:writ|draft)\w* (?:\w+ ){0,3}reports?"
        ),
    ),
    UseCasePattern(
        "admin_communication",
        "workflow",
        "the AI handles admin and communications for staff",
        Phrases(
            r"letters?|e-?mails?|newsletters?|parent(?:s|al)? (?:communication|messages?|updates)|messages? to (?:parents|families)|timetabl\w+|cover (?:work|supervision|arrangements)|minutes|polic(?:y|ies)|admin\w*|rotas?|risk assessments?|observations?|learning journals?|record[- ]keeping"
        ),
    ),
    UseCasePattern(
        "data_insight",
        "workflow",
        "the AI analyses school data for staff",
        Phrases(
            r"attendance|analytics|dashboards?|\bmis\b|data (?:analysis|insights?)|trends|predict\w* (?:attainment|attendance|risk|outcomes)|at[- ]risk"
        ),
    ),
    UseCasePattern(
        "send_administration",
        "workflow",
        "the AI drafts SEND paperwork for staff",
        Phrases(
            r"\behcp?s?\b|education,? health and care|\bieps?\b|individual education plans?|provision maps?|one[- ]page profiles?|annual reviews?|support plans?|\bsenco"
        ),
    ),
    UseCasePattern(
        "leadership",
        "workflow",
        "the AI supports leaders and governors",
        Phrases(r"governors?|governance|trust boards?|self[- ]evaluation|\bsef\b|improvement plans?|board papers?|leadership"),
    ),
    UseCasePattern(
        "tutoring",
        "teaching_learning",
        "pupils are tutored by the AI",
        Phrases(
            r"\btutor(?:s|ing)?\b|homework help|help(?:s|ing)? (?:\w+ )?with (?:their )?homework|explains? (?:the |any |each )?(?:mistakes?|task|idea|difficult words|steps)|step[- ]by[- ]step (?:help|hints|explanations)|socratic|hints?\b|explains? (?:concepts|ideas|mistakes) to"
        ),
    ),
    UseCasePattern(
        "adaptive_practice",
        "teaching_learning",
        "the AI adapts practice to each pupil",
        Phrases(
            r"adaptive|adapts? (?:to|the difficulty)|personalised (?:practice|questions|learning paths?|pathways?)|spaced repetition|next question|mastery|practice (?:questions|sets) (?:tailored|adjusted)"
        ),
    ),
    UseCasePattern(
        "feedback_to_pupils",
        "teaching_learning",
        "pupils get feedback from the AI",
        Phrases(
            rf"feedback (?:\w+ )?(?:to|for) (?:the |each )?{PUPIL}|{PUPIL} (?:receive|get|see) (?:instant |immediate |personalised )?feedback|instant feedback|immediate feedback"
        ),
    ),
    UseCasePattern(
        "assessment_of_pupils",
        "teaching_learning",
        "the AI assesses pupils directly",
        Phrases(
            r"diagnostic|baseline assessment|proctor\w*|invigilat\w*|assess(?:es)? (?:each |the )?(?:pupil|child|student)s?'? (?:reading|level|understanding)|adaptive tests?|placement test"
        ),
    ),
    UseCasePattern(
        "reading_writing_support",
        "teaching_learning",
        "the AI supports pupils' reading or writing",
        Phrases(
            rf"read(?:s|ing)? (?:\w+ )?aloud|reading fluency|phonics|decod\w+|comprehension|{PUPIL}'? (?:writing|spelling)|writing (?:coach|support|buddy)|sentence starters"
        ),
    ),
    UseCasePattern(
        "language_learning",
        "teaching_learning",
        "the AI helps pupils learn a language",
        Phrases(
            r"\beal\b|english as an additional language|language learning|pronunciation|speaking practice|conversation practice|new arrivals|modern foreign languages?|\bmfl\b|home languages?"
        ),
    ),
    UseCasePattern(
        "accessibility_send",
        "teaching_learning",
        "the AI helps pupils with SEND or disabilities access learning",
        Phrases(
            r"text[- ]to[- ]speech|speech[- ]to[- ]text|dyslexi\w+|\baac\b|augmentative|symbols?\b|visual(?:ly)? impair\w+|assistive|simplif\w+ (?:text|language) for|communication aids?"
        ),
    ),
    UseCasePattern(
        "creativity",
        "teaching_learning",
        "pupils create with the AI",
        Phrases(
            rf"{PUPIL} (?:can )?(?:create|make|generate|design|compose) (?:their own )?(?:stories|images|pictures|art|music|comics|characters)|story (?:generator|maker|creation)|image (?:model|generat\w+)|generat\w+ (?:images|pictures|artwork|music)|(?:write|writing) (?:their own )?stories"
        ),
    ),
    UseCasePattern(
        "ai_literacy",
        "teaching_learning",
        "pupils learn about AI itself",
        Phrases(
            r"ai literacy|about (?:how )?ai works|learn(?:s|ing)? about (?:ai|artificial intelligence)|prompt(?:ing)? skills|evaluate ai (?:outputs|answers)"
        ),
    ),
    UseCasePattern(
        "live_classroom",
        "teaching_learning",
        "the AI takes part in live lessons with pupils",
        Phrases(
            rf"live (?:quiz\w*|lessons?|classroom)|during (?:the )?lessons?,? {PUPIL}|class discussions?|{PUPIL} (?:respond|answer) (?:live|in real time)"
        ),
    ),
)

# Who receives the AI's output: the heart of the decision rule.
PUPILS_USE_AI = Phrases(
    rf"{PUPIL}[^.;]{{0,50}}\b(?:ask|asks|chat|chats|talk|talks|type|types|speak|speaks|practis\w*|answer|answers|interact\w*|converse\w*|work (?:with|through)|receive|receives|use|uses|prompt|prompts|play|plays|write|writes|compose|composes|press|presses|tap|taps|get|gets|have|has)\b[^.;]{{0,40}}\b(?:ai|assistant|chatbot|bot|tutor|model|it)\b"
    rf"|(?:ai|assistant|chatbot|bot|tutor|avatar)[^.;]{{0,40}}\b(?:talks|speaks|responds|replies|listens|asks|guides|coaches|helps|supports|reads|explains|answers|adapts|quizzes)\b[^.;]{{0,30}}(?:to |with |for )?(?:each |the |a |their )?{PUPIL}"
    rf"|\bfor {PUPIL},|{PUPIL} (?:get|have|receive) (?:an? )?(?:ai|filtered|personal)"
)
STAFF_USE_AI = Phrases(
    rf"{STAFF}[^.;]{{0,50}}\b(?:type|types|enter|enters|upload|uploads|paste|pastes|ask|asks|generate|generates|draft|drafts|create|creates|use|uses|choose|chooses|select|selects|request|requests|prompt|prompts)\b"
    rf"|(?:for|helps|saves) {STAFF}|{STAFF} (?:get|gets|receive|receives) (?:an? )?ai"
)
REVIEWED_BEFORE_PUPILS = Phrases(
    rf"(?:review|reviews|check|checks|edit|edits|approve|approves|adapt|adapts)[^.;]{{0,60}}before[^.;]{{0,40}}(?:shar\w+|us\w+|sen\w+|giv\w+|releas\w+|publish\w+|set\w*)"
    rf"|reviewed (?:and \w+ )?by (?:a |the )?{STAFF}|(?:teacher|staff)[- ](?:approved|reviewed)|teacher in the loop|human in the loop"
)
UNREVIEWED_TO_PUPILS = Phrases(
    rf"(?:straight|directly|automatically|instantly) (?:\w+ )?(?:to|with) (?:the )?{PUPIL}|to (?:the |each )?{PUPIL} (?:straight away|immediately|instantly|in real time)|(?:on their own screens?|to them) (?:straight away|immediately|instantly)|no (?:teacher|staff) (?:approval|review)|(?:teacher|staff) (?:does not|doesn't|do not|don't) (?:approve|review|check)|without (?:a |any )?(?:teacher|staff|human) (?:review|checking|check|seeing)"
    rf"|(?:sent|returned|released|delivered|shown) (?:straight|directly|automatically) to {PUPIL}"
)
STAFF_ONLY_AI = Phrases(
    rf"(?:only|just|solely) (?:by |for )?(?:the )?(?:teachers|staff|adults|senco|leaders)|{PUPIL}[^.;]{{0,50}}\b(?:do not|don't|never|cannot|can't) (?:use|see|access|interact with|talk to|chat with)[^.;]{{0,30}}(?:ai|assistant|feature|tool|it)"
    rf"|{PUPIL}[^.;]{{0,50}}\bnever (?:\w+ ){{0,2}}the ai"
    rf"|not (?:pupil|student|child)[- ](?:facing)|staff[- ](?:only|facing)|no (?:pupil|student|child) access|behind the teacher"
    r"|the only ai (?:feature|use|function)[^.;]{0,60}for (?:teachers|staff)"
)


NEGATION = Phrases(r"\b(?:never|not|no|nor|cannot|without)\b|n't\b")


def _affirmed(pattern: Phrases, text: Text, *, negative_phrasing: bool = False) -> re.Match[str] | None:
    """The first match not negated ("never sent directly to pupils", "pupils … never use the AI").

    A negation just before the match, or inside it, voids it — unless the
    pattern itself is phrased negatively ("without teacher review").
    """
    for match in pattern.finditer(text):
        before = text.part(max(0, match.start() - 25), match.start())
        if NEGATION.search(before) or (not negative_phrasing and NEGATION.search(text.part(*match.span()))):
            continue
        return match
    return None


def _excerpt(text: Text, match: re.Match[str], room: int = 40) -> str:
    original = text.original
    start, end = max(0, match.start() - room), min(len(original), match.end() + room)
    snippet = " ".join(original[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(original) else "")


def _sentence_audience(sentence: Text) -> str | None:
    """Whom the AI serves in one sentence: "teaching_learning" (pupils), "workflow" (staff), or None if unclear."""
    pupils = _affirmed(PUPILS_USE_AI, sentence) or _affirmed(UNREVIEWED_TO_PUPILS, sentence, negative_phrasing=True)
    staff = _affirmed(STAFF_USE_AI, sentence) or _affirmed(REVIEWED_BEFORE_PUPILS, sentence) or STAFF_ONLY_AI.search(sentence)
    if pupils and not staff:
        return "teaching_learning"
    if staff and not pupils:
        return "workflow"
    return None


def _text_signals(product: ProductSnapshot) -> list[Signal]:
    """Use cases named in the text, each counted once, from the most telling field.

    In the AI features, a use case counts for the side the sentence says the AI
    serves: "generates phonics worksheets for teachers to check" is workflow
    even though phonics is a pupil's subject; "marks answers and explains the
    mistake to the pupil straight away" is teaching & learning.
    """
    signals: list[Signal] = []
    seen: set[str] = set()
    for field_name, field_weight in FIELD_WEIGHT.items():
        text = Text.of(getattr(product, field_name)[:MAX_CHARS])
        # One search over the whole field first: most use cases are absent, and
        # skipping them keeps classification cheap on long texts.
        candidates = [p for p in USE_CASES if p.use_case not in seen and p.pattern.search(text)]
        if not candidates:
            continue
        sentences = text.sentences() if field_name == "ai_features" else [text]
        for sentence in sentences:
            audience: str | None = None
            audience_known = field_name != "ai_features"
            for pattern in candidates:
                if pattern.use_case in seen:
                    continue
                match = _affirmed(pattern.pattern, sentence)
                if not match:
                    continue
                if not audience_known:
                    audience, audience_known = _sentence_audience(sentence), True
                seen.add(pattern.use_case)
                if audience is not None and audience != pattern.kind:
                    # The words belong to the other side, but this AI serves the sentence's audience.
                    reason = (
                        "the AI serves staff here, though the words are about pupils' learning"
                        if audience == "workflow"
                        else "pupils receive this AI output directly, though the task sounds like staff work"
                    )
                    signals.append(Signal(audience, reason, field_name, _excerpt(sentence, match), field_weight / 2))
                else:
                    signals.append(
                        Signal(
                            pattern.kind, pattern.reason, field_name, _excerpt(sentence, match), field_weight, pattern.use_case
                        )
                    )
    return signals


def _audience_signals(product: ProductSnapshot) -> list[Signal]:
    """Who uses the AI and whether a teacher stands between it and the pupils, from the AI features text."""
    text = Text.of(product.ai_features[:MAX_CHARS])
    signals: list[Signal] = []
    checks = (
        (PUPILS_USE_AI, "teaching_learning", "the AI features describe pupils using the AI themselves", 1.5),
        (UNREVIEWED_TO_PUPILS, "teaching_learning", "the AI's output reaches pupils without a teacher reviewing it first", 2.0),
        (STAFF_USE_AI, "workflow", "the AI features describe staff using the AI", 1.0),
        (REVIEWED_BEFORE_PUPILS, "workflow", "a teacher reviews the AI's output before pupils see it", 1.5),
        (STAFF_ONLY_AI, "workflow", "the AI features say only staff use the AI", 2.0),
    )
    for pattern, kind, reason, weight in checks:
        if pattern is STAFF_ONLY_AI:
            match = pattern.search(text)
        else:
            match = _affirmed(pattern, text, negative_phrasing=pattern is UNREVIEWED_TO_PUPILS)
        if match:
            signals.append(Signal(kind, reason, "ai_features", _excerpt(text, match), weight))
    return signals


def _structured_signals(product: ProductSnapshot) -> list[Signal]:
    signals = []
    if product.pupil_interaction == "direct":
        signals.append(Signal("teaching_learning", "pupils use the AI on their own", "pupil_interaction", "direct", 2.0))
    elif product.pupil_interaction == "supervised":
        signals.append(
            Signal("teaching_learning", "pupils use the AI with an adult present", "pupil_interaction", "supervised", 1.5)
        )
    else:
        signals.append(Signal("workflow", "the supplier says pupils never use the AI", "pupil_interaction", "none", 1.5))
    if "pupils" not in product.intended_users:
        staff = ", ".join(product.intended_users)
        signals.append(Signal("workflow", "only staff are intended users", "intended_users", staff, 0.5))
    return signals


def _conflicts(product: ProductSnapshot, structured: list[Signal], text: list[Signal]) -> list[Signal]:
    """Say when the structured answers and the AI features text point different ways."""
    text_weight = {kind: sum(s.weight for s in text if s.kind == kind) for kind in ("workflow", "teaching_learning")}
    staff_only = any(s.reason == "the AI features say only staff use the AI" for s in text)
    conflicts = []
    if (
        product.pupil_interaction == "none"
        and text_weight["teaching_learning"] >= 1.5
        and text_weight["teaching_learning"] > text_weight["workflow"]
    ):
        conflicts.append(
            Signal(
                "conflict",
                "the entry says pupils never use the AI, but the AI features describe pupils using it",
                "pupil_interaction",
                product.pupil_interaction,
                1.0,
            )
        )
    if product.pupil_facing and (staff_only or (text_weight["workflow"] >= 2.0 and text_weight["teaching_learning"] == 0)):
        conflicts.append(
            Signal(
                "conflict",
                "pupils use the product, but its AI features as described serve staff",
                "pupil_interaction",
                product.pupil_interaction,
                1.0,
            )
        )
    return conflicts


@hookimpl
def catalogue_classification_signals(product: ProductSnapshot) -> list[Signal]:
    structured = _structured_signals(product)
    text = _text_signals(product) + _audience_signals(product)
    conflicts = _conflicts(product, structured, text)
    if conflicts:
        # When the answers and the text disagree, neither decides alone: the
        # structured answers are halved so clear text can outweigh them.
        structured = [Signal(s.kind, s.reason, s.field, s.evidence, s.weight / 2, s.use_case) for s in structured]
    return structured + text + conflicts
