"""Live fetch, tested only against a local HTTP server on 127.0.0.1 that serves the fixtures, never a CRM:
a 429 with Retry-After, a 401, a 500, a truncated body, Pipedrive's cursor pages, and the CLI end to end."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from crm_helpers import FIX

from journeyc.cli import main
from journeyc.readers import live
from journeyc.readers.config import ReadError
from journeyc.readers.fetch import Http, get

#: path -> list of (status, headers, body) served in turn; the last one repeats
Script = dict[str, list[tuple[int, dict[str, str], bytes]]]


class Server:
    def __init__(self) -> None:
        self.script: Script = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                outer.seen.append((self.path, dict(self.headers)))
                replies = outer.script.get(self.path) or [(404, {}, b'{"message": "not found"}')]
                status, headers, body = replies.pop(0) if len(replies) > 1 else replies[0]
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def ok(self, path: str, body: bytes) -> None:
        self.script[path] = [(200, {"Content-Type": "application/json"}, body)]


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def quick(waits: list[float] | None = None) -> Http:
    return Http(timeout=5, backoff=0.01, sleep=(waits.append if waits is not None else lambda _: None))


DEALS = (FIX / "hubspot/deals.json").read_bytes()
TICKETS = (FIX / "hubspot/tickets.json").read_bytes()


def test_hubspot_fetch_with_a_429_first(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_TOKEN", "pat-secret")
    server.script["/crm/v3/pipelines/deals"] = [
        (429, {"Retry-After": "7"}, b'{"status":"error","message":"You have reached your ten_secondly_rolling'
                                    b' limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}'),
        (200, {}, DEALS)]
    server.ok("/crm/v3/pipelines/tickets", TICKETS)
    waits: list[float] = []
    config = live.fetch("hubspot", quick(waits), base=server.url)
    assert [p.label for p in config.pipelines] == ["Sales Pipeline", "Support Pipeline"]
    assert waits == [7.0]
    assert [path for path, _ in server.seen] == ["/crm/v3/pipelines/deals"] * 2 + ["/crm/v3/pipelines/tickets"]
    assert {h["Authorization"] for _, h in server.seen} == {"Bearer pat-secret"}


def test_401_is_one_line(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_TOKEN", "expired")
    server.script["/crm/v3/pipelines/deals"] = [(401, {}, b'{"status":"error","message":"Authentication'
                                                          b' credentials not found.","category":'
                                                          b'"INVALID_AUTHENTICATION"}')]
    with pytest.raises(ReadError) as caught:
        live.fetch("hubspot", quick(), base=server.url)
    assert str(caught.value) == (f"hubspot: authentication failed (HTTP 401) at {server.url}/crm/v3/pipelines/deals:"
                                 " Authentication credentials not found. INVALID_AUTHENTICATION; check HUBSPOT_TOKEN")
    assert len(server.seen) == 1


def test_500_is_retried_then_reported(server: Server) -> None:
    url = f"{server.url}/x"
    server.script["/x"] = [(500, {}, b"<html>oops</html>"), (200, {}, b"{}")]
    assert get(url, {}, quick(), who="t", token_var="T") == b"{}"
    server.script["/y"] = [(500, {}, b'{"success": false, "error": "Internal error"}')]
    with pytest.raises(ReadError) as caught:
        get(f"{server.url}/y", {}, quick(), who="pipedrive", token_var="T")
    assert str(caught.value) == f"pipedrive: HTTP 500 at {server.url}/y: Internal error"
    assert len([p for p, _ in server.seen if p == "/y"]) == 5


def test_truncated_body(server: Server) -> None:
    server.script["/t"] = [(200, {"Content-Length": str(len(DEALS))}, DEALS[:300])]
    with pytest.raises(ReadError) as caught:
        get(f"{server.url}/t", {}, Http(timeout=5, retries=1, backoff=0, sleep=lambda _: None), who="h",
            token_var="T")
    assert str(caught.value).startswith(f"{server.url}/t: response truncated (")
    assert str(caught.value).endswith(") after 2 attempts")


def test_a_long_retry_after_is_not_waited_for(server: Server) -> None:
    server.script["/r"] = [(429, {"Retry-After": "86400"}, b"{}")]
    with pytest.raises(ReadError) as caught:
        get(f"{server.url}/r", {}, quick(), who="hubspot", token_var="T")
    assert str(caught.value) == f"hubspot: rate limited (HTTP 429) at {server.url}/r: retry after 86400 s"


def test_plain_http_only_to_this_machine() -> None:
    with pytest.raises(ReadError) as caught:
        get("http://api.example.com/x", {}, quick(), who="h", token_var="T")
    assert str(caught.value) == ("http://api.example.com/x: refused: the token is sent only over https (plain http"
                                 " only to this machine)")


def test_pipedrive_follows_the_cursor(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "pd-secret")
    stages = json.loads((FIX / "pipedrive/stages.json").read_text())
    first = dict(stages, data=stages["data"][:4], additional_data={"next_cursor": "c2"})
    second = dict(stages, data=stages["data"][4:])
    server.ok("/api/v2/pipelines?limit=500", (FIX / "pipedrive/pipelines.json").read_bytes())
    server.ok("/api/v2/stages?limit=500", json.dumps(first).encode())
    server.ok("/api/v2/stages?limit=500&cursor=c2", json.dumps(second).encode())
    config = live.fetch("pipedrive", quick(), base=server.url)
    assert [len(p.stages) for p in config.pipelines] == [5, 3]
    assert {h["X-Api-Token"] for _, h in server.seen} == {"pd-secret"}


def test_cli_import_and_drift_live(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HUBSPOT_TOKEN", "pat-secret")
    monkeypatch.delenv("PIPEDRIVE_API_TOKEN", raising=False)
    server.script["/crm/v3/pipelines/deals"] = [(429, {"Retry-After": "0"}, b"{}"), (200, {}, DEALS)]
    server.ok("/crm/v3/pipelines/tickets", TICKETS)
    runner = CliRunner()
    result = runner.invoke(main, ["import", "--fetch", "hubspot", "--api-url", f"hubspot={server.url}", "--into",
                                  "ws"])
    assert result.exit_code == 0, result.output
    assert f"journeyc: hubspot: GET {server.url}/crm/v3/pipelines/deals\n" in result.output
    assert "journeyc: hubspot: waiting 0 s before trying again\n" in result.output
    assert "pat-secret" not in result.output
    drift = runner.invoke(main, ["drift", "--path", "ws", "--api-url", f"hubspot={server.url}", "--exit-code"])
    assert (drift.exit_code, drift.output.splitlines()[-1]) == (0, "No drift: 2 pipelines match HubSpot.")
    server.script["/crm/v3/pipelines/deals"] = [(401, {}, b'{"message": "expired"}')]
    failed = runner.invoke(main, ["drift", "--path", "ws", "--fetch", "hubspot", "--api-url",
                                  f"hubspot={server.url}"])
    assert failed.exit_code == 2
    assert failed.output.splitlines()[-1] == (f"journeyc: error: hubspot: authentication failed (HTTP 401) at"
                                              f" {server.url}/crm/v3/pipelines/deals: expired; check HUBSPOT_TOKEN")
