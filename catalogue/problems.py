"""The exception the logic layer raises when a request cannot be carried out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ProductProblem(Exception):
    """A refused request. ``status`` is the HTTP status it maps to; ``errors`` name the fields."""

    status: int
    message: str
    errors: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items())
        return f"{self.message} {details}".strip()
