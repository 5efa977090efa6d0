"""Making change: turn a dollar amount into the fewest US coins.

Amounts become integer cents as soon as they are parsed, so 1.15 dollars is exactly 115 cents and never
114.99999...: binary floating point cannot hold most decimal fractions, integers can.
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

# Largest amount accepted: $1,000,000.00. Bounds the work per request and keeps every figure exact.
MAX_CENTS = 100_000_000
COINS = (("quarters", 25), ("dimes", 10), ("nickels", 5), ("pennies", 1))
# Plain decimal notation only: no sign, exponent, spaces, digit separators or non-ASCII digits.
_PLAIN_DECIMAL = re.compile(r"([0-9]+)(?:\.([0-9]+))?", re.ASCII)


class InvalidAmountError(ValueError):
    """The amount cannot be made into change; the message says why, for the API client."""


@dataclass(frozen=True)
class Change:
    cents: int
    coins: dict[str, int]

    @property
    def amount(self) -> str:
        """The amount in dollars, normalised to two decimals ("1.15")."""
        return f"{self.cents // 100}.{self.cents % 100:02d}"

    @property
    def coin_count(self) -> int:
        return sum(self.coins.values())


def to_cents(amount: str | int | float | Decimal) -> int:
    """Parse a dollar amount given as a JSON string or number into exact integer cents."""
    if isinstance(amount, bool):
        raise InvalidAmountError("amount must be a number or a string of dollars, not true or false")
    if isinstance(amount, Decimal):  # a JSON number read exactly (web_policy.load_json)
        if not amount.is_finite():
            raise InvalidAmountError("amount must be a finite number")
        if amount.adjusted() > len(str(MAX_CENTS // 100)):
            raise InvalidAmountError(f"amount must be at most {MAX_CENTS // 100:,} dollars")
        if amount.as_tuple().exponent < -50:  # checked before writing out: 1e-999999 would be a million digits
            raise InvalidAmountError("amount must have at most two decimal places (whole cents)")
        text = format(amount, "f")
    elif isinstance(amount, float):
        if not math.isfinite(amount):
            raise InvalidAmountError("amount must be a finite number")
        # repr gives the shortest text that round-trips, so the JSON number 1.15 reads back as "1.15".
        text = repr(amount)
    elif isinstance(amount, int):
        text = str(amount)
    elif isinstance(amount, str):
        text = amount.strip()
    else:
        raise InvalidAmountError("amount must be a number or a string of dollars, such as 1.15")

    if text.startswith("-"):
        raise InvalidAmountError("amount must not be negative")
    match = _PLAIN_DECIMAL.fullmatch(text)
    if match is None:
        raise InvalidAmountError("amount must be a plain decimal number of dollars, such as 1.15")
    dollars, fraction = match.groups()
    if fraction is not None and len(fraction.rstrip("0")) > 2:
        raise InvalidAmountError("amount must have at most two decimal places (whole cents)")
    # Checked on the text first so a thousand-digit amount is refused without converting it.
    if len(dollars.lstrip("0")) > len(str(MAX_CENTS // 100)):
        raise InvalidAmountError(f"amount must be at most {MAX_CENTS // 100:,} dollars")
    cents = int(dollars) * 100 + int(((fraction or "").rstrip("0") or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise InvalidAmountError(f"amount must be at most {MAX_CENTS // 100:,} dollars")
    return cents


def make_change(cents: int) -> Change:
    """The fewest coins that add up to `cents` (greedy is optimal for US coin values)."""
    if not 0 <= cents <= MAX_CENTS:
        raise InvalidAmountError(f"cents must be between 0 and {MAX_CENTS}")
    coins = {}
    remaining = cents
    for name, value in COINS:
        coins[name], remaining = divmod(remaining, value)
    return Change(cents=cents, coins=coins)
