"""The domain logic: exact cents and the fewest coins."""

import pytest

from {{ cookiecutter.__module_name }}.change import MAX_CENTS, InvalidAmountError, make_change, to_cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("1.15", 115),
        (1.15, 115),
        ("0.1", 10),
        ("0.10", 10),
        ("1.150", 115),
        (2, 200),
        ("0", 0),
        (" 3.07 ", 307),
        ("1000000", MAX_CENTS),
        (0.29, 29),  # 0.29 * 100 is 28.999999999999996 in binary floating point
    ],
)
def test_amounts_become_exact_cents(amount, cents):
    assert to_cents(amount) == cents


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("-1", "negative"),
        (-0.5, "negative"),
        ("1.234", "two decimal places"),
        (0.1 + 0.2, "two decimal places"),
        ("1e3", "plain decimal"),
        ("1,000", "plain decimal"),
        ("", "plain decimal"),
        ("abc", "plain decimal"),
        ("١٢", "plain decimal"),  # non-ASCII digits
        ("NaN", "plain decimal"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (1e300, "plain decimal"),
        ("1000000.01", "at most"),
        ("9" * 5000, "at most"),
        (True, "not true or false"),
        (None, "number or a string"),
        ([1], "number or a string"),
    ],
)
def test_invalid_amounts_are_refused_with_a_reason(amount, reason):
    with pytest.raises(InvalidAmountError, match=reason):
        to_cents(amount)


@pytest.mark.parametrize(
    ("cents", "coins"),
    [
        (115, {"quarters": 4, "dimes": 1, "nickels": 1, "pennies": 0}),
        (0, {"quarters": 0, "dimes": 0, "nickels": 0, "pennies": 0}),
        (99, {"quarters": 3, "dimes": 2, "nickels": 0, "pennies": 4}),
        (41, {"quarters": 1, "dimes": 1, "nickels": 1, "pennies": 1}),
    ],
)
def test_fewest_coins(cents, coins):
    change = make_change(cents)
    assert change.coins == coins
    assert sum(count * value for count, value in zip(coins.values(), (25, 10, 5, 1), strict=True)) == cents


def test_change_reports_normalised_amount_and_coin_count():
    change = make_change(to_cents("1.5"))
    assert change.amount == "1.50"
    assert change.coin_count == 6
