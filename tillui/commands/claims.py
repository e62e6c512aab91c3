"""`tillui claims`: the claims outbox without the screen, for scripts, support and the kill test.

    tillui claims send --customer ID --transaction ID --bill NUMBER --amount AMOUNT
    tillui claims reconcile [--until-settled]
    tillui claims list

Each reads the same configuration as the app (`--config`, `--till`, TILLUI_* variables) and the
till's own outbox (or `--outbox PATH`). Output is one line per claim, without customer data
beyond IDs; the exit status is 0 when the command did what it says, 1 when claims are left
unsettled, a send was refused or a reconcile found a claim not made (its bill is to be claimed
again), 2 for a configuration problem.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tillui.arguments import (
    OneLineParser,
    amount_text,
    non_empty,
    one_line_error,
    positive_id,
)

if TYPE_CHECKING:
    from tillui.claims.outbox import ClaimRecord
    from tillui.claims.service import ClaimOutcome


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="tillui claims", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="config file (else TILLUI_CONFIG)")
    parser.add_argument(
        "--till", type=non_empty, help="till ID (else TILLUI_TILL, else the config's default)"
    )
    parser.add_argument("--outbox", type=Path, help="the outbox file (else the till's own)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    send = commands.add_parser("send", help="claim one bill for one customer (stored first)")
    send.add_argument("--customer", type=positive_id, required=True)
    send.add_argument("--transaction", type=positive_id, required=True)
    send.add_argument("--bill", required=True, help="the bill number")
    send.add_argument("--amount", type=amount_text, required=True)
    send.add_argument("--notes", default="")
    reconcile = commands.add_parser("reconcile", help="check unsettled claims with Intouch")
    reconcile.add_argument(
        "--until-settled",
        action="store_true",
        help="keep checking (with backoff, as the app does) until none is left unsettled",
    )
    commands.add_parser("list", help="the latest claims and their states")
    return parser


def main(
    argv: list[str] | None = None, *, till: str | None = None, config_path: Path | None = None
) -> int:
    """`till` and `config_path`: the global options given before `claims` (`tillui --till T1
    claims list`); the same options after it are accepted too, not both at once."""
    args = _parser().parse_args(argv)
    for name, given in (("till", till), ("config", config_path)):
        mine = getattr(args, name)
        if given is not None and mine is not None and given != mine:
            return one_line_error("tillui claims", f"--{name} given twice ({given} and {mine})")
        if mine is None:
            setattr(args, name, given)
    from tillui.config.files import ConfigError
    from tillui.logs import configure_logging

    configure_logging()
    try:
        return asyncio.run(_run(args))
    except ConfigError as problem:
        print(f"tillui claims: {problem}", file=sys.stderr)
        return 2


async def _run(args: argparse.Namespace) -> int:
    from tillui.api.client import IntouchClient
    from tillui.api.errors import IntouchError
    from tillui.claims.outbox import ClaimsOutbox
    from tillui.claims.service import ClaimService
    from tillui.config.layers import load_config
    from tillui.wiring.configured import claims_outbox_path

    resolved = load_config(path=args.config, till=args.till)
    outbox = ClaimsOutbox(args.outbox or claims_outbox_path(resolved.till))
    async with IntouchClient(resolved.settings, resolved.secrets) as client:
        claims = ClaimService(client, outbox, resolved.settings, resolved.secrets)
        try:
            if args.command == "send":
                print(f"claiming transaction {args.transaction}", flush=True)
                outcome = await claims.submit(
                    customer_id=args.customer,
                    transaction_id=args.transaction,
                    bill_number=args.bill,
                    amount=args.amount,
                    notes=args.notes,
                )
                _print(outcome.kind, outcome.claim)
                return 0 if outcome.sent else 1
            if args.command == "reconcile":
                print(f"checking {await claims.unresolved_count()} unsettled claims", flush=True)
                refused: list[ClaimOutcome] = []

                def report(outcomes: list[ClaimOutcome]) -> None:
                    refused.extend(o for o in outcomes if o.refused)
                    _print_all(outcomes)

                if args.until_settled:
                    claims.start_background(report)
                    await claims.background_finished()
                else:
                    report(await claims.reconcile())
                for outcome in refused:
                    print(f"tillui claims: {outcome.message}", file=sys.stderr)
                return 0 if await claims.unresolved_count() == 0 and not refused else 1
            for record in outbox.recent(200):
                _print(record.state, record)
            return 0
        except IntouchError as error:
            print(f"tillui claims: {error.message}", file=sys.stderr)
            return 1
        finally:
            await claims.stop_background()
            outbox.close()


def _print_all(outcomes: list[ClaimOutcome]) -> None:
    for outcome in outcomes:
        _print(outcome.kind + (" (resent)" if outcome.posted else ""), outcome.claim)


def _print(what: str, claim: ClaimRecord) -> None:
    print(
        f"{what}: transaction {claim.transaction_id} state {claim.state} "
        f"request {claim.request_id or '-'} attempts {claim.attempts}",
        flush=True,
    )
