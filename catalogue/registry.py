"""The plugin manager, built once per app: which plugins are installed and what they provide.

Plugins are found through the ``edtech_catalogue.plugins`` entry-point group —
the built-in evaluators exactly like outside packages. Mistakes in a plugin's
*contract* (an unknown hook name, a bad hook signature, two evaluators with one
id) stop the register at start-up, where the author sees them. Failures at
*run time* (a plugin that cannot be imported, or whose hook raises) are
recorded against the plugin's name and the register carries on without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from flask import current_app

from catalogue import hookspecs, overall
from catalogue.contract import QUESTION_TYPES, Evaluator, Question

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class PluginContractError(RuntimeError):
    """A plugin breaks the contract in a way its author must fix before the register can start."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    source: str  # the distribution that installed it
    module: str
    hooks: tuple[str, ...]


@dataclass(frozen=True)
class BrokenPlugin:
    name: str
    source: str
    error: str


@dataclass
class Registry:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    # Plugins that could not be imported (found at start-up) and plugins whose
    # catalogue_evaluators hook failed (found each time evaluators are collected).
    load_failures: list[BrokenPlugin] = field(default_factory=list)
    hook_failures: list[BrokenPlugin] = field(default_factory=list)
    evaluators: dict[str, Evaluator] = field(default_factory=dict)
    # The plugin that provides each evaluator.
    evaluator_plugins: dict[str, str] = field(default_factory=dict)
    # Which evaluator asks each question, for validating answers and showing them.
    questions: dict[str, tuple[Evaluator, Question]] = field(default_factory=dict)

    @property
    def broken(self) -> list[BrokenPlugin]:
        return self.load_failures + self.hook_failures

    def register(self, plugin: Any, name: str, *, source: str = "registered at run time") -> None:
        """Add a plugin after start-up (tests and the plugin author kit use this)."""
        try:
            self.manager.register(plugin, name=name)
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            self.manager.unregister(name=name)
            raise PluginContractError(f"Plugin {name!r} does not fit the hook contract: {exc}") from exc
        self.plugins.append(_info(self.manager, plugin, name, source=source, version=""))
        self.collect_evaluators()

    def unregister(self, name: str) -> None:
        self.manager.unregister(name=name)
        self.plugins = [p for p in self.plugins if p.name != name]
        self.collect_evaluators()

    def collect_evaluators(self) -> None:
        """Ask every plugin for its evaluators, one plugin at a time, so one failure stays local."""
        self.hook_failures = []
        evaluators: dict[str, Evaluator] = {}
        owners: dict[str, str] = {}
        for impl in self.manager.hook.catalogue_evaluators.get_hookimpls():
            try:
                provided = list(impl.function())
                for evaluator in provided:
                    check_evaluator(evaluator)
            except Exception as exc:  # noqa: BLE001 - any plugin failure is reported, not raised
                self.hook_failures.append(BrokenPlugin(impl.plugin_name, self._source(impl.plugin_name), f"catalogue_evaluators: {_describe(exc)}"))
                continue
            for evaluator in provided:
                if evaluator.id in evaluators:
                    raise PluginContractError(
                        f"Two plugins provide an evaluator with id {evaluator.id!r}: {owners[evaluator.id]} and "
                        f"{impl.plugin_name}. Uninstall one, or block it with CATALOGUE_BLOCKED_PLUGINS."
                    )
                evaluators[evaluator.id] = evaluator
                owners[evaluator.id] = impl.plugin_name
        questions: dict[str, tuple[Evaluator, Question]] = {}
        for evaluator in evaluators.values():
            for question in evaluator.questions:
                if question.id in questions:
                    raise PluginContractError(
                        f"Question id {question.id!r} is declared by both {questions[question.id][0].id} and {evaluator.id}; "
                        "prefix question ids with the evaluator's name."
                    )
                questions[question.id] = (evaluator, question)
        self.evaluators = dict(sorted(evaluators.items()))
        self.evaluator_plugins = owners
        self.questions = questions

    def _source(self, name: str) -> str:
        return next((p.source for p in self.plugins if p.name == name), "unknown")


