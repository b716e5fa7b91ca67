"""A server's error text never carries our credentials onward; URLs never carry them."""

from __future__ import annotations

import pytest

from goodfit.errors import ConfigError, ConnectorError
from goodfit.project import Project
from tests.connectors.conftest import FAST
from tests.connectors.fakes import WHMCS_ID, WHMCS_SECRET
from tests.connectors.replay import Reply, Request, serve

ACCESS_KEY = "ak+with/odd=chars"


def echoing_whmcs(req: Request, base: str) -> Reply:
    """A misconfigured WHMCS that quotes the whole request back in its error message."""
    raw = "&".join(f"{k}={v}" for k, v in req.form.items())
    return Reply(200, {"result": "error", "message": f"Invalid action; request was {raw} "
                                                     f"{req.form!r}"})


def test_whmcs_error_text_is_redacted(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen: the WHMCS connector echoed the server's text, with identifier and secret."""
    with serve(echoing_whmcs) as api:
        project.connect_add("billing", "whmcs", api.url, {})
        monkeypatch.setenv("GOODFIT_BILLING_USER", WHMCS_ID)
        monkeypatch.setenv("GOODFIT_BILLING_SECRET", WHMCS_SECRET)
        monkeypatch.setenv("GOODFIT_BILLING_TOKEN", ACCESS_KEY)
        with pytest.raises(ConnectorError) as err:
            project.sync("billing", policy=FAST)
    message = err.value.message
    assert "Invalid action" in message and "[redacted]" in message
    for secret in (WHMCS_ID, WHMCS_SECRET, ACCESS_KEY):
        assert secret not in message
    state = (project.root / "state.db").read_bytes()
    for other in project.root.glob("state.db*"):
        state += other.read_bytes()
    for secret in (WHMCS_ID, WHMCS_SECRET, ACCESS_KEY):
        assert secret.encode() not in state


@pytest.mark.parametrize("url", [
    "https://billing.example.com/?token=abc123",
    "https://billing.example.com/api?format=json&api_key=abc123",
    "https://billing.example.com/?secret=abc123",
    "https://billing.example.com/?password=abc123",
    "https://billing.example.com/?key=abc123",
    "https://billing.example.com/?access_token=abc123",
])
def test_urls_with_credentials_in_the_query_are_refused(project: Project, url: str) -> None:
    with pytest.raises(ConfigError, match="must not carry credentials in its query"):
        project.connect_add("billing", "whmcs", url, {})
    assert "abc123" not in (project.root / "goodfit.toml").read_text()


def test_an_ordinary_query_is_kept(project: Project) -> None:
    project.connect_add("billing", "whmcs", "https://billing.example.com/?lang=en", {})


