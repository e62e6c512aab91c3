"""`tillui serve` does not open the till to the network by accident."""

from __future__ import annotations


def test_serve_refuses_a_non_loopback_address_without_the_flag(capsys) -> None:
    from tillui.commands import serve

    assert serve.main(["--host", "0.0.0.0", "--demo"]) == 2  # noqa: S104 - refused, never bound
    line = capsys.readouterr().err.strip()
    assert "refusing to listen on 0.0.0.0" in line and "--allow-remote" in line
    assert "\n" not in line
