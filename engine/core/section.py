"""Config stage helper: the pydantic base of every config section (unknown keys, true/false or a non-finite
value where a number belongs are refused, so `cash: true` or `cash: .inf` never reach the engine)."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

_NUMBERS = (int, float)


def _is_number_field(annotation: Any) -> bool:
    """float, int, `float | None`, ... (not bool, which YAML's true/false are meant for)."""
    if annotation in _NUMBERS:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(arg in _NUMBERS for arg in get_args(annotation))
    return False


def _numeric_items(annotation: Any) -> bool:
    """list[int], list[float]: every item a number."""
    return get_origin(annotation) is list and any(arg in _NUMBERS for arg in get_args(annotation))


class Section(BaseModel):
    # allow_inf_nan=False: YAML's .inf / .nan are floats to pydantic; a backtest on them crashes or means nothing.
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_value_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic's lax mode reads true as 1 and false as 0: `cash: true` would start with $1.
        field = cls.model_fields.get(info.field_name) if info.field_name else None
        if field is None:
            return value
        if isinstance(value, bool) and _is_number_field(field.annotation):
            raise ValueError(f"must be a number, not {str(value).lower()}")
        if isinstance(value, list) and _numeric_items(field.annotation) and any(isinstance(v, bool) for v in value):
            raise ValueError("every item must be a number, not true/false")
        return value
