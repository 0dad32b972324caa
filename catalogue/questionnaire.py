"""Checking a supplier's answers against the questions of the installed evaluators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from catalogue.contract import Question
from catalogue.registry import Registry

UNKNOWN_QUESTION = "No installed evaluator asks this question. GET /api/v1/evaluators lists the question ids."


def answer_problems(answers: Mapping[str, Any], registry: Registry) -> dict[str, list[str]]:
    """Problems keyed by question id; an empty dict when every answer fits its question."""
    problems: dict[str, list[str]] = {}
    for question_id, answer in answers.items():
        if answer is None:  # an explicit "not answered"
            continue
        asked = registry.questions.get(question_id)
        problem = UNKNOWN_QUESTION if asked is None else problem_with(asked[1], answer)
        if problem:
            problems[question_id] = [problem]
    return problems


def problem_with(question: Question, answer: Any) -> str | None:
    """Why ``answer`` does not fit ``question``, in words that say what to send instead."""
    match question.type:
        case "yes_no":
            if not isinstance(answer, bool):
                return "Answer true or false."
        case "choice":
            if answer not in question.options:
                return f"Choose one of: {', '.join(question.options)}."
        case "multi":
            if not isinstance(answer, list) or any(item not in question.options for item in answer):
                return f"Give a list of any of: {', '.join(question.options)}."
            if len(set(answer)) != len(answer):
                return "List each option only once."
        case "text":
            if not isinstance(answer, str) or not answer.strip():
                return "Answer in words (a non-empty string)."
        case "url":
            parts = urlsplit(answer) if isinstance(answer, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                return "Give a full web address starting with https://."
        case "number":
            if isinstance(answer, bool) or not isinstance(answer, (int, float)):
                return "Answer with a number."
            if question.minimum is not None and answer < question.minimum:
                return f"Give a number of at least {question.minimum:g}."
            if question.maximum is not None and answer > question.maximum:
                return f"Give a number no greater than {question.maximum:g}."
    return None


def format_answer(answer: Any) -> str:
    """An answer as a person reads it on a page."""
    if answer is True:
        return "Yes"
    if answer is False:
        return "No"
    if answer is None:
        return "Not answered"
    if isinstance(answer, (list, tuple)):
        return ", ".join(str(item) for item in answer) or "None selected"
    return str(answer)
