"""display_path: what os.path.relpath says, with its fast path for plain absolute paths under the directory."""

from __future__ import annotations

import os

import pytest

from journeyc.workspace.load import display_path


@pytest.mark.parametrize(("path", "cwd", "shown"), [
    ("/ws/journeys/a.yaml", "/ws", "journeys/a.yaml"),           # under the directory: the fast path
    ("/ws/a.yaml", "/ws/", "a.yaml"),                            # a directory written with its slash
    ("/ws2/a.yaml", "/ws", "../ws2/a.yaml"),                     # a sibling that starts with the same letters
    ("/ws/x/../a.yaml", "/ws", "a.yaml"),                        # not normalized: relpath's own answer
    ("/ws//a.yaml", "/ws", "a.yaml"),
    ("/other/a.yaml", "/ws/deep", "../../other/a.yaml"),
    ("/a.yaml", "/", "a.yaml"),
    ("/ws", "/ws", "."),
    ("/ws", "/ws/deep/er", "../.."),                             # an ancestor of the directory
    ("/", "/ws/deep", "../.."),
    ("/elsewhere/journeys/a.yaml", "/ws/repo", "../../elsewhere/journeys/a.yaml"),  # its folder's answer, kept
    ("/elsewhere/journeys/b.yaml", "/ws/repo", "../../elsewhere/journeys/b.yaml"),
    ("/ws/repo/../a.yaml", "/ws/repo", "../a.yaml"),
    ("/ws/rep", "/ws/repo", "../rep"),
    ("/ws/repo2/a.yaml", "/ws/repo", "../repo2/a.yaml"),
])
def test_display_path_is_relpath(path: str, cwd: str, shown: str) -> None:
    assert display_path(path, cwd) == shown == os.path.relpath(path, cwd)


def test_display_path_of_a_relative_path_is_relative_to_the_current_directory(tmp_path: object,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(str(tmp_path))
    assert display_path("sub/./a.yaml") == "sub/a.yaml"
    assert display_path(os.path.join(str(tmp_path), "sub", "a.yaml")) == "sub/a.yaml"
