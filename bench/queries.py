"""The fixed, deterministic mix of register searches used by search_latency.py and http_throughput.py.

Each query is text + two facet selections + one minimum score, as a trust
would filter the register ("phonics", primary, supervised, overall >= 60).
Text avoids stop words, so whoosh (which drops them) and SQLite FTS5 (which
does not) are asked the same thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import urlencode

TEXTS = (
    "lesson planning", "lesson plans", "planning", "marking", "feedback", "marking feedback", "tutor", "maths tutor",
    "reading", "phonics", "phonics reading", "EAL", "reports", "report comments", "school reports", "attendance",
    "persistent absence", "SEND", "EHCP", "dyslexia", "worksheets", "quiz", "quizzes", "homework help", "timetable",
    "letters parents", "safeguarding", "retrieval practice", "spaced repetition", "pronunciation", "speaking practice",
    "governors", "provision maps", "comprehension", "writing coach", "spelling", "science", "history", "geography",
    "adaptive practice", "mock exams", "moderation", "AI literacy", "data dashboards", "new arrivals", "curriculum",
    "differentiated worksheets", "trust", "teachers", "pupils", "AI tutor", "mastery", "stories", "images",
    "assessment", "diagnostic", "baseline assessment", "support plans", "annual reviews", "newsletters",
    '"lesson plans"', '"reading fluency"', '"instant feedback"', '"home languages"', '"scheme of work"',
    '"mark scheme"', '"worked examples"', "plan lessons faster", "parents reports", "hints", "conversation practice",
    "symbols", "speech recognition", "cover arrangements", "risk assessments", "improvement plans", "board papers",
    "music", "computing", "French", "Spanish", "vocabulary", "knowledge organisers", "exit tickets", "misconceptions",
)

# Facet values a trust typically picks (values from catalogue.vocab).
FACET_CHOICES = {
    "category": ("workflow", "teaching_learning", "both"),
    "use_case": ("lesson_planning", "resource_creation", "marking_feedback", "report_writing", "admin_communication",
                 "data_insight", "tutoring", "adaptive_practice", "reading_writing_support", "language_learning",
                 "accessibility_send", "feedback_to_pupils"),
    "phase": ("early_years", "primary", "primary", "secondary", "secondary", "sixth_form", "special"),
    "key_stage": ("eyfs", "ks1", "ks2", "ks2", "ks3", "ks4", "ks5"),
    "intended_users": ("teachers", "teachers", "pupils", "leaders", "admin_staff", "send_specialists", "parents"),
    "pupil_interaction": ("none", "supervised", "direct"),
    "pricing": ("free", "freemium", "subscription", "per_pupil", "quote"),
    "assurance": ("declared",),
    "storage_region": ("uk", "uk", "eea", "us"),
    "red_lines": ("none", "none", "any"),
}
MIN_SCORE_KEYS = ("overall", "overall", "overall", "safeguarding", "data_protection", "age_suitability", "accessibility")
MIN_SCORES = (40, 50, 60, 60, 70, 80)


@dataclass(frozen=True)
class Query:
    q: str
    facets: tuple[tuple[str, str], tuple[str, str]]
    min_key: str
    min_score: int

    def params(self):  # -> catalogue.search.SearchParams
        from catalogue.search import SearchParams

        return SearchParams(q=self.q, facets={f: (v,) for f, v in self.facets}, min_scores={self.min_key: self.min_score})

    def api_path(self) -> str:
        args = [("q", self.q), *self.facets, ("min_overall" if self.min_key == "overall" else f"min_score.{self.min_key}", self.min_score)]
        return "/api/v1/products?" + urlencode(args)

    def datasette_path(self, database: str) -> str:
        """The same search on Datasette: FTS, the two facet filters, the score filter, all ten facets counted."""
        from common import SINGLE_VALUED

        args: list[tuple[str, object]] = [("_search", self.q)]
        for facet, value in self.facets:
            args.append((facet if facet in SINGLE_VALUED else f"{facet}__arraycontains", value))
        args.append((f"score_{self.min_key}__gte", self.min_score))
        for facet in FACET_CHOICES:
            args.append(("_facet" if facet in SINGLE_VALUED else "_facet_array", facet))
        args += [("_size", 20), ("_col", "card")]
        return f"/{database}/products.json?" + urlencode(args)


def mix(count: int = 240, seed: int = 2026, evaluators: tuple[str, ...] | None = None) -> list[Query]:
    """``count`` queries; ``evaluators`` limits the per-evaluator score filters to those installed."""
    rng = random.Random(seed)
    keys = [k for k in MIN_SCORE_KEYS if k == "overall" or evaluators is None or k in evaluators]
    facets = list(FACET_CHOICES)
    queries = []
    for _ in range(count):
        first, second = rng.sample(facets, 2)
        queries.append(Query(
            q=rng.choice(TEXTS),
            facets=((first, rng.choice(FACET_CHOICES[first])), (second, rng.choice(FACET_CHOICES[second]))),
            min_key=rng.choice(keys),
            min_score=rng.choice(MIN_SCORES),
        ))
    return queries
