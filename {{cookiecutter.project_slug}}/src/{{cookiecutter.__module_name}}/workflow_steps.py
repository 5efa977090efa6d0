"""The steps of the change workflow (statemachine/change_workflow.asl.json): validate -> compute -> summarise.

Each step is a Lambda handler whose return value is the next step's input. The state machine catches
InvalidRequestError by name (a Lambda error's name is its exception class) and ends in a clear failure state.
"""

from collections import Counter

from aws_lambda_powertools.utilities.typing import LambdaContext

from .change import COINS, InvalidAmountError, make_change, to_cents
from .observability import logger, tracer

# One execution handles at most this many amounts; Step Functions caps a state's payload at 256 KB.
MAX_AMOUNTS = 1000


class InvalidRequestError(Exception):
    """The workflow's input cannot be processed at all; the message says why."""


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def validate(event: dict, context: LambdaContext) -> dict:
    """Input {"amounts": [...]} -> the valid amounts in cents and the invalid ones with the reason."""
    amounts = event.get("amounts") if isinstance(event, dict) else None
    if not isinstance(amounts, list) or not amounts:
        raise InvalidRequestError('the input must be {"amounts": [...]} with at least one amount')
    if len(amounts) > MAX_AMOUNTS:
        raise InvalidRequestError(f"at most {MAX_AMOUNTS} amounts per execution, got {len(amounts)}")
    valid, invalid = [], []
    for amount in amounts:
        try:
            valid.append({"amount": amount, "cents": to_cents(amount)})
        except InvalidAmountError as error:
            invalid.append({"amount": amount, "message": str(error)})
    if not valid:
        raise InvalidRequestError(f"none of the {len(amounts)} amounts is valid: {invalid[0]['message']}")
    return {"valid": valid, "invalid": invalid}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def compute(event: dict, context: LambdaContext) -> dict:
    """The coins for each valid amount."""
    results = []
    for item in event["valid"]:
        change = make_change(item["cents"])
        results.append({"amount": change.amount, "cents": change.cents, "coins": change.coins})
    return {"results": results, "invalid": event["invalid"]}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def summarise(event: dict, context: LambdaContext) -> dict:
    """Totals over all the amounts: what a person reads at the end of an execution."""
    coins = Counter({name: 0 for name, _ in COINS})
    for result in event["results"]:
        coins.update(result["coins"])
    total = sum(result["cents"] for result in event["results"])
    return {
        "count": len(event["results"]),
        "total_cents": total,
        "total_amount": f"{total // 100}.{total % 100:02d}",
        "coins": dict(coins),
        "invalid": event["invalid"],
        "results": event["results"],
    }
