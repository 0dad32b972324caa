"""Running evaluators: isolation, scoring, storage and staleness.

The core, not pluggy, calls each evaluator: when one pluggy hook
implementation raises, pluggy calls no further ones, so a single broken
evaluator would blank the others. Here each evaluator runs in its own error
boundary with a time limit, its output is checked against the contract, and a
failure is stored as a failed evaluation with the reason.

Scoring is the same for every evaluator, so scores are comparable and the
method is written down once (see ``score``).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import current_app
from sqlmodel import Session, select

from catalogue.contract import OUTCOMES, CriterionResult, EvaluationSummary, Evaluator, OverallQuality, ProductSnapshot
from catalogue.models import Evaluation, ProductVersion, Verification
from catalogue.overall import band_for
from catalogue.registry import Registry

# What each outcome earns, as a share of the criterion's weight. "unknown" earns
# nothing: missing evidence counts against a product, never as a pass.
# "not_applicable" criteria are left out of the sum altogether.
OUTCOME_CREDIT = {"met": 1.0, "partial": 0.5, "not_met": 0.0, "unknown": 0.0}


@dataclass(frozen=True)
class RunResult:
    status: str  # "complete" or "failed"
    results: tuple[CriterionResult, ...] = ()
    error: str = ""


class IsolatedRunner:
    """Calls evaluators on a worker thread, giving up on any that exceed ``timeout`` seconds.

    One long-lived daemon thread keeps the cost per call small (re-evaluating
    the whole register makes hundreds of thousands of calls), and all the
    evaluators of one snapshot go to it in one hand-off. A call that times out
    leaves its thread behind — Python cannot stop a thread — and the remaining
    calls go to a fresh one; being a daemon, the stuck thread never blocks exit.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._jobs: queue.SimpleQueue | None = None
        self._lock = threading.Lock()

    def _worker_queue(self) -> queue.SimpleQueue:
        if self._jobs is None:
            jobs: queue.SimpleQueue = queue.SimpleQueue()
            threading.Thread(target=_work, args=(jobs,), name="catalogue-evaluator", daemon=True).start()
            self._jobs = jobs
        return self._jobs

    def run(self, evaluators: Sequence[Evaluator], snapshot: ProductSnapshot) -> list[RunResult]:
        """Each evaluator's result on ``snapshot``, in the order given."""
        # One caller at a time per runner: threaded web servers share the app's runner.
        with self._lock:
            results: list[RunResult] = []
            while len(results) < len(evaluators):
                batch = _Batch([_Call(evaluator.evaluate) for evaluator in evaluators[len(results) :]])
                previous_end = time.monotonic()
                self._worker_queue().put((snapshot, batch))
                try:
                    # Nearly always every call is done long before its time is up: one wait
                    # for the last spares a wake-up (and a fight for the GIL) per call.
                    batch.calls[-1].done.wait(self.timeout)
                    for call in batch.calls:
                        # Each call has ``timeout`` seconds from when the one before finished.
                        remaining = previous_end + self.timeout - time.monotonic()
                        if not call.done.wait(max(0.0, remaining)) and batch.abandon_unless_done(call):
                            self._jobs = None  # the stuck worker starts none of the rest if it ever returns
                            results.append(RunResult("failed", error=f"It took longer than {self.timeout:g} seconds and was stopped."))
                            break
                        results.append(_outcome(evaluators[len(results)], call))
                        previous_end = call.finished
                except BaseException:
                    # Leave no calls queued behind the next caller's.
                    if batch.abandon_unless_done(batch.calls[-1]):
                        self._jobs = None
                    raise
            return results


class _Call:
    __slots__ = ("function", "value", "error", "finished", "done")

    def __init__(self, function: Any) -> None:
        self.function = function
        self.value: Any = None
        self.error: BaseException | None = None
        self.finished = 0.0  # time.monotonic() when it returned or raised
        self.done = threading.Event()


class _Batch:
    """The calls handed to the worker thread together, and whether the caller has given up on the rest."""

    def __init__(self, calls: list[_Call]) -> None:
        self.calls = calls
        self._abandoned = False
        self._guard = threading.Lock()

    def may_start(self) -> bool:
        """Asked by the worker before each call."""
        with self._guard:
            return not self._abandoned

    def abandon_unless_done(self, call: _Call) -> bool:
        """Give up on the calls after ``call`` unless it has finished after all; True if given up.

        Deciding under the guard means a call is never started by a stuck
        worker that wakes up and also handed to a fresh one.
        """
        with self._guard:
            if call.done.is_set():
                return False
            self._abandoned = True
            return True


def _outcome(evaluator: Evaluator, call: _Call) -> RunResult:
    if call.error is not None:
        return RunResult("failed", error=f"It raised {type(call.error).__name__}: {call.error}")
    try:
        return RunResult("complete", results=checked_results(evaluator, call.value))
    except ValueError as exc:
        return RunResult("failed", error=f"It returned malformed output: {exc}")


