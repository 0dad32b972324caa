"""The register's default way of combining evaluator scores into overall quality.

Overall quality is the plain average of the installed evaluators' scores, each
evaluator counting equally, so no single concern can be outweighed by polish
elsewhere going unnoticed. Any red line caps the overall score at
``RED_LINE_CAP`` and sets the band to ``red_line``, so it stands out wherever
the product is listed. A plugin can replace this method by implementing
``catalogue_overall_quality`` (the first answer wins; this one runs last).
"""

from __future__ import annotations

from collections.abc import Sequence

from catalogue.contract import EvaluationSummary, OverallQuality, ProductSnapshot
from catalogue.hookspecs import hookimpl

RED_LINE_CAP = 20

# Lower bounds of each band, highest first (labels in ``catalogue.vocab.BANDS``).
BANDS = ((85, "excellent"), (70, "good"), (50, "fair"), (0, "poor"))


def band_for(score: int | None) -> str | None:
    if score is None:
        return None
    return next(name for floor, name in BANDS if score >= floor)


@hookimpl(trylast=True)
def catalogue_overall_quality(product: ProductSnapshot, evaluations: Sequence[EvaluationSummary]) -> OverallQuality:
    scored = [e for e in evaluations if e.status == "complete" and e.score is not None]
    failed = [e.evaluator for e in evaluations if e.status == "failed"]
    red_lines = tuple(line for e in evaluations for line in e.red_lines)
    method = "Average of the evaluators' scores, each counting equally"
    if failed:
        method += f"; {', '.join(failed)} could not be run and is left out"
    if not scored:
        return OverallQuality(score=None, band=None, red_lines=red_lines, method=method + ". No evaluator has scored this product yet.")
    score = round(sum(e.score for e in scored) / len(scored))
    if red_lines:
        method += f"; capped at {RED_LINE_CAP} because a red line is crossed"
        return OverallQuality(score=min(score, RED_LINE_CAP), band="red_line", red_lines=red_lines, method=method + ".")
    return OverallQuality(score=score, band=band_for(score), red_lines=(), method=method + ".")
