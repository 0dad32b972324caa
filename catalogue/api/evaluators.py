"""/api/v1/evaluators: the installed evaluators, their criteria and the questions suppliers answer."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from catalogue import registry
from catalogue.schemas import EvaluatorListSchema

blp = Blueprint("evaluators", __name__, url_prefix="/api/v1/evaluators", description="Installed evaluators.")


@blp.route("")
class EvaluatorCollection(MethodView):
    @blp.response(200, EvaluatorListSchema)
    def get(self) -> dict[str, Any]:
        """List the installed evaluators with their criteria, weights, sources and questions.

        A supplier's product entry answers these questions in `answers`, keyed
        by question id.
        """
        return {"items": list(registry.current().evaluators.values())}
