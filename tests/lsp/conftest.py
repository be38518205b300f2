"""A real language client (pytest-lsp) driving `journeyc lsp` over stdio, on a copy of a workspace.

The server runs as the editor would start it (`python -m journeyc lsp`); the
tests speak only the protocol. `Editor` wraps the client with what a test
does: open a file, type into it, wait until the diagnostics say something.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp.editing import Editor

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "examples" / "broken"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BROKEN, root)
    (root / "EXPECTED.txt").unlink()
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "journeyc", "lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        """The server asks to be told of file changes on disk: accepted, as VS Code does."""

    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                                    root_uri=workspace.as_uri(),
                                    workspace_folders=[types.WorkspaceFolder(workspace.as_uri(), "ws")])
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient, workspace: Path) -> Editor:
    return Editor(client, workspace)