def current() -> Registry:
    """The registry of the app handling this request or command."""
    return current_app.extensions["catalogue.registry"]


def build(blocked: Iterable[str] = ()) -> Registry:
    """Load every installed plugin (except ``blocked`` ones) into a fresh plugin manager."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    registry = Registry(manager=manager)
    for name in blocked:
        manager.set_blocked(name)
    # The default overall-quality method is part of the core, registered like any plugin.
    manager.register(overall, name="catalogue.overall")
    registry.plugins.append(_info(manager, overall, "catalogue.overall", source="edtech-catalogue (built-in)", version=""))
    for entry_point in sorted(entry_points(group=hookspecs.ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        _load(registry, entry_point)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginContractError(f"Plugin {exc.plugin!r} implements a hook the register does not have: {exc}") from exc
    registry.collect_evaluators()
    return registry


def _load(registry: Registry, entry_point: EntryPoint) -> None:
    manager = registry.manager
    if manager.is_blocked(entry_point.name) or manager.has_plugin(entry_point.name):
        return
    source = entry_point.dist.name if entry_point.dist else "unknown"
    version = entry_point.dist.version if entry_point.dist else ""
    try:
        plugin = entry_point.load()
    except Exception as exc:  # noqa: BLE001 - an uninstallable plugin must not stop the register
        registry.load_failures.append(BrokenPlugin(entry_point.name, source, f"could not be imported: {_describe(exc)}"))
        return
    try:
        manager.register(plugin, name=entry_point.name)
    except pluggy.PluginValidationError as exc:
        raise PluginContractError(f"Plugin {entry_point.name!r} ({source}) does not fit the hook contract: {exc}") from exc
    registry.plugins.append(_info(manager, plugin, entry_point.name, source=source, version=version))


def _info(manager: pluggy.PluginManager, plugin: Any, name: str, *, source: str, version: str) -> PluginInfo:
    hooks = tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or ()))
    module = getattr(plugin, "__name__", type(plugin).__module__)
    return PluginInfo(name=name, version=version or getattr(plugin, "__version__", ""), source=source, module=module, hooks=hooks)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def check_evaluator(evaluator: Any) -> None:
    """Raise ValueError naming the first way ``evaluator`` breaks the contract."""
    if not isinstance(evaluator, Evaluator):
        raise ValueError(f"expected an Evaluator, got {type(evaluator).__name__}")
    if not IDENTIFIER.match(evaluator.id):
        raise ValueError(f"evaluator id {evaluator.id!r} must be lower-case letters, digits and underscores")
    if not evaluator.criteria:
        raise ValueError(f"evaluator {evaluator.id!r} declares no criteria")
    if not callable(evaluator.evaluate):
        raise ValueError(f"evaluator {evaluator.id!r} has no evaluate callable")
    question_ids = [q.id for q in evaluator.questions]
    if len(set(question_ids)) != len(question_ids):
        raise ValueError(f"evaluator {evaluator.id!r} declares a question id twice")
    for question in evaluator.questions:
        if not IDENTIFIER.match(question.id):
            raise ValueError(f"question id {question.id!r} must be lower-case letters, digits and underscores")
        if question.type not in QUESTION_TYPES:
            raise ValueError(f"question {question.id!r} has unknown type {question.type!r}")
        if question.type in ("choice", "multi") and not question.options:
            raise ValueError(f"question {question.id!r} of type {question.type} needs options")
    criterion_ids = [c.id for c in evaluator.criteria]
    if len(set(criterion_ids)) != len(criterion_ids):
        raise ValueError(f"evaluator {evaluator.id!r} declares a criterion id twice")
    for criterion in evaluator.criteria:
        if not criterion.weight > 0:
            raise ValueError(f"criterion {criterion.id!r} needs a weight above 0")
        unknown = set(criterion.questions) - set(question_ids)
        if unknown:
            raise ValueError(f"criterion {criterion.id!r} reads undeclared questions {sorted(unknown)}")
