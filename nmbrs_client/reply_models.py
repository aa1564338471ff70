"""zeep's plain reply data into the client's typed models, and what a bad record becomes.

zeep (and the fast reader) give ``None`` for an empty array and keep nested ``ArrayOfX``
wrapped; the typed calls of :class:`~nmbrs_client.client.NmbrsClient` always want lists of
validated models, and a record lacking data it must have is a malformed reply, never a crash.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from nmbrs_client.errors import NmbrsTransportError

ModelT = TypeVar("ModelT", bound=BaseModel)


def as_list(value: Any) -> list[dict[str, Any]]:
    """zeep gives ``None`` for an empty or missing array; callers always get a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None]
    return [value]


def unwrap(value: Any, child: str) -> list[dict[str, Any]]:
    """Nested ``ArrayOfX`` stay wrapped in zeep (``{"Employment": [...]}``)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return as_list(value.get(child))
    return as_list(value)


def model(cls: type[ModelT], value: Any) -> ModelT | None:
    if value is None:
        return None
    return validate(cls, value)


def models(cls: type[ModelT], value: Any) -> list[ModelT]:
    return validate_list(cls, as_list(value))


@cache
def _list_adapter(cls: type[ModelT]) -> TypeAdapter[list[ModelT]]:
    return TypeAdapter(list[cls])  # type: ignore[valid-type]


def validate_list(cls: type[ModelT], rows: list[Any]) -> list[ModelT]:
    """All records of one reply in one ``validate_python`` (one pass in pydantic's core)."""
    try:
        return _list_adapter(cls).validate_python(rows)
    except ValidationError as exc:
        raise _lacks_data(cls, exc, skip_index=True) from None


def validate(cls: type[ModelT], value: Any) -> ModelT:
    try:
        return cls.model_validate(value)
    except ValidationError as exc:
        raise _lacks_data(cls, exc, skip_index=False) from None


def _lacks_data(cls: type[BaseModel], exc: ValidationError, *, skip_index: bool) -> Exception:
    fields = ", ".join(
        ".".join(str(p) for p in err["loc"][1 if skip_index else 0 :]) for err in exc.errors()[:3]
    )
    return NmbrsTransportError(
        f"{cls.__name__} reply",
        "server",
        f"a {cls.__name__} record lacks data it must have ({fields})",
        kind="malformed",
        retryable=False,
    )
