"""The spinner costs nothing while hidden (Textual's LoadingIndicator repaints 16x/s regardless)."""

from textual.app import App, ComposeResult

from tillui.widgets.spinner import FRAME_INTERVAL, Spinner


class SpinnerApp(App[None]):
    CSS = "#hidden { display: none; }"

    def compose(self) -> ComposeResult:
        yield Spinner(id="hidden")
        yield Spinner(id="shown")


async def test_a_hidden_spinner_has_no_refresh_timer_and_a_shown_one_animates():
    app = SpinnerApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        hidden, shown = app.query_one("#hidden", Spinner), app.query_one("#shown", Spinner)
        assert hidden.auto_refresh is None
        assert shown.auto_refresh == FRAME_INTERVAL
        hidden.display, shown.display = True, False
        await pilot.pause()
        assert hidden.auto_refresh == FRAME_INTERVAL and shown.auto_refresh is None
        hidden.display = False
        await pilot.pause()
        assert hidden.auto_refresh is None