def current_runner() -> IsolatedRunner:
    return current_app.extensions["catalogue.runner"]


def _work(jobs: queue.SimpleQueue) -> None:
    while True:
        snapshot, batch = jobs.get()
        for call in batch.calls:
            if not batch.may_start():
                break
            try:
                call.value = call.function(snapshot)
            except BaseException as exc:  # noqa: BLE001 - reported as the evaluation's failure
                call.error = exc
            call.finished = time.monotonic()
            call.done.set()


def checked_results(evaluator: Evaluator, raw: Any) -> tuple[CriterionResult, ...]:
    """The results in criteria order, or ValueError saying how ``raw`` breaks the contract."""
    if not isinstance(raw, (list, tuple)):
        raise ValueError(f"expected a list of CriterionResult, got {type(raw).__name__}")
    by_id: dict[str, CriterionResult] = {}
    for item in raw:
        if not isinstance(item, CriterionResult):
            raise ValueError(f"expected CriterionResult items, got {type(item).__name__}")
        if item.outcome not in OUTCOMES:
            raise ValueError(f"criterion {item.criterion!r} has unknown outcome {item.outcome!r}")
        if not isinstance(item.explanation, str) or not item.explanation.strip():
            raise ValueError(f"criterion {item.criterion!r} has no explanation")
        if not isinstance(item.evidence, (list, tuple)) or not all(isinstance(e, str) for e in item.evidence):
            raise ValueError(f"criterion {item.criterion!r} has evidence that is not text")
        if item.criterion in by_id:
            raise ValueError(f"criterion {item.criterion!r} is reported twice")
        by_id[item.criterion] = item
    declared = [c.id for c in evaluator.criteria]
    if set(by_id) != set(declared):
        missing, extra = sorted(set(declared) - set(by_id)), sorted(set(by_id) - set(declared))
        raise ValueError(f"results must cover each criterion once (missing {missing}, unknown {extra})")
    return tuple(by_id[criterion_id] for criterion_id in declared)


def score(evaluator: Evaluator, results: Sequence[CriterionResult]) -> tuple[int | None, tuple[str, ...]]:
    """Weighted share of credit over the applicable criteria (0–100), and the red lines crossed."""
    criteria = {c.id: c for c in evaluator.criteria}
    applicable = [(criteria[r.criterion], r) for r in results if r.outcome != "not_applicable"]
    total = sum(c.weight for c, _ in applicable)
    value = round(100 * sum(c.weight * OUTCOME_CREDIT[r.outcome] for c, r in applicable) / total) if total else None
    red_lines = tuple(f"{c.id}: {c.title}" for c, r in applicable if c.red_line and r.outcome == "not_met")
    return value, red_lines


def snapshot_of(version: ProductVersion) -> ProductSnapshot:
    product = version.product
    return ProductSnapshot(
        slug=product.slug,
        version=version.number,
        name=version.name,
        supplier=product.supplier.name,
        website=version.website,
        summary=version.summary,
        description=version.description,
        ai_features=version.ai_features,
        ai_models=tuple(version.ai_models),
        intended_users=tuple(version.intended_users),
        pupil_interaction=version.pupil_interaction,
        phases=tuple(version.phases),
        key_stages=tuple(version.key_stages),
        age_min=version.age_min,
        age_max=version.age_max,
        subjects=tuple(version.subjects),
        pricing=version.pricing,
        answers=MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in version.answers.items() if v is not None}),
    )


def evaluate_version(
    session: Session,
    version: ProductVersion,
    *,
    registry: Registry,
    runner: IsolatedRunner,
    evaluator_ids: Iterable[str] | None = None,
) -> list[Evaluation]:
    """Run the installed evaluators (or those named) on ``version`` and add their evaluations."""
    snapshot = snapshot_of(version)
    wanted = set(evaluator_ids) if evaluator_ids is not None else None
    # Evidence an evaluator verified for this version stays verified when it is re-evaluated.
    verified = set(session.exec(select(Verification.evaluator_id, Verification.criterion_id).where(Verification.version_id == version.id)))
    evaluators = [e for e in registry.evaluators.values() if wanted is None or e.id in wanted]
    rows = [_record(version, e, run, verified) for e, run in zip(evaluators, runner.run(evaluators, snapshot), strict=True)]
    session.add_all(rows)
    return rows


def _record(version: ProductVersion, evaluator: Evaluator, run: RunResult, verified: set[tuple[str, str]]) -> Evaluation:
    return Evaluation(version_id=version.id, **evaluation_values(evaluator, run, verified))


