"""A real, private GNOME Keyring Secret Service for tests.

Tests of the credential store must exercise the same daemon desktop users run,
but must never see (or write to) the developer's own keyring.  This module
starts a *private* D-Bus session bus and a ``gnome-keyring-daemon`` (secrets
component only) whose HOME, XDG dirs and runtime dir live in a temp directory,
so it works the same whether or not pytest runs inside ``dbus-run-session``
or a desktop session.

The private bus has no service directories on purpose: nothing can be
D-Bus-activated on it.  That means
* no GUI prompter (``gcr-prompter``) is ever started, so an unlock prompt is
  dismissed at once instead of popping up a dialog / hanging on a desktop;
* after :meth:`SecretServiceDaemon.kill_keyring_only` the service really is
  gone (the bus would otherwise auto-start a fresh, empty keyring daemon).

Typical use (session-scoped fixture in conftest.py)::

    daemon = SecretServiceDaemon(tmp_path_factory.mktemp("secret-service"))
    daemon.start()
    daemon.activate()      # os.environ now points at the private bus
    yield daemon
    daemon.stop()          # also deactivates
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pathlib
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Any

__all__ = ["SecretServiceDaemon", "available"]

_SECRETS_NAME = "org.freedesktop.secrets"
_SECRETS_PATH = "/org/freedesktop/secrets"
_SERVICE_IFACE = "org.freedesktop.Secret.Service"
_COLLECTION_IFACE = "org.freedesktop.Secret.Collection"
# gnome-keyring's private interface; the only way to unlock without a GUI prompt.
_GNOME_IFACE = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"

_LOGIN_PASSWORD = "afterword-test-login"  # throwaway keyring in a temp HOME
_START_TIMEOUT = 10.0  # generous for a loaded 2-core CI box; normally ~0.3 s
_STOP_TIMEOUT = 3.0
_CALL_TIMEOUT = 2.0
# sun_path is 108 bytes; dbus appends "/dbus-XXXXXXXXXX", keyring "/keyring/control".
_MAX_RUNTIME_DIR_LEN = 80

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- Private test bus: no servicedirs, so nothing is ever auto-activated
       (no gcr-prompter dialog, no replacement keyring daemon). -->
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def available() -> bool:
    """True when both daemons exist, so tests can skip cleanly elsewhere."""
    return (
        shutil.which("gnome-keyring-daemon") is not None and shutil.which("dbus-daemon") is not None
    )


class SecretServiceDaemon:
    """A private dbus session bus + gnome-keyring-daemon (secrets component) in a temp HOME."""

    def __init__(self, workdir: pathlib.Path, password: str = _LOGIN_PASSWORD) -> None:
        """Only computes paths; nothing is started until :meth:`start`.

        ``password`` is the login keyring password; it must be non-empty, since
        with an empty one gnome-keyring cannot create the collection headless.
        """
        if not password:
            raise ValueError("the login password must be non-empty")
        self.workdir = pathlib.Path(workdir).resolve()
        self.password = password
        self.home = self.workdir / "home"
        self._own_runtime_dir: pathlib.Path | None = None
        self.runtime_dir = self.workdir / "run"
        self._dbus: subprocess.Popen[bytes] | None = None
        self._keyring: subprocess.Popen[bytes] | None = None
        self._address: str | None = None
        self._saved_env: dict[str, str | None] | None = None
        self.collection_path: str | None = None

    # ----------------------------------------------------------------- start
    def start(self) -> None:
        """Start dbus-daemon, then gnome-keyring-daemon; return once secrets answer."""
        if self._dbus is not None:
            raise RuntimeError("already started")
        atexit.register(self.stop)  # never leave daemons behind on a crashed run
        try:
            self._prepare_dirs()
            self._start_dbus()
            self._start_keyring()
            self._wait_ready(time.monotonic() + _START_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def _prepare_dirs(self) -> None:
        """Fresh HOME/XDG dirs; a short runtime dir because of the socket path limit."""
        for sub in (".local/share", ".config", ".cache"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        if len(str(self.runtime_dir)) > _MAX_RUNTIME_DIR_LEN:
            self._own_runtime_dir = pathlib.Path(tempfile.mkdtemp(prefix="aw-ss-", dir="/tmp"))
            self.runtime_dir = self._own_runtime_dir
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        self.runtime_dir.chmod(0o700)  # XDG_RUNTIME_DIR must be private

    def _base_env(self) -> dict[str, str]:
        """A from-scratch env: nothing of the user's session (DISPLAY, bus, keyring) leaks in."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / ".local/share"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }
        if self._address is not None:
            env["DBUS_SESSION_BUS_ADDRESS"] = self._address
        return env

    def _log(self, name: str) -> Any:
        """Daemon stderr goes to a file: a pipe nobody reads could fill and block it."""
        return open(self.workdir / name, "ab")

    def _start_dbus(self) -> None:
        """dbus-daemon --nofork in its own process group; its printed address means ready."""
        config = self.workdir / "session.conf"
        config.write_text(_BUS_CONFIG.format(socket_dir=self.runtime_dir), encoding="utf-8")
        exe = shutil.which("dbus-daemon")
        if exe is None:
            raise RuntimeError("dbus-daemon not found")
        with self._log("dbus-daemon.log") as log:
            self._dbus = subprocess.Popen(
                [exe, f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env=self._base_env(),
                cwd=self.workdir,
                start_new_session=True,
            )
        assert self._dbus.stdout is not None
        line = b""
        deadline = time.monotonic() + _START_TIMEOUT
        with selectors.DefaultSelector() as sel:
            sel.register(self._dbus.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._dbus.poll() is not None:
                    log = self._tail("dbus-daemon.log")
                    raise RuntimeError(f"dbus-daemon did not start: {log}")
                if sel.select(remaining):
                    chunk = os.read(self._dbus.stdout.fileno(), 4096)
                    if not chunk:
                        raise RuntimeError(f"dbus-daemon exited: {self._tail('dbus-daemon.log')}")
                    line += chunk
        self._dbus.stdout.close()  # it prints the address only once
        self._address = line.decode().strip().splitlines()[0]

    def _start_keyring(self) -> None:
        """gnome-keyring-daemon --foreground so it stays our child (no fork, no zombie)."""
        exe = shutil.which("gnome-keyring-daemon")
        if exe is None:
            raise RuntimeError("gnome-keyring-daemon not found")
        with self._log("gnome-keyring-daemon.log") as log:
            self._keyring = subprocess.Popen(
                [exe, "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                env=self._base_env(),
                cwd=self.workdir,
                start_new_session=True,
            )
        assert self._keyring.stdin is not None
        # --unlock reads the login password from stdin up to EOF (no newline).
        self._keyring.stdin.write(self.password.encode())
        self._keyring.stdin.close()

    def _wait_ready(self, deadline: float) -> None:
        """Poll until the 'default' alias resolves to an unlocked collection."""
        from jeepney import DBusAddress, MessageType, Properties, new_method_call

        service = DBusAddress(_SECRETS_PATH, _SECRETS_NAME, _SERVICE_IFACE)
        last = "no answer"
        while time.monotonic() < deadline:
            if self._keyring is None or self._keyring.poll() is not None:
                raise RuntimeError(
                    f"gnome-keyring-daemon exited: {self._tail('gnome-keyring-daemon.log')}"
                )
            try:
                with self._connect() as conn:
                    reply = conn.send_and_get_reply(
                        new_method_call(service, "ReadAlias", "s", ("default",)),
                        timeout=_CALL_TIMEOUT,
                    )
                    ok = reply.header.message_type == MessageType.method_return
                    if ok and reply.body[0] != "/":
                        path = str(reply.body[0])
                        locked = conn.send_and_get_reply(
                            Properties(DBusAddress(path, _SECRETS_NAME, _COLLECTION_IFACE)).get(
                                "Locked"
                            ),
                            timeout=_CALL_TIMEOUT,
                        )
                        if (
                            locked.header.message_type == MessageType.method_return
                            and not (locked.body[0][1])
                        ):
                            self.collection_path = path
                            return
                    last = repr(reply.body)
            except (OSError, TimeoutError) as exc:
                last = repr(exc)
            time.sleep(0.02)
        raise RuntimeError(f"Secret Service did not answer in time ({last})")

    def _tail(self, name: str) -> str:
        """Last lines of a daemon log, for error messages."""
        try:
            return (self.workdir / name).read_text(errors="replace")[-2000:]
        except OSError:
            return "<no log>"

    # ------------------------------------------------------------ client env
    @property
    def address(self) -> str:
        """The private bus address (raises before start)."""
        if self._address is None:
            raise RuntimeError("not started")
        return self._address

    @property
    def env(self) -> dict[str, str]:
        """What a client (python keyring / secretstorage / libsecret) needs to find this daemon."""
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "GNOME_KEYRING_CONTROL": str(self.runtime_dir / "keyring"),
        }

    def activate(self) -> None:
        """Point os.environ at the private bus; old values are kept for deactivate()."""
        if self._saved_env is not None:
            return
        self._saved_env = {key: os.environ.get(key) for key in self.env}
        os.environ.update(self.env)

    def deactivate(self) -> None:
        """Restore os.environ exactly as activate() found it."""
        if self._saved_env is None:
            return
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = None

    # ------------------------------------------------------- lock / unlock
    def _connect(self) -> Any:
        """A jeepney connection to the private bus, independent of os.environ."""
        from jeepney.io.blocking import open_dbus_connection

        return open_dbus_connection(bus=self.address)

    def _collection_path(self) -> str:
        if self.collection_path is None:
            raise RuntimeError("not started")
        return self.collection_path

    def is_locked(self) -> bool:
        """Whether the login collection is locked right now (asks the daemon)."""
        import secretstorage

        with self._connect() as conn:
            return bool(secretstorage.Collection(conn, self._collection_path()).is_locked())

    def lock(self) -> None:
        """Really lock the login collection via the Secret Service Lock() call."""
        import secretstorage

        with self._connect() as conn:
            collection = secretstorage.Collection(conn, self._collection_path())
            collection.lock()
            if not collection.is_locked():
                raise RuntimeError("collection did not lock")

    def unlock(self) -> None:
        """Unlock without a prompt, using gnome-keyring's UnlockWithMasterPassword.

        The standard Secret Service Unlock() needs a GUI prompt (gcr-prompter),
        which cannot run headless (and is not activatable on this bus), so it is
        always dismissed.  gnome-keyring's private interface takes the password
        directly, sent as a Secret through a (DH-encrypted) session.
        """
        import secretstorage
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg
        from secretstorage.util import format_secret, open_session

        with self._connect() as conn:
            session = open_session(conn)
            secret = format_secret(session, self.password.encode(), "text/plain")
            iface = DBusAddress(_SECRETS_PATH, _SECRETS_NAME, _GNOME_IFACE)
            unwrap_msg(
                conn.send_and_get_reply(
                    new_method_call(
                        iface,
                        "UnlockWithMasterPassword",
                        "o(oayays)",
                        (self._collection_path(), secret),
                    ),
                    timeout=_CALL_TIMEOUT,
                )
            )
            if secretstorage.Collection(conn, self._collection_path()).is_locked():
                raise RuntimeError("collection did not unlock")

    # ---------------------------------------------------------------- stop
    @staticmethod
    def _terminate(proc: subprocess.Popen[bytes] | None) -> None:
        """SIGTERM the process group, SIGKILL after a timeout, always reap."""
        if proc is None:
            return
        if proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)  # pgid == pid thanks to start_new_session
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=_STOP_TIMEOUT)
                    break
                except subprocess.TimeoutExpired:
                    continue
        with contextlib.suppress(subprocess.TimeoutExpired):  # unkillable (D state)
            proc.wait(timeout=_STOP_TIMEOUT)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def kill_keyring_only(self) -> None:
        """Kill gnome-keyring-daemon but keep the bus: 'keyring daemon died mid-session'.

        Returns once the bus no longer lists org.freedesktop.secrets, so the
        next client call deterministically sees the service gone.
        """
        self._terminate(self._keyring)
        self._keyring = None
        if self._dbus is None or self._dbus.poll() is not None:
            return
        from jeepney import message_bus, new_method_call
        from jeepney.wrappers import unwrap_msg

        deadline = time.monotonic() + _STOP_TIMEOUT
        with self._connect() as conn:
            while time.monotonic() < deadline:
                msg = new_method_call(message_bus, "NameHasOwner", "s", (_SECRETS_NAME,))
                if not unwrap_msg(conn.send_and_get_reply(msg, timeout=_CALL_TIMEOUT))[0]:
                    return
                time.sleep(0.02)
        raise RuntimeError("org.freedesktop.secrets still owned after killing the daemon")

    def stop(self) -> None:
        """Kill both daemons (keyring first), reap them, restore os.environ. Idempotent."""
        self.deactivate()
        self._terminate(self._keyring)
        self._keyring = None
        self._terminate(self._dbus)
        self._dbus = None
        self._address = None
        if self._own_runtime_dir is not None:
            shutil.rmtree(self._own_runtime_dir, ignore_errors=True)
            self._own_runtime_dir = None
            self.runtime_dir = self.workdir / "run"
        atexit.unregister(self.stop)

    @property
    def running(self) -> bool:
        """True while both daemons are alive."""
        return (
            self._dbus is not None
            and self._dbus.poll() is None
            and self._keyring is not None
            and self._keyring.poll() is None
        )

    def __enter__(self) -> SecretServiceDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
