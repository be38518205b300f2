"""Read-only HTTP GETs for a live fetch: timeouts, rate limits (429, Retry-After), one-line failures.

Only GET, never a write. The token goes in a header, never in a URL or a
message; plain http is refused except to this machine (tests serve fixtures
on 127.0.0.1), and redirects are refused so the token never follows one to
another host. A 429 waits for `Retry-After` when the response has one (a
number of seconds or an HTTP date), else backs off (1, 2, 4... seconds, at most
`max_wait`); a 5xx, a timeout or a truncated body is retried the same way,
since a GET may be repeated; 401 and 403 fail at once in one line.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from journeyc.readers.config import ReadError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Http:
    timeout: float = 30.0
    retries: int = 4                 # attempts after the first, for 429, 5xx, timeouts and truncated bodies
    backoff: float = 1.0             # first wait without Retry-After, doubled at each attempt
    max_wait: float = 120.0          # a longer Retry-After fails instead of waiting
    max_bytes: int = 64 * 1024 * 1024
    progress: Callable[[str], None] | None = None
    sleep: Callable[[float], None] = time.sleep


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx surfaces as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return
    raise ReadError(f"{url}: refused: the token is sent only over https (plain http only to this machine)")


def get(url: str, headers: dict[str, str], opts: Http, *, who: str, token_var: str) -> bytes:
    """The body of a 200 response to GET `url`, after the retries a GET allows."""
    check_url(url)
    for attempt in range(opts.retries + 1):
        last = attempt == opts.retries
        if opts.progress:
            opts.progress(f"{who}: GET {url}" + (f" (attempt {attempt + 1})" if attempt else ""))
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/json", **headers}, method="GET")
            with _OPENER.open(request, timeout=opts.timeout) as response:
                body: bytes = response.read(opts.max_bytes + 1)
                expected = response.headers.get("Content-Length")
            if expected is not None and expected.isdigit() and len(body) < int(expected):
                # read(amount) returns what came before the connection closed, without complaint
                raise http.client.IncompleteRead(body, int(expected) - len(body))
            if len(body) > opts.max_bytes:
                raise ReadError(f"{url}: response larger than {opts.max_bytes // (1024 * 1024)} MB: refused")
            return body
        except urllib.error.HTTPError as exc:
            wait = _failed(exc, url, opts, attempt, who=who, token_var=token_var, last=last)
        except (http.client.IncompleteRead, ConnectionResetError) as exc:
            if last:
                raise ReadError(f"{url}: response truncated ({_why(exc)}) after {attempt + 1} attempts") from None
            wait = opts.backoff * 2 ** attempt
        except (TimeoutError, urllib.error.URLError) as exc:
            if isinstance(exc, urllib.error.URLError) and not isinstance(exc.reason, TimeoutError):
                raise ReadError(f"{url}: cannot connect: {_why(exc.reason)}") from None
            if last:
                raise ReadError(f"{url}: timed out after {opts.timeout:g} s ({attempt + 1} attempts)") from None
            wait = opts.backoff * 2 ** attempt
        if opts.progress:
            opts.progress(f"{who}: waiting {wait:g} s before trying again")
        opts.sleep(wait)
    raise AssertionError("unreachable")


def _failed(exc: urllib.error.HTTPError, url: str, opts: Http, attempt: int, *, who: str, token_var: str,
            last: bool) -> float:
    """How long to wait before the next attempt, or a ReadError when there is none."""
    status, message = exc.code, _message(exc)
    if status in (401, 403):
        raise ReadError(f"{who}: authentication failed (HTTP {status}) at {url}: {message}; check {token_var}")
    if status == 429:
        if "DAILY" in message:
            raise ReadError(f"{who}: daily API limit reached (HTTP 429) at {url}: {message}")
        wait = _retry_after(exc.headers.get("Retry-After"))
        if wait is not None and wait > opts.max_wait:
            raise ReadError(f"{who}: rate limited (HTTP 429) at {url}: retry after {wait:g} s")
        if last:
            raise ReadError(f"{who}: still rate limited (HTTP 429) at {url} after {attempt + 1} attempts")
        return float(min(wait if wait is not None else opts.backoff * 2 ** attempt, opts.max_wait))
    if status >= 500 and not last:
        return float(min(opts.backoff * 2 ** attempt, opts.max_wait))
    raise ReadError(f"{who}: HTTP {status} at {url}: {message}")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _message(exc: urllib.error.HTTPError) -> str:
    """The vendor's message from an error body (JSON), or what the body is (an HTML page)."""
    try:
        raw = exc.read(65536)
    except (OSError, http.client.HTTPException):
        raw = b""
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("<"):
        return "an HTML page (a proxy or Cloudflare answered, not the API)"
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200] or exc.reason or "no message"
    if isinstance(data, dict):
        parts = [str(data[k]) for k in ("message", "error", "policyName", "category") if data.get(k)]
        return " ".join(" ".join(parts).split())[:300] or "no message"
    return "no message"


def _why(reason: object) -> str:
    return str(reason).splitlines()[0][:200] if str(reason) else type(reason).__name__
