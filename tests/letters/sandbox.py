"""NHS England's MESH sandbox (``mesh-sandbox``) as a private server on loopback, for the letter
tests: its file store in a temporary folder (so messages outlive a restart), full MESH
authentication with a shared key of the test's own, one mailbox for the hub and one for each
practice. Tests send with the real ``mesh-client`` through letters/mesh.py and read the
practices' inboxes with it too."""

import os
import signal
import sys
import urllib.request

from mesh_client import MeshClient

from tests.faults.servers import Process, free_port, wait_for

SHARED_KEY = "cc4c-tests-shared-key"
PASSWORD = "password"  # what the sandbox gives every mailbox made from a folder
HUB_MAILBOX = "CC4CHUB01"


class MeshSandbox:
    def __init__(self, folder, mailboxes):
        self.folder = folder
        self.store = folder / "mesh-store"
        for mailbox in (HUB_MAILBOX, *mailboxes):
            (self.store / mailbox.upper() / "in").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.shared_key = SHARED_KEY
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, shared_key=None):
        env = {
            **os.environ,
            "STORE_MODE": "file",
            "MAILBOXES_DATA_DIR": str(self.store),
            "AUTH_MODE": "full",
            "SHARED_KEY": shared_key or self.shared_key,
        }
        args = [
            sys.executable,
            "-m",
            "uvicorn",
            "mesh_sandbox.api:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--log-level",
            "warning",
        ]
        self.process = Process("mesh-sandbox", args, env=env, folder=self.folder).start()
        wait_for(self._healthy, timeout=30, what="the MESH sandbox answering /health")
        return self

    def _healthy(self):
        if not self.process.alive():
            raise AssertionError(f"the MESH sandbox stopped:\n{self.process.output()}")
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.kill(signal.SIGTERM)
            self.process = None

    def mailbox(self, mailbox_id):
        """A mesh-client session on one of the sandbox's mailboxes."""
        return MeshClient(
            self.url, mailbox_id, PASSWORD, shared_key=self.shared_key.encode(), max_retries=0
        )

    def inbox(self, mailbox_id):
        """The ids of the messages waiting in ``mailbox_id``'s inbox."""
        with self.mailbox(mailbox_id) as mesh:
            return mesh.list_messages()

    def read(self, mailbox_id, message_id, *, acknowledge=False):
        """(MESH headers, body) of one message of the inbox; acknowledged if asked."""
        with self.mailbox(mailbox_id) as mesh:
            message = mesh.retrieve_message(message_id)
            body = message.read()
            headers = dict(message.mex_headers())
            if acknowledge:
                message.acknowledge()
        return headers, body
