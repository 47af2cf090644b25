"""The IMC301 table of heavy constructors is documented, entry by entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import imc_only, run_flake8

from flake8_import_cost.knowledge.clients import HEAVY_CALLS, HEAVY_CLIENTS, STARTED_BY_START
from flake8_import_cost.rules.clients import heavy_reason

PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules" / "IMC301.md"


@pytest.mark.parametrize("name", sorted(HEAVY_CLIENTS))
def test_every_entry_is_documented_with_its_reason(name: str) -> None:
    assert f"| `{name}` | {HEAVY_CLIENTS[name]}" in PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(HEAVY_CALLS))
def test_every_heavy_call_is_documented_with_what_it_does(name: str) -> None:
    assert f"| `{name}()` | {HEAVY_CALLS[name][0]} |" in PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(STARTED_BY_START))
def test_every_started_class_is_documented_with_what_start_does(name: str) -> None:
    assert f"| `{name}(...).start()` | {STARTED_BY_START[name]} |" in PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "heavy"),
    [
        ("boto3.client", True),
        ("google.cloud.storage.Client", True),
        ("google.cloud.bigquery.Client", True),
        ("azure.storage.blob.BlobServiceClient", True),
        ("azure.storage.blob.BlobServiceClient.from_connection_string", True),
        ("grpc.insecure_channel", True),
        ("requests.Session", False),
        ("httpx.Client", False),
        ("redis.Redis", False),
        ("celery.Celery", False),
        ("logging.getLogger", False),
        ("sentry_sdk.init", False),
        ("google.cloud.storage.Blob", False),
    ],
)
def test_patterns_match_qualified_names(name: str, heavy: bool) -> None:
    assert (heavy_reason(name, ()) is not None) is heavy


def test_user_patterns_extend_the_table() -> None:
    assert heavy_reason("acme.sdk.BillingClient", ("acme.*Client",)) == "listed in import-cost-heavy-callables"
    assert heavy_reason("acme.sdk.Helper", ("acme.*Client",)) is None


SETUP = (
    'import os\n\nimport django\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\ndjango.setup()\n'
)


def test_django_setup_is_silent_in_a_programs_entry_point(tmp_path: Path) -> None:
    """A module a console script runs, and manage.py or wsgi.py, set Django up on purpose; the
    same call in a module the application imports is reported."""
    result = run_flake8(tmp_path, {
        "pyproject.toml": '[project]\nname = "app"\n[project.scripts]\napp-worker = "app.worker:main"\n',
        "app/__init__.py": "",
        "app/worker.py": SETUP + "\n\ndef main():\n    pass\n",
        "app/wsgi.py": SETUP,
        "manage.py": SETUP,
        "app/importer.py": SETUP,
    })  # fmt: skip
    assert [(f.path, f.line, f.code) for f in imc_only(result)] == [("app/importer.py", 6, "IMC301")]
