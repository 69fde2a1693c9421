"""Exceptions mirroring h2o-genmodel's ``hex.genmodel.easy.exception`` classes."""

from __future__ import annotations

from typing import Any, Optional

from ._native import ModelError


class PredictError(ValueError):
    """A row genmodel's ``EasyPredictModelWrapper`` would reject (genmodel's ``PredictException``).

    Attributes: ``row`` (position in the input, from 0), ``label`` (the pandas index label, or
    the position), ``column`` (the model column), ``message`` (genmodel's message, naming the
    value), ``exception`` (genmodel's exception class, e.g. ``PredictNumberFormatException``).
    """

    def __init__(self, row: int, label: Any, column: str, exception: str, message: str):
        super().__init__(f"row {label!r}: column '{column}': {exception}: {message}")
        self.row, self.label, self.column = row, label, column
        self.exception, self.message = exception, message


class PredictUnknownCategoricalLevelError(PredictError):
    """A categorical value that is not one of the column's levels (genmodel's
    ``PredictUnknownCategoricalLevelException``); see ``convert_unknown_categoricals_to_na``."""


class PredictNumberFormatError(PredictError):
    """Text in a numeric column that Java's ``Double.parseDouble`` refuses (genmodel's
    ``PredictNumberFormatException``); see ``convert_invalid_numbers_to_na``."""


class PredictUnknownTypeError(PredictError):
    """A value of a type genmodel does not take for the column, e.g. a bool, or a number in a
    categorical column (genmodel's ``PredictUnknownTypeException``)."""


class PipelineError(PredictError):
    """A raw row the model's preprocessing pipeline cannot transform (ae4j's
    ``PipelineException``): a domain error (``log1p`` of -2), a bad timestamp, number text that
    does not parse; the message names the step or input, the column is its column."""


_BY_GENMODEL_NAME = {
    "PipelineException": PipelineError,
    "PredictUnknownCategoricalLevelException": PredictUnknownCategoricalLevelError,
    "PredictNumberFormatException": PredictNumberFormatError,
    "PredictUnknownTypeException": PredictUnknownTypeError,
}


def predict_error(row: int, label: Any, exception: str, column: str, message: str) -> PredictError:
    """The exception for one failed row, of the class mirroring genmodel's."""
    cls = _BY_GENMODEL_NAME.get(exception, PredictError)
    return cls(row, label, column, exception, message)


__all__ = [
    "ModelError",
    "PredictError",
    "PredictUnknownCategoricalLevelError",
    "PredictNumberFormatError",
    "PredictUnknownTypeError",
    "PipelineError",
]

