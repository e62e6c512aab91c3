"""Claim: the till's recent non-member bills (and a receipt search), the limits applied, and
the claim itself — four keys from the customer screen: c, move, Enter, Enter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Static

from tillui.clock import format_age, format_local
from tillui.display.formatting import format_amount
from tillui.messages import ScannedCode
from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from tillui.claims.candidates import Candidate, ClaimContext

# Rows confirmed with the API as soon as the list shows: the newest claimable ones, which are
# what a cashier picks almost every time. The rest are confirmed when chosen.
CONFIRM_AHEAD = 8
BILL_WIDTH = 16
STATUS_WORDS = (
    "Too old",
    "Before registration",
    "Cannot be claimed",
    "Ready",
    "Not yet checked",
    "Claimed just now",
)


class BillsTable(DataTable):
    BINDINGS = [Binding("enter", "select_cursor", "Claim", id="claim.claim")]

    @dataclass
    class TypedAway(Message):
        """A printable key typed on the table: it belongs to the receipt search."""

        character: str

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character != "/":
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedAway(event.character))


class ClaimScreen(TillScreen[None]):
    CSS_PATH = stylesheet("claim.tcss")
    scan_starts_lookup = True  # a scan here is a receipt: see on_scanned_code
    BINDINGS = [
        Binding("escape", "back", "Back", id="claim.back"),
        Binding("slash", "search", "Search receipt", id="claim.search"),
        Binding("ctrl+r,f5", "reload", "Reload", id="claim.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._candidates: dict[int, Candidate] = {}
        self._claiming = False

    @property
    def busy(self) -> bool:
        return self._claiming

    def compose(self) -> ComposeResult:
        # The whole line is the title (a long name wraps); the limits sit under the bills.
        yield Static("", id="claim-title")
        yield Input(
            placeholder="Receipt: bill number or transaction ID — type or scan, Enter",
            id="receipt",
            max_length=64,
            # Keys typed on the table start a new query here: selecting on focus would let the
            # second key replace the first.
            select_on_focus=False,
        )
        yield BillsTable(id="bills", cursor_type="row", zebra_stripes=True)
        yield Static("", id="claim-reason")
        yield Spinner(id="claim-loading")
        yield ErrorPanel(id="claim-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(BillsTable)
        # Fixed widths that hold every status ("Before registration") at 80 columns: an auto
        # width would stay as narrow as the first rows and cut later ones ("Cannot be claim").
        table.add_column("Bill", key="bill", width=BILL_WIDTH)
        table.add_column("Billed", key="billed", width=17)
        table.add_column("Amount", key="amount", width=13)
        table.add_column("Status", key="status", width=max(map(len, STATUS_WORDS)))
        self.query_one("#receipt").border_title = "Receipt search"
        table.border_title = "Recent non-member bills"
        lookup = self.till.session.lookup
        name = lookup.details.name if lookup else ""
        self.query_one("#claim-title", Static).update(
            Text(f"Claim a bill for {name}", style="bold")
        )
        table.focus()
        self.action_reload()

    # -- loading ---------------------------------------------------------------------------------

    async def _claim_context(self) -> ClaimContext:
        from tillui.claims.candidates import ClaimContext

        services = await self.till.services()
        lookup = self.till.session.lookup
        assert lookup is not None
        settings = services.settings
        rule = (
            f"registered {settings.retro_delay_hours} h before"
            if settings.registration_rule == "registered_delay_before_now"
            else f"from {settings.retro_delay_hours} h before registration"
        )
        self.query_one(
            BillsTable
        ).border_subtitle = f"up to {settings.retro_max_age_days} days · {rule}"
        return ClaimContext(settings, lookup.details.registered_at, self.till.clock.now())

    def action_reload(self) -> None:
        self._load_journal()

    @work(exclusive=True, group="load", exit_on_error=False)
    async def _load_journal(self) -> None:
        import asyncio

        from tillui.claims.candidates import confirm_many, read_journal

        panel = self.query_one(ErrorPanel)
        panel.clear()
        self._busy(True)
        try:
            context = await self._claim_context()
            candidates, problems = await asyncio.to_thread(read_journal, context)
            self._show(candidates, source_note=problems[0] if problems else None)
            if problems and candidates:
                # The bills that could be read are listed; the cashier (and the till's POS
                # vendor) should still know some could not.
                more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
                self.notify(
                    f"{problems[0]}{more}", title="Recent-bills journal", severity="warning"
                )
            ahead = [c for c in candidates if c.verdict.allowed][:CONFIRM_AHEAD]
            services = await self.till.services()
            for result in await confirm_many(services.client, ahead, context):
                if isinstance(result, BaseException):
                    panel.show_error(result)
                    break
                self._update(result)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            panel.show_error(error)
        finally:
            self._busy(False)

    def _busy(self, busy: bool) -> None:
        self.query_one("#claim-loading").display = busy

    # -- the table ------------------------------------------------------------------------------

    def _show(self, candidates: list[Candidate], *, source_note: str | None = None) -> None:
        table = self.query_one(BillsTable)
        table.clear()
        self._candidates = {}
        for candidate in candidates:
            self._candidates[candidate.transaction_id] = candidate
            table.add_row(*self._cells(candidate), key=str(candidate.transaction_id))
        if not candidates:
            self._say(
                source_note or "No recent non-member bills at this till: search by receipt (/)."
            )
            self.query_one("#receipt", Input).focus()
        else:
            self._describe_highlighted()

    def _update(self, candidate: Candidate) -> None:
        table = self.query_one(BillsTable)
        self._candidates[candidate.transaction_id] = candidate
        key = str(candidate.transaction_id)
        if key not in table.rows:
            table.add_row(*self._cells(candidate), key=key)
            return
        for column, cell in zip(
            ("bill", "billed", "amount", "status"), self._cells(candidate), strict=True
        ):
            table.update_cell(key, column, cell)
        self._describe_highlighted()

    def _cells(self, candidate: Candidate) -> list[Text]:
        style = "" if candidate.selectable else "dim"
        if not candidate.verdict.allowed:
            status = {
                "too_old": "Too old",
                "registered_too_recently": "Joined too recently",
            }.get(candidate.verdict.code or "", "Before registration")
        elif candidate.check == "refused":
            status = "Cannot be claimed"
        elif candidate.check == "confirmed":
            status = "Ready"
        else:
            status = "Not yet checked"
        if candidate.transaction_id in self.till.session.claimed_transaction_ids:
            status, style = "Claimed just now", "dim"
        return [
            Text(candidate.bill_number, style=style),
            Text(format_local(candidate.billing_time, self.till.clock), style=style),
            Text(format_amount(candidate.amount, candidate.currency), style=style, justify="right"),
            Text(status, style=style or ("bold" if status == "Ready" else "")),
        ]

    def _highlighted(self) -> Candidate | None:
        table = self.query_one(BillsTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._candidates.get(int(key)) if key is not None else None

    @on(DataTable.RowHighlighted)
    def _describe_highlighted(self, _event: object = None) -> None:
        candidate = self._highlighted()
        if candidate is None:
            return
        billed = f"Billed {format_age(candidate.billing_time, self.till.clock)}"
        store = f" at {candidate.store_name}" if candidate.store_name else ""
        if candidate.transaction_id in self.till.session.claimed_transaction_ids:
            self._say(f"{billed}{store}. Claimed in this session.")
        elif candidate.reason:
            self._say(candidate.reason, refused=True)
        else:
            self._say(f"{billed}{store}. Enter claims it.")

    def _say(self, text: str, *, refused: bool = False) -> None:
        reason = self.query_one("#claim-reason", Static)
        reason.update(Text(text))
        reason.set_class(refused, "-refused")

    # -- receipt search -------------------------------------------------------------------------

    def action_search(self) -> None:
        receipt = self.query_one("#receipt", Input)
        receipt.focus()
        receipt.select_all()

    @on(BillsTable.TypedAway)
    def _typed_on_table(self, message: BillsTable.TypedAway) -> None:
        receipt = self.query_one("#receipt", Input)
        if receipt.has_focus:
            receipt.insert_text_at_cursor(message.character)
        else:
            receipt.value = message.character
            receipt.cursor_position = len(receipt.value)
            receipt.focus()

    @on(Input.Submitted, "#receipt")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._search(event.value)

    def on_scanned_code(self, message: ScannedCode) -> None:
        # A scanned receipt searches at once; it is not a new customer.
        message.stop()
        receipt = self.query_one("#receipt", Input)
        receipt.value = message.code
        self._search(message.code)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def _search(self, query: str) -> None:
        from tillui.claims.candidates import search_receipt

        if not query.strip():
            return
        panel = self.query_one(ErrorPanel)
        panel.clear()
        self._busy(True)
        try:
            services = await self.till.services()
            found = await search_receipt(
                services.client,
                query,
                await self._claim_context(),
                known=self._candidates.values(),
            )
        except Exception as error:  # noqa: BLE001 - shown, never raised
            panel.show_error(error)
            return
        finally:
            self._busy(False)
        table = self.query_one(BillsTable)
        if not found:
            self._say(
                f"No bill {query.strip()!r} found — check the number on the receipt.", refused=True
            )
            return
        for candidate in reversed(found):
            self._update(candidate)
        table.focus()
        table.move_cursor(row=table.get_row_index(str(found[0].transaction_id)))
        self._describe_highlighted()

    # -- claiming ---------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self._claiming:
            self._choose()

    @work(exclusive=True, group="claim", exit_on_error=False)
    async def _choose(self) -> None:
        from tillui.claims.candidates import confirm
        from tillui.screens.dialogs.confirm_claim import ClaimSummary, ConfirmClaimDialog

        candidate = self._highlighted()
        if candidate is None or self._claiming:
            return
        if candidate.transaction_id in self.till.session.claimed_transaction_ids and (
            # A claim rejected since may be made again (the outbox still stops a live one).
            await (await self.till.services()).claims.last_rejection(
                self.till.session.customer_id or 0, candidate.transaction_id
            )
            is None
        ):
            self._say(
                "Already claimed in this session — see the customer's requests (r).", refused=True
            )
            return
        if not candidate.selectable:
            self._say(candidate.reason or "This bill cannot be claimed.", refused=True)
            self.app.bell()
            return
        self._claiming = True
        try:
            services = await self.till.services()
            if candidate.check != "confirmed":
                self._busy(True)
                candidate = await confirm(services.client, candidate, await self._claim_context())
                self._update(candidate)
                if not candidate.selectable:
                    self._say(candidate.reason or "This bill cannot be claimed.", refused=True)
                    return
            services = await self.till.services()
            rejected = await services.claims.last_rejection(
                self.till.session.customer_id or 0, candidate.transaction_id
            )
            summary = ClaimSummary(
                rejected_on=format_local(rejected, self.till.clock) if rejected else None,
                customer=self._customer_line(),
                bill_number=candidate.bill_number,
                billed=f"{format_local(candidate.billing_time, self.till.clock)} "
                f"({format_age(candidate.billing_time, self.till.clock)})",
                amount=format_amount(candidate.amount, candidate.currency),
            )
            self._busy(False)
            note = await self.app.push_screen_wait(ConfirmClaimDialog(summary))
            if note is None:
                return
            await self._submit(candidate, note)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            self.query_one(ErrorPanel).show_error(error)
        finally:
            self._busy(False)
            self._claiming = False

    async def _submit(self, candidate: Candidate, note: str) -> None:
        from tillui.screens.claim_result import ClaimResultScreen

        services = await self.till.services()
        customer_id = self.till.session.customer_id
        assert customer_id is not None
        self._busy(True)
        self._say("Sending the claim…")
        outcome = await services.claims.submit(
            customer_id=customer_id,
            transaction_id=candidate.transaction_id,
            bill_number=candidate.bill_number,
            amount=candidate.amount,
            notes=note,
        )
        if outcome.sent or outcome.kind == "already_claimed":
            self.till.session.claimed_transaction_ids.add(candidate.transaction_id)
            self._update(candidate)
        await self.till.show_unsent_claims()
        await self.until_on_top()  # a quit question opened meanwhile keeps the keys
        self.app.push_screen(ClaimResultScreen(outcome, candidate))

    def _customer_line(self) -> str:
        from tillui.counter.identifiers import display

        lookup = self.till.session.lookup
        assert lookup is not None
        mobile = next(
            (i.as_identifier() for i in lookup.details.identifiers if i.type.lower() == "mobile"),
            None,
        )
        return (
            f"{lookup.details.name} ({display(mobile, masked=True)})"
            if mobile
            else lookup.details.name
        )

    def action_back(self) -> None:
        receipt = self.query_one("#receipt", Input)
        if receipt.has_focus:
            self.query_one(BillsTable).focus()
        else:
            self.app.pop_screen()

    def palette_commands(self):
        yield SystemCommand(
            "Search receipt", "Find a bill by bill number or transaction ID", self.action_search
        )
        yield SystemCommand("Reload bills", "Read the till's journal again", self.action_reload)
