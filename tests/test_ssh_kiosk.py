"""SSH deployment, for real: sshd with the README's Match/ForceCommand, `ssh -tt` in tmux at 80x24.

Starts its own sshd on a loopback port (generated host key, key auth only, its own config; the
machine's sshd is not touched), creates a throwaway user whose ForceCommand runs
`tillui --demo --kiosk`, looks up a customer through it, and checks that Ctrl+Q does not drop
the user to a shell. Needs root (to create the user and run sshd), as CI has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.real_tools import REPO, free_port, require_program, unavailable, wait_for, wait_for_port

pytestmark = pytest.mark.timeout(60)

SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {folder}/host_ed25519
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
# The test's folders live under /tmp (world-writable), which StrictModes would refuse.
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin {permit_root}
AllowUsers {user}

{match_block}"""


def match_block(user: str, command: str) -> str:
    """The README's example (section "Over SSH"), with this test's user and command."""
    return f"""\
Match User {user}
    ForceCommand exec {command}
    PermitTTY yes
    SetEnv ESCDELAY=200
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    AllowAgentForwarding no
    PermitTunnel no
    PermitUserRC no
"""


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)


class Tmux:
    def __init__(self, tmux: str, socket: str) -> None:
        self.base = [tmux, "-L", socket, "-f", "/dev/null"]
        self.login = ""

    def __call__(self, *args: str, check: bool = True) -> str:
        return run(*self.base, *args, check=check).stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "kiosk")

    def pane_dead(self) -> bool:
        return self("display-message", "-p", "-t", "kiosk", "#{pane_dead}").strip() == "1"


def can_run_tillui(user: str) -> bool:
    """Whether `user` can run this interpreter and import tillui (a Python under /root cannot)."""
    result = run(
        "runuser", "-u", user, "--", sys.executable, "-c", "import textual, tillui.cli",
        check=False, cwd="/",
    )  # fmt: skip
    return result.returncode == 0


@pytest.fixture
def kiosk_over_ssh():
    if os.geteuid() != 0:
        unavailable("the sshd test must run as root (to add a user and start sshd)")
    sshd = require_program("sshd", "/usr/sbin/sshd")
    require_program("ssh")
    ssh_keygen = require_program("ssh-keygen")
    tmux = Tmux(require_program("tmux"), f"tillui-ssh-{os.getpid()}")
    for tool in ("useradd", "usermod", "userdel", "runuser"):
        require_program(tool, f"/usr/sbin/{tool}")

    folder = Path(tempfile.mkdtemp(prefix="tillui-sshd-"))
    folder.chmod(0o755)
    user = f"tillssh{os.getpid()}"[:32]
    port = free_port()
    server: subprocess.Popen[str] | None = None
    user_added = False
    try:
        home = folder / "home"
        home.mkdir()
        run("useradd", "-M", "-d", str(home), "-s", "/bin/sh", "-U", user)
        user_added = True
        # "*": no password, but not a locked account (sshd without PAM refuses locked ones).
        run("usermod", "-p", "*", user)
        shutil.chown(home, user, user)
        permit_root = "no"
        if not can_run_tillui(user):
            # This Python lives where an unprivileged user cannot read it (e.g. pyenv under
            # /root, as in CI). Make the throwaway login an alias of root instead: sshd,
            # ForceCommand and the TTY are the same; only the file permissions differ.
            run("userdel", "-f", user)
            run("useradd", "-o", "-u", "0", "-g", "0", "-M", "-d", str(home), "-s", "/bin/sh", user)
            run("usermod", "-p", "*", user)
            permit_root = "prohibit-password"
        run(ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_ed25519"))
        run(ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "client_ed25519"))
        shutil.copy(folder / "client_ed25519.pub", folder / "authorized_keys")
        (folder / "authorized_keys").chmod(0o644)
        command = f"{sys.executable} -m tillui --demo --kiosk"
        config = folder / "sshd_config"
        config.write_text(
            SSHD_CONFIG.format(
                port=port,
                folder=folder,
                user=user,
                permit_root=permit_root,
                match_block=match_block(user, command),
            ),
            encoding="utf-8",
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
        checked = run(sshd, "-t", "-f", str(config), check=False)
        assert checked.returncode == 0, checked.stderr
        server = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for_port(port, timeout=10, alive=lambda: server.poll() is None)
        client = [
            "ssh", "-tt", "-F", "/dev/null", "-p", str(port),
            "-i", str(folder / "client_ed25519"), "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            f"{user}@127.0.0.1",
        ]  # fmt: skip
        tmux("new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24", *client)
        tmux("set-option", "-t", "kiosk", "remain-on-exit", "on")
        tmux.login = "an unprivileged user" if permit_root == "no" else "a uid-0 alias"
        yield tmux
    finally:
        tmux("kill-server", check=False)
        if server is not None:
            server.terminate()
            try:
                _, errors = server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                _, errors = server.communicate()
            if errors.strip():
                print("sshd said:\n" + errors[-2000:])
        if user_added:
            # -f: the session's processes may still be ending after the client went away.
            run("userdel", "-f", user, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def test_kiosk_over_ssh_looks_up_a_customer_and_never_gives_a_shell(kiosk_over_ssh) -> None:
    tmux = kiosk_over_ssh
    started = time.monotonic()

    def shows(text: str):
        return lambda: text in tmux.screen() or (tmux.pane_dead() and pytest.fail(tmux.screen()))

    wait_for(shows("Find a customer"), timeout=30, what="the lookup screen over ssh")
    assert "DEMO sandbox" in tmux.screen()
    tmux("send-keys", "-t", "kiosk", "919800000001", "Enter")
    wait_for(shows("customer ID"), timeout=20, what="the customer screen over ssh")
    screen = tmux.screen()
    assert "Asha Rao" in screen and "919800000001" not in screen  # a kiosk masks it
    assert len(screen.splitlines()) == 24
    looked_up = time.monotonic() - started

    tmux("send-keys", "-t", "kiosk", "C-q")
    wait_for(shows("Quitting is disabled"), timeout=10, what="the refusal to quit")
    tmux("send-keys", "-t", "kiosk", "Escape")  # back to the lookup screen; still the app
    wait_for(shows("Find a customer"), timeout=10, what="the lookup screen again")
    tmux("send-keys", "-t", "kiosk", "C-q")
    time.sleep(1)  # a shell, had one appeared, would have printed its prompt by now
    screen = tmux.screen()
    assert not tmux.pane_dead(), screen
    assert "Find a customer" in screen and "$ " not in screen and "# " not in screen
    print(f"ssh kiosk ({tmux.login}): customer shown {looked_up:.1f} s after connecting")


def test_the_readme_shows_the_same_sshd_config() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for line in match_block("till07", "tillui").splitlines()[1:]:
        keyword = line.split()[0]
        assert keyword in readme, f"the README's sshd_config example lacks {keyword}"
    assert "Match User till07" in readme and "ForceCommand exec tillui --till" in readme
