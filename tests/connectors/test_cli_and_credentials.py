"""connect add/list and sync as a user types them; credentials from the environment or a
secrets file outside the project, and never written anywhere by goodfit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.connectors.credentials import load_credentials
from goodfit.errors import ConfigError, ConnectorExists, SecretsFileError, UnknownConnector
from goodfit.project import Project
from tests.connectors.fakes import STRIPE_KEY, stripe_api, stripe_data
from tests.connectors.replay import serve

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_connect_add_writes_only_type_url_and_options(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    result = runner.invoke(app, ["connect", "add", "billing", "--type", "whmcs", "--url",
                                 "https://billing.example.com", "-o", "page_size=50", "-o",
                                 "timezone=Europe/Berlin", "-p", str(proj)])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((proj / "goodfit.toml").read_text())
    assert config["connectors"] == {"billing": {
        "type": "whmcs", "url": "https://billing.example.com",
        "options": {"page_size": 50, "timezone": "Europe/Berlin"}}}
    listed = json.loads(runner.invoke(app, ["connect", "list", "-p", str(proj), "--json"]).output)
    assert [(c["name"], c["type"], c["last_sync"]) for c in listed] == [("billing", "whmcs", None)]


def test_connect_add_refuses_credentials_typos_and_duplicates(project: Project) -> None:
    with pytest.raises(ConfigError, match="looks like a credential"):
        project.connect_add("s", "stripe", "", {"api_key": "sk_live_x"})
    with pytest.raises(ConfigError, match="user name or password"):
        project.connect_add("z", "zendesk", "https://me:pw@acme.zendesk.com")
    with pytest.raises(ConfigError, match="did you mean 'page_size'"):
        project.connect_add("z", "zendesk", "https://acme.zendesk.com", {"page_sise": 5})
    with pytest.raises(ConfigError, match="choose one of"):
        project.connect_add("z", "kayako", "https://acme.example")
    project.connect_add("z", "zendesk", "https://acme.zendesk.com")
    with pytest.raises(ConnectorExists):
        project.connect_add("z", "zendesk", "https://acme.zendesk.com")
    with pytest.raises(UnknownConnector, match="Did you mean 'z'"):
        project.sync("zz")
    assert "[connectors.z]" in (project.root / "goodfit.toml").read_text()


def test_secrets_file_outside_the_project_environment_first(tmp_path: Path,
                                                            project: Project) -> None:
    outside = tmp_path / "secrets.toml"
    outside.write_text('[billing]\nuser = "from-file"\nsecret = "file-secret"\n')
    creds = load_credentials("billing", project.root, outside,
                             environ={"GOODFIT_BILLING_USER": "from-env"})
    assert (creds.user, creds.secret, creds.token) == ("from-env", "file-secret", None)
    assert "file-secret" not in repr(creds) and "from-env" not in str(creds)
    inside = project.root / "secrets.toml"
    inside.write_text(outside.read_text())
    with pytest.raises(SecretsFileError, match="inside the project folder"):
        load_credentials("billing", project.root, inside, environ={})
    with pytest.raises(SecretsFileError, match="does not exist"):
        load_credentials("billing", project.root, tmp_path / "nope.toml", environ={})


def test_sync_from_the_command_line_leaves_no_secret_behind(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[pay]\ntoken = "{STRIPE_KEY}"\n')
    with serve(stripe_api(stripe_data())) as api:
        runner.invoke(app, ["init", str(proj)])
        runner.invoke(app, ["connect", "add", "pay", "--type", "stripe", "--url", api.url,
                            "-p", str(proj)])
        result = runner.invoke(app, ["sync", "pay", "--secrets-file", str(secrets), "-p",
                                     str(proj), "--json"])
        assert result.exit_code == 0, result.output
        [synced] = json.loads(result.output)
        assert synced["full"] and {i["table"]: i["inserted"] for i in synced["imports"]}[
            "customers"] == 2
        human = runner.invoke(app, ["sync", "-p", str(proj), "--secrets-file", str(secrets)])
        assert "nothing changed since the last sync" in human.output
    for path in proj.rglob("*"):  # config, warehouse, state DB, quarantine, staging
        if path.is_file():
            assert STRIPE_KEY.encode() not in path.read_bytes(), path


def test_a_refused_key_is_one_clear_line_and_exit_code_7(tmp_path: Path) -> None:
    with serve(stripe_api(stripe_data())) as api:
        p = Project.init(tmp_path / "p")
        p.connect_add("pay", "stripe", api.url)
        p.close()
        env = {**os.environ, "GOODFIT_PAY_TOKEN": "sk_live_SHOULD_NOT_APPEAR",
               "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run([sys.executable, "-m", "goodfit", "sync", "-p",
                               str(tmp_path / "p")], env=env, capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 7
    assert "connector_auth_error" in done.stderr and "HTTP 401" in done.stderr
    assert "Traceback" not in done.stderr
    assert "SHOULD_NOT_APPEAR" not in done.stderr + done.stdout


def test_connector_types_are_registered_where_they_are_defined() -> None:
    """Entry points name every type; each class says its options and credentials."""
    from goodfit.config import connector_types
    from goodfit.connectors.registry import credential_fields, options_model
    from goodfit.connectors.whmcs import WhmcsOptions

    assert connector_types() == ["django-helpdesk", "freshdesk", "stripe", "whmcs", "zendesk"]
    assert options_model("whmcs") is WhmcsOptions
    assert credential_fields("stripe") == ("token",)
    assert credential_fields("zendesk") == ("user", "token")


def test_a_connector_type_typo_in_goodfit_toml_is_an_error_with_a_suggestion(tmp_path) -> None:
    from goodfit.config import load_config
    from goodfit.errors import ConfigError

    cfg = tmp_path / "goodfit.toml"
    cfg.write_text('[connectors.billing]\ntype = "whmsc"\nurl = "https://b.example"\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'whmcs'"):
        load_config(cfg)
