"""What a call costs: prices per million tokens from ``briefing/data/prices.yaml``.

The table feeds two places that must agree: the ``--dry-run`` estimate made before any call,
and the usage line printed after a run. Prices are data, not code, so a price change is a
one-line edit to the YAML; the file is validated on load so a typo there fails loudly at first
use instead of pricing every call at zero. A model not listed costs the table's ``default``
(zero), and :func:`priced` lets the caller say so rather than print a misleading $0.
"""

from __future__ import annotations

import functools

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefing.resources import data_file

PRICES_FILE = "prices.yaml"
PER_TOKENS = 1_000_000  # prices are quoted in US dollars per million tokens


class Price(BaseModel):
    """One model's price, in US dollars per million input and output tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    output: float = Field(ge=0)


class PriceTable(BaseModel):
    """The listed models, and the price of any other (zero for self-hosted servers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: dict[str, Price]
    default: Price


@functools.cache
def prices() -> PriceTable:
    """The price table, read and validated once per process."""
    path = data_file(PRICES_FILE)
    try:
        return PriceTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as e:
        raise ValueError(f"{path}: not a valid price table: {e}") from None


def cost(model: str, input_tokens: int, output_tokens: int) -> float:
    """US dollars for one call's tokens at ``model``'s listed price (or the default)."""
    table = prices()
    p = table.models.get(model, table.default)
    return (input_tokens * p.input + output_tokens * p.output) / PER_TOKENS


def priced(model: str) -> bool:
    """Whether ``model`` has a listed price, so a cost of zero is real rather than unknown."""
    return model in prices().models
