"""`--seed` loads a whole account in one transaction: a process killed while
seeding leaves an empty database, which the next start seeds in full, never
half an account that a restart would keep (the seed skips a database that
has one)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cswidget.sandbox import seed as seeds
from cswidget.sandbox.storage import Store

NOW = datetime(2023, 8, 19, tzinfo=UTC)
# The account, its history, and the aggregates the metrics are answered from.
TABLES = (
    "surveys",
    "questions",
    "email_templates",
    "text_message_templates",
    "staff",
    "sites",
    "feedback_requests",
    "feedback_responses",
    "companies",
    "ratings",
    "sent_requests",
    "score_days",
    "request_days",
    "response_days",
    "request_states",
)

# Killed (no clean-up, no exception handler runs) at the 100th response.
KILL_MID_SEED = textwrap.dedent(
    """
    import os, sys
    from datetime import UTC, datetime
    from cswidget.sandbox import seed
    from cswidget.sandbox.storage import Store

    store = Store.open(sys.argv[1])
    add_response = Store.add_response
    calls = 0

    def killed_at_100(self, *args, **kwargs):
        global calls
        calls += 1
        if calls == 100:
            os._exit(9)
        return add_response(self, *args, **kwargs)

    Store.add_response = killed_at_100
    seed.load("demo", store=store, now=datetime(2023, 8, 19, tzinfo=UTC))
    """
)


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
        }


def seeded(path: Path) -> dict[str, int]:
    store = Store.open(str(path))
    try:
        seeds.load("demo", store=store, now=NOW)
    finally:
        store.close()
    return counts(path)


def test_a_process_killed_mid_seed_leaves_no_account_and_a_restart_seeds_it_whole(
    tmp_path: Path,
) -> None:
    killed = tmp_path / "killed.db"
    run = subprocess.run([sys.executable, "-c", KILL_MID_SEED, str(killed)], check=False)
    assert run.returncode == 9
    assert counts(killed) == dict.fromkeys(TABLES, 0)

    whole = seeded(tmp_path / "whole.db")
    assert whole["feedback_responses"] > 100
    assert seeded(killed) == whole


def test_an_error_mid_seed_rolls_back_everything_and_the_store_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sandbox.db"
    store = Store.open(str(path))
    add_response = Store.add_response
    calls = 0

    def fails_at_100(self: Store, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 100:
            raise OSError("disk full")
        return add_response(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "add_response", fails_at_100)
    with pytest.raises(OSError, match="disk full"):
        seeds.load("demo", store=store, now=NOW)
    assert store.is_empty()
    assert counts(path) == dict.fromkeys(TABLES, 0)
    monkeypatch.undo()

    seeds.load("demo", store=store, now=NOW)
    store.close()
    assert counts(path) == seeded(tmp_path / "whole.db")


def test_a_seeded_database_is_not_seeded_again(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    first = seeded(path)
    assert seeded(path) == first
