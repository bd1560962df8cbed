import pytest

from tests.letters.sandbox import HUB_MAILBOX, PASSWORD, MeshSandbox

PRACTICE_MAILBOX = "A81001OT001"


@pytest.fixture
def mesh_sandbox(tmp_path, settings):
    """The MESH sandbox running, and this service set up to send through it as the hub."""
    sandbox = MeshSandbox(tmp_path, mailboxes=[PRACTICE_MAILBOX]).start()
    settings.MESH_URL = sandbox.url
    settings.MESH_MAILBOX = HUB_MAILBOX
    settings.MESH_PASSWORD = PASSWORD
    settings.MESH_SHARED_KEY = sandbox.shared_key
    settings.MESH_TIMEOUT = 5
    yield sandbox
    sandbox.stop()


@pytest.fixture
def mesh_practice(practice):
    """The hub's practice, with its MESH mailbox in the sandbox."""
    practice.mesh_mailbox = PRACTICE_MAILBOX
    practice.save(update_fields=["mesh_mailbox"])
    return practice
