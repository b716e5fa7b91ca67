"""HTTP for connectors: httpx with tenacity retries, and errors a person understands.

- 429: wait as long as the source's Retry-After says (capped), then try again;
- 5xx, timeouts, dropped connections: exponential backoff, a few times;
- 401/403: ConnectorAuthError; DNS failure, connection refused, 404: ConnectorUrlError.

Messages name the connector and the path asked for, never a credential: credentials
travel in headers or the POST body only, and neither is ever quoted.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
)

from goodfit.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorResponseError,
    ConnectorUnavailable,
    ConnectorUrlError,
)

USER_AGENT = "goodfit-connector/0.1"


class _Retryable(Exception):
    """A failure worth trying again; ``wait`` is what the source asked for, if anything."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    backoff: float = 1.0  # first wait after a 5xx/timeout; doubles each time
    max_backoff: float = 30.0
    max_retry_after: float = 300.0  # never sleep longer than this on one Retry-After
    timeout: float = 30.0


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HttpClient:
    """One source's API: base URL, auth, retries; returns parsed JSON and the response."""

    def __init__(self, source: str, base_url: str, *, auth: httpx.Auth | None = None,
                 headers: Mapping[str, str] | None = None,
                 policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._client = httpx.Client(
            base_url=self.base_url, auth=auth, timeout=self.policy.timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            follow_redirects=True, transport=transport,
        )
        self.requests = 0  # counted for tests and the run record

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.wait is not None:
            return min(exc.wait, self.policy.max_retry_after)
        return float(min(self.policy.backoff * 2 ** (state.attempt_number - 1),
                         self.policy.max_backoff))

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                data: Mapping[str, Any] | None = None) -> tuple[Any, httpx.Response]:
        """JSON body and response of ``method path``; retries what is worth retrying."""
        attempt = retry(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            reraise=True,
        )(self._once)
        try:
            return attempt(method, path, params, data)
        except _Retryable as exc:
            raise ConnectorUnavailable(
                f"{self.source}: {exc.reason} on {self._where(path)}, still after "
                f"{self.policy.attempts} attempts; try again later") from None

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[Any, httpx.Response]:
        return self.request("GET", path, params=params)

    def _where(self, path: str) -> str:
        # The path only: query strings may carry filters but never credentials; still,
        # keep messages short and free of anything but the resource asked for.
        return (path if path.startswith("http") else self.base_url + "/" + path.lstrip("/")) \
            .split("?", 1)[0]

    def _once(self, method: str, path: str, params: Mapping[str, Any] | None,
              data: Mapping[str, Any] | None) -> tuple[Any, httpx.Response]:
        self.requests += 1
        where = self._where(path)
        try:
            response = self._client.request(method, path, params=params, data=data)
        except httpx.TimeoutException:
            raise _Retryable("timed out") from None
        except httpx.ConnectError as exc:
            raise ConnectorUrlError(
                f"{self.source}: cannot connect to {self.base_url} ({_connect_reason(exc)}); "
                "check the connector's url in goodfit.toml") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            raise _Retryable("connection dropped") from None
        except httpx.HTTPError as exc:
            raise ConnectorError(f"{self.source}: request to {where} failed: "
                                 f"{type(exc).__name__}") from None
        status = response.status_code
        if status == 429:
            raise _Retryable("rate limited (HTTP 429)",
                             retry_after_seconds(response.headers.get("Retry-After")) or
                             self.policy.backoff)
        if status >= 500:
            raise _Retryable(f"server error (HTTP {status})",
                             retry_after_seconds(response.headers.get("Retry-After")))
        if status in (401, 403):
            raise ConnectorAuthError(
                f"{self.source}: the server refused the credentials (HTTP {status}) on "
                f"{where}; check the token/user/secret for this connector "
                "(environment variables or the secrets file)")
        if status == 404:
            raise ConnectorUrlError(
                f"{self.source}: {where} was not found (HTTP 404); check the connector's url "
                "in goodfit.toml")
        if status >= 400:
            raise ConnectorError(f"{self.source}: {where} answered HTTP {status}")
        try:
            body = response.json() if response.content else None
        except ValueError:
            raise ConnectorUrlError(
                f"{self.source}: {where} did not answer with JSON; is the url the "
                f"{self.source} API?") from None
        return body, response


def _connect_reason(exc: httpx.ConnectError) -> str:
    text = str(exc).lower()
    if "name or service" in text or "nodename" in text or "getaddrinfo" in text \
            or "name resolution" in text:
        return "host name not found"
    if "refused" in text:
        return "connection refused"
    if "ssl" in text or "certificate" in text:
        return "TLS/certificate problem"
    return "connection failed"


def expect(body: Any, key: str, source: str, where: str) -> Any:
    """``body[key]`` or a clear ConnectorResponseError when the shape is not the API's."""
    if not isinstance(body, dict) or key not in body:
        raise ConnectorResponseError(
            f"{source}: the answer from {where} has no '{key}'; is the url the {source} API?")
    return body[key]
