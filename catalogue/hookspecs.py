"""Every extension point of the register, one hook each, documented for plugin authors.

Implement a hook with ``@hookimpl`` in a module (or class) and expose it
through the ``edtech_catalogue.plugins`` entry-point group in your package's
``pyproject.toml``::

    [project.entry-points."edtech_catalogue.plugins"]
    my_evaluator = "my_package.plugin"

Hooks are called with keyword arguments; implement only the arguments you
need. Objects handed to plugins are frozen values from ``catalogue.contract``.
``docs/plugins.md`` is the guide; a test keeps it in step with this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from catalogue.contract import EvaluationSummary, Evaluator, OverallQuality, ProductSnapshot, Signal

PROJECT_NAME = "edtech_catalogue"
ENTRY_POINT_GROUP = "edtech_catalogue.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def catalogue_evaluators() -> Sequence[Evaluator]:
    """Return the evaluators this plugin provides.

    Called once when the register starts. Each ``Evaluator`` declares its
    ``criteria`` (with weights and sources, shown on the evaluators page),
    the ``questions`` suppliers answer (offered in the API and the supplier
    form, and validated against their type and options), and an ``evaluate``
    callable that turns a ``ProductSnapshot`` into one ``CriterionResult`` per
    criterion.

    The core runs each evaluator on every new product version, inside its own
    error boundary with a time limit: if ``evaluate`` raises, hangs or returns
    something malformed, that evaluation is recorded as failed with the reason,
    and every other evaluator still runs. Evaluator ids must be unique across
    all installed plugins.
    """


@hookspec
def catalogue_classification_signals(product: ProductSnapshot) -> Sequence[Signal]:
    """Return signals that this product's AI serves workflow or teaching & learning.

    Called for every new product version, for every plugin that implements it;
    the register weighs all the signals together to decide the category
    (``workflow``, ``teaching_learning`` or ``both``), its use cases and its
    confidence, and shows each signal as the reason. Judge the *AI features*,
    not the wider platform. Return an empty list when you have nothing to say.
    A plugin that raises is reported and skipped; the others still count.
    """


@hookspec(firstresult=True)
def catalogue_overall_quality(product: ProductSnapshot, evaluations: Sequence[EvaluationSummary]) -> OverallQuality | None:
    """Combine the evaluators' scores into a product's overall quality.

    The first implementation to return a value wins, so a plugin can replace
    the register's method (the built-in default in ``catalogue.overall`` runs
    last). Return ``None`` to leave the decision to the next implementation.
    Whatever the method, any red line must be reported in ``red_lines``: the
    register shows them in red beside the score.
    """
