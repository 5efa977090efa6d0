"""Request and response models: they validate input and generate the OpenAPI document on every target."""

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .change import Change, make_change, to_cents


class ChangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # After validation, the amount in dollars normalised to two decimals ("1.15").
    amount: Annotated[
        str,
        Field(
            description="Dollars, as a string (preferred) or a number; at most two decimal places, at most 1,000,000.",
            examples=["1.15", 2, 0.99],
        ),
    ]

    # Before type coercion, so true, null or a list are refused rather than turned into a number; the document
    # still says that strings and numbers are accepted.
    @field_validator("amount", mode="before", json_schema_input_type=str | int | float)
    @classmethod
    def _normalise(cls, value: object) -> str:
        return make_change(to_cents(value)).amount  # InvalidAmountError (a ValueError) carries the client's message

    @property
    def cents(self) -> int:
        return to_cents(self.amount)


class Coins(BaseModel):
    quarters: int
    dimes: int
    nickels: int
    pennies: int


class ChangeResponse(BaseModel):
    amount: Annotated[str, Field(description="The amount in dollars, normalised to two decimals.", examples=["1.15"])]
    cents: Annotated[int, Field(examples=[115])]
    coins: Coins
    coin_count: Annotated[int, Field(description="Total number of coins.", examples=[6])]

    @classmethod
    def from_change(cls, change: Change) -> "ChangeResponse":
        return cls(amount=change.amount, cents=change.cents, coins=Coins(**change.coins), coin_count=change.coin_count)


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class ServiceInfo(BaseModel):
    name: str
    description: str
    version: str


class ErrorResponse(BaseModel):
    status: Annotated[int, Field(description="The HTTP status code, repeated for clients that only see the body.")]
    error: Annotated[str, Field(description="The HTTP status phrase.", examples=["Unprocessable Entity"])]
    message: Annotated[str, Field(description="What was wrong, for a person.")]

    @classmethod
    def for_status(cls, status: int, message: str) -> "ErrorResponse":
        return cls(status=status, error=HTTPStatus(status).phrase, message=message)


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """One readable sentence from pydantic's error list, e.g. "amount must have at most two decimal places"."""
    parts = []
    for item in errors:
        location = ".".join(str(part) for part in item["loc"] if part not in ("body",)) or "body"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(message if message.startswith(location) else f"{location}: {message}")
    return "; ".join(parts)