def evaluation_values(evaluator: Evaluator, run: RunResult, verified: set[tuple[str, str]]) -> dict[str, Any]:
    """The columns of the ``Evaluation`` row that records ``run`` (all but the version it judged).

    Plain values, so the bulk import can compute them in worker processes and
    insert many rows at once; ``evaluate_version`` stores exactly the same.
    """
    values: dict[str, Any] = {"evaluator_id": evaluator.id, "evaluator_version": evaluator.version, "status": run.status}
    if run.status == "failed":
        values |= {"score": None, "band": None, "red_lines": [], "criteria": [],
                   "error": f"The {evaluator.name} evaluator could not judge this version. {run.error}"[:4000]}
        return values
    criteria = {c.id: c for c in evaluator.criteria}
    score_value, red_lines = score(evaluator, run.results)
    values |= {"score": score_value, "band": band_for(score_value), "red_lines": list(red_lines), "error": ""}
    values["criteria"] = [
        {
            "id": result.criterion,
            "title": criteria[result.criterion].title,
            "outcome": result.outcome,
            "weight": criteria[result.criterion].weight,
            "explanation": result.explanation,
            "evidence": list(result.evidence),
            # The supplier's word until an evaluator verifies the evidence.
            "assurance": "verified" if (evaluator.id, result.criterion) in verified else "declared",
            "source": criteria[result.criterion].source,
            "criteria_set": criteria[result.criterion].criteria_set,
            "red_line": criteria[result.criterion].red_line,
            "questions": list(criteria[result.criterion].questions),
        }
        for result in run.results
    ]
    return values


def is_stale(evaluation: Evaluation, registry: Registry) -> bool:
    """Made by an evaluator version that is no longer installed (upgraded or removed)."""
    installed = registry.evaluators.get(evaluation.evaluator_id)
    return installed is None or installed.version != evaluation.evaluator_version


def latest_evaluations(session: Session, version: ProductVersion) -> list[Evaluation]:
    """The most recent evaluation by each evaluator of ``version``."""
    statement = select(Evaluation).where(Evaluation.version_id == version.id).order_by(Evaluation.evaluator_id, Evaluation.id.desc())
    latest: dict[str, Evaluation] = {}
    for evaluation in session.exec(statement):
        latest.setdefault(evaluation.evaluator_id, evaluation)
    return list(latest.values())


def overall_quality(registry: Registry, snapshot: ProductSnapshot, evaluations: Sequence[Evaluation]) -> OverallQuality:
    """Combine the evaluations of installed evaluators through the overall-quality hook."""
    summaries = [
        EvaluationSummary(
            evaluator=e.evaluator_id,
            version=e.evaluator_version,
            status=e.status,
            score=e.score,
            band=e.band,
            red_lines=tuple(e.red_lines),
        )
        for e in evaluations
        if e.evaluator_id in registry.evaluators
    ]
    return registry.manager.hook.catalogue_overall_quality(product=snapshot, evaluations=summaries)


@dataclass(frozen=True)
class Work:
    """One product version and the evaluators to (re-)run on it."""

    version_id: int
    evaluator_ids: tuple[str, ...]


def pending_work(session: Session, registry: Registry, *, everything: bool) -> list[Work]:
    """What ``catalogue evaluate`` must run: every current version, or only stale and missing evaluations.

    "Current" versions are each product's latest and published versions:
    older versions keep the evaluations they had, as history.
    """
    from catalogue.models import Product

    current_ids: set[int] = set()
    for product_id, latest, published in session.exec(
        select(Product.id, Product.latest_version_number, Product.published_version_number)
    ):
        numbers = {latest, published} - {None}
        current_ids.update(
            session.exec(select(ProductVersion.id).where(ProductVersion.product_id == product_id, ProductVersion.number.in_(numbers)))
        )
    installed = tuple(registry.evaluators)
    if everything:
        return [Work(version_id, installed) for version_id in sorted(current_ids)]
    latest_by_version: dict[int, dict[str, str]] = {}
    statement = select(Evaluation.version_id, Evaluation.evaluator_id, Evaluation.evaluator_version).order_by(Evaluation.id)
    for version_id, evaluator_id, evaluator_version in session.exec(statement):
        if version_id in current_ids:
            latest_by_version.setdefault(version_id, {})[evaluator_id] = evaluator_version
    work = []
    for version_id in sorted(current_ids):
        made = latest_by_version.get(version_id, {})
        due = tuple(e for e in installed if made.get(e) != registry.evaluators[e].version)
        if due:
            work.append(Work(version_id, due))
    return work


def removed_evaluators(session: Session, registry: Registry) -> list[str]:
    """Evaluators that judged products here but are no longer installed."""
    seen = session.exec(select(Evaluation.evaluator_id).distinct()).all()
    return sorted(set(seen) - set(registry.evaluators))
