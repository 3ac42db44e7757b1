"""The sandbox's SQLite store: schema, migrations, and every read and write.

One connection, guarded by a lock: each operation is a few indexed
statements, so serialising them costs less than a connection per thread.
Rows come out in the API's JSON shapes, every documented attribute present
(null where blank).

    store = Store.open(":memory:")
    site = store.create_site({"site_code": "hq", "name": "Head Office",
                              "city": None, "region": "Tyne and Wear", "site_type": None})

Ids are assigned densely from 1 and nothing is ever deleted, so the number
of rows up to an id is that id: list totals need no count over the table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import msgspec

from .. import contract
from . import tallies

__all__ = [
    "SCHEMA_VERSION",
    "UPDATABLE_REQUEST_COLUMNS",
    "Page",
    "ResponseFilter",
    "Store",
    "TakenError",
    "UnknownPosition",
]

# Each entry migrates the schema from its index to the next version.
MIGRATIONS: Final[tuple[str, ...]] = (
    """
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE surveys (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, locale TEXT NOT NULL,
        url_code TEXT NOT NULL UNIQUE);
    CREATE INDEX surveys_by_name ON surveys (name, id);
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL REFERENCES surveys (id),
        position INTEGER NOT NULL, question TEXT NOT NULL, answer_type TEXT NOT NULL,
        metric TEXT CHECK (metric IN ('nps', 'csat')), options TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX questions_by_survey ON questions (survey_id, position);
    CREATE TABLE email_templates (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT, subject TEXT,
        from_name TEXT, from_email TEXT, locale TEXT NOT NULL, archived INTEGER NOT NULL);
    CREATE INDEX email_templates_by_name ON email_templates (name, id);
    CREATE TABLE text_message_templates (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT, locale TEXT NOT NULL,
        archived INTEGER NOT NULL);
    CREATE INDEX text_message_templates_by_name ON text_message_templates (name, id);
    CREATE TABLE staff (
        id INTEGER PRIMARY KEY, code TEXT UNIQUE, first_name TEXT, surname TEXT,
        email TEXT, time_zone TEXT, deactivated_at TEXT, team_id TEXT);
    CREATE INDEX staff_by_email ON staff (email);
    CREATE TABLE sites (
        id INTEGER PRIMARY KEY, site_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        city TEXT, region TEXT NOT NULL, site_type TEXT);
    CREATE INDEX sites_by_name ON sites (name, id);
    CREATE TABLE feedback_requests (
        id INTEGER PRIMARY KEY, email TEXT, state TEXT NOT NULL, first_name TEXT,
        surname TEXT, survey_id INTEGER NOT NULL, email_template_id INTEGER,
        reference TEXT, machine_id TEXT, send_at TEXT NOT NULL, sent_at TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, not_sent_reason TEXT,
        delivery_failure TEXT, ignore_throttle INTEGER NOT NULL, sms_number TEXT,
        sms_template_id INTEGER, site_id INTEGER, staff_id INTEGER, company_name TEXT,
        data TEXT NOT NULL, reminders TEXT NOT NULL);
    CREATE INDEX feedback_requests_by_state ON feedback_requests (state, id);
    CREATE INDEX feedback_requests_by_sent_at ON feedback_requests (sent_at)
        WHERE sent_at IS NOT NULL;
    CREATE TABLE feedback_responses (
        id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL, request_id INTEGER,
        reference TEXT, machine_id TEXT, email TEXT, company_name TEXT, site_id INTEGER,
        staff_id INTEGER, fields TEXT NOT NULL, answers TEXT NOT NULL,
        submitted_at TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX feedback_responses_by_survey ON feedback_responses (survey_id, id);
    CREATE INDEX feedback_responses_by_site ON feedback_responses (site_id, id);
    CREATE INDEX feedback_responses_by_staff ON feedback_responses (staff_id, id);
    CREATE INDEX feedback_responses_by_email ON feedback_responses (email, id);
    CREATE INDEX feedback_responses_by_created_at ON feedback_responses (created_at);
    CREATE INDEX feedback_responses_by_updated_at ON feedback_responses (updated_at);
    CREATE INDEX feedback_responses_by_request ON feedback_responses (request_id);
    CREATE TABLE scores (
        response_id INTEGER NOT NULL, metric TEXT NOT NULL, score INTEGER NOT NULL,
        submitted_at TEXT NOT NULL);
    CREATE INDEX scores_by_metric ON scores (metric, submitted_at);
    CREATE INDEX scores_by_response ON scores (response_id);
    """,
    # Lists are newest first by the time the seed means (a request's
    # created_at, a response's submitted_at), not by id; text filters
    # ignore ASCII case.
    """
    CREATE INDEX feedback_requests_by_created_at ON feedback_requests (created_at, id);
    CREATE INDEX feedback_requests_by_state_created_at
        ON feedback_requests (state, created_at, id);
    CREATE INDEX feedback_responses_by_submitted_at ON feedback_responses (submitted_at, id);
    DROP INDEX feedback_responses_by_email;
    CREATE INDEX feedback_responses_by_email
        ON feedback_responses (email COLLATE NOCASE, submitted_at, id);
    CREATE INDEX staff_by_code ON staff (code COLLATE NOCASE);
    """,
    # Metrics and totals from per-day aggregates (see tallies.py); ratings and
    # sent requests keep their filter dimensions for the partial days; lists
    # under a filter have an index in their own order.
    """
    CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    INSERT OR IGNORE INTO companies (name)
        SELECT company_name FROM feedback_responses WHERE company_name IS NOT NULL
        UNION SELECT company_name FROM feedback_requests WHERE company_name IS NOT NULL;
    CREATE TABLE ratings (
        metric TEXT NOT NULL, submitted_at TEXT NOT NULL, score INTEGER NOT NULL,
        survey_id INTEGER NOT NULL, site_id INTEGER, staff_id INTEGER, company_id INTEGER,
        response_id INTEGER NOT NULL);
    INSERT INTO ratings
        SELECT sc.metric, sc.submitted_at, sc.score, r.survey_id, r.site_id, r.staff_id, c.id,
            sc.response_id
        FROM scores sc JOIN feedback_responses r ON r.id = sc.response_id
        LEFT JOIN companies c ON c.name = r.company_name;
    DROP TABLE scores;
    CREATE INDEX ratings_by_time
        ON ratings (metric, submitted_at, score, survey_id, site_id, staff_id, company_id);
    CREATE INDEX ratings_by_company
        ON ratings (metric, company_id, submitted_at, score, survey_id, site_id, staff_id)
        WHERE company_id IS NOT NULL;
    CREATE TABLE sent_requests (
        request_id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL, survey_id INTEGER NOT NULL,
        site_id INTEGER, staff_id INTEGER, company_id INTEGER, delivered INTEGER NOT NULL,
        replied INTEGER NOT NULL);
    CREATE INDEX sent_requests_by_time ON sent_requests
        (sent_at, survey_id, site_id, staff_id, company_id, delivered, replied);
    CREATE INDEX sent_requests_by_company ON sent_requests
        (company_id, sent_at, survey_id, site_id, staff_id, delivered, replied)
        WHERE company_id IS NOT NULL;
    CREATE TABLE score_days (
        metric TEXT NOT NULL, survey_id INTEGER NOT NULL, site_id INTEGER NOT NULL,
        staff_id INTEGER NOT NULL, company_id INTEGER NOT NULL, day TEXT NOT NULL,
        score INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (metric, survey_id, site_id, staff_id, company_id, day, score)
    ) WITHOUT ROWID;
    CREATE TABLE request_days (
        survey_id INTEGER NOT NULL, site_id INTEGER NOT NULL, staff_id INTEGER NOT NULL,
        company_id INTEGER NOT NULL, day TEXT NOT NULL, sent INTEGER NOT NULL,
        delivered INTEGER NOT NULL, replied INTEGER NOT NULL,
        PRIMARY KEY (survey_id, site_id, staff_id, company_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE response_days (
        survey_id INTEGER NOT NULL, site_id INTEGER NOT NULL, staff_id INTEGER NOT NULL,
        day TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (survey_id, site_id, staff_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE request_states (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
    DROP INDEX feedback_requests_by_state;
    DROP INDEX feedback_requests_by_sent_at;
    DROP INDEX feedback_responses_by_survey;
    DROP INDEX feedback_responses_by_site;
    DROP INDEX feedback_responses_by_staff;
    CREATE INDEX feedback_responses_by_survey ON feedback_responses (survey_id, submitted_at, id);
    CREATE INDEX feedback_responses_by_site ON feedback_responses (site_id, submitted_at, id);
    CREATE INDEX feedback_responses_by_staff ON feedback_responses (staff_id, submitted_at, id);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
# The aggregates are kept by set-based SQL over the rows a write added (the
# same statements with `{rows}` true recount them all): GROUP BY in SQLite,
# not a loop in Python, so a bulk load of a million rows costs little more
# than the rows themselves. A rollup keeps a dimension when its bit is set
# (tallies.py: 0 is "any"); masks 0-7 are survey/site/staff, 8 is company.
_MASKS_CTE: Final = (
    "WITH RECURSIVE masks (m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM masks WHERE m < 8)"
)
_HAS_KEPT: Final = (
    "(m & 2 = 0 OR site_id IS NOT NULL) AND (m & 4 = 0 OR staff_id IS NOT NULL)"
    " AND (m & 8 = 0 OR company_id IS NOT NULL)"
)
_KEYS: Final = (
    "iif(m & 1, survey_id, 0), iif(m & 2, site_id, 0), iif(m & 4, staff_id, 0),"
    " iif(m & 8, company_id, 0)"
)
# `{rows}`: which sent requests (new ones, or every one).
SENT_REQUESTS_ADD: Final = """
    INSERT INTO sent_requests
        SELECT q.id, q.sent_at, q.survey_id, q.site_id, q.staff_id, c.id,
            q.delivery_failure IS NULL,
            q.delivery_failure IS NULL
                AND EXISTS (SELECT 1 FROM feedback_responses r WHERE r.request_id = q.id)
        FROM feedback_requests q LEFT JOIN companies c ON c.name = q.company_name
        WHERE {rows} AND q.state = 'sent' AND q.sent_at IS NOT NULL
"""
SCORE_DAYS_ADD: Final = f"""
    INSERT INTO score_days {_MASKS_CTE}
        SELECT metric, {_KEYS}, substr(submitted_at, 1, 10), score, count(*)
        FROM ratings, masks WHERE {{rows}} AND {_HAS_KEPT}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT DO UPDATE SET n = n + excluded.n
"""
# `{counts}`: (sent, delivered, replied) of the chosen sent requests.
REQUEST_DAYS_ADD: Final = f"""
    INSERT INTO request_days {_MASKS_CTE}
        SELECT {_KEYS}, substr(sent_at, 1, 10), {{counts}}
        FROM sent_requests, masks WHERE {{rows}} AND {_HAS_KEPT}
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT DO UPDATE SET sent = sent + excluded.sent,
            delivered = delivered + excluded.delivered, replied = replied + excluded.replied
"""
RESPONSE_DAYS_ADD: Final = f"""
    INSERT INTO response_days {_MASKS_CTE.replace("m < 8", "m < 7")}
        SELECT iif(m & 1, survey_id, 0), iif(m & 2, site_id, 0), iif(m & 4, staff_id, 0),
            substr(created_at, 1, 10), count(*)
        FROM feedback_responses, masks
        WHERE {{rows}} AND (m & 2 = 0 OR site_id IS NOT NULL)
            AND (m & 4 = 0 OR staff_id IS NOT NULL)
        GROUP BY 1, 2, 3, 4
        ON CONFLICT DO UPDATE SET n = n + excluded.n
"""
REQUEST_STATES_ADD: Final = """
    INSERT INTO request_states SELECT state, count(*) FROM feedback_requests q
        WHERE {rows} GROUP BY state
        ON CONFLICT DO UPDATE SET n = n + excluded.n
"""
_NEW_COUNTS: Final = "count(*), sum(delivered), sum(replied)"
# Every aggregate, computed again from the rows: what migration 3 fills them
# with, and what the tests compare the ones kept write by write against.
REBUILD_AGGREGATES: Final = ";".join(
    [
        "INSERT OR IGNORE INTO companies (name)"
        " SELECT company_name FROM feedback_responses WHERE company_name IS NOT NULL"
        " UNION SELECT company_name FROM feedback_requests WHERE company_name IS NOT NULL",
        "DELETE FROM sent_requests",
        SENT_REQUESTS_ADD.format(rows="1"),
        "DELETE FROM score_days",
        SCORE_DAYS_ADD.format(rows="1"),
        "DELETE FROM request_days",
        REQUEST_DAYS_ADD.format(rows="1", counts=_NEW_COUNTS),
        "DELETE FROM response_days",
        RESPONSE_DAYS_ADD.format(rows="1"),
        "DELETE FROM request_states",
        REQUEST_STATES_ADD.format(rows="1"),
    ]
)
# The same statements over the rows one write added (ids from `?` on).
_STATES_OF_NEW: Final = REQUEST_STATES_ADD.format(rows="q.id >= ?")
_COMPANIES_OF_NEW: Final = (
    "INSERT OR IGNORE INTO companies (name) SELECT company_name FROM feedback_requests"
    " WHERE id >= ? AND company_name IS NOT NULL"
)
_SENT_OF_NEW: Final = SENT_REQUESTS_ADD.format(rows="q.id >= ?")
_REQUEST_DAYS_OF_NEW: Final = REQUEST_DAYS_ADD.format(rows="request_id >= ?", counts=_NEW_COUNTS)
_SCORE_DAYS_OF_NEW: Final = SCORE_DAYS_ADD.format(rows="ratings.rowid > ?")
_RESPONSE_DAYS_OF_NEW: Final = RESPONSE_DAYS_ADD.format(rows="id >= ?")
# Read from the new responses' request ids (unary + keeps the planner from
# building an index over every sent request to find the unreplied ones).
_ANSWERED_BY_NEW: Final = (
    "request_id IN (SELECT request_id FROM feedback_responses WHERE id >= ?"
    " AND request_id IS NOT NULL) AND +delivered = 1 AND +replied = 0"
)
_REQUEST_DAYS_OF_REPLIES: Final = REQUEST_DAYS_ADD.format(
    rows=_ANSWERED_BY_NEW, counts="0, 0, count(*)"
)
_MARK_REPLIES: Final = f"UPDATE sent_requests SET replied = 1 WHERE {_ANSWERED_BY_NEW}"
# The same over requests chosen by id (a JSON array bound to `?`).
_CHOSEN: Final = "IN (SELECT value FROM json_each(?))"
_COMPANIES_OF_CHOSEN: Final = (
    "INSERT OR IGNORE INTO companies (name) SELECT company_name FROM feedback_requests"
    f" WHERE id {_CHOSEN} AND company_name IS NOT NULL"
)
_SENT_OF_CHOSEN: Final = SENT_REQUESTS_ADD.format(rows=f"q.id {_CHOSEN}")
_REQUEST_DAYS_OF_CHOSEN: Final = REQUEST_DAYS_ADD.format(
    rows=f"request_id {_CHOSEN}", counts=_NEW_COUNTS
)
# The version whose migration first fills the aggregates.
_AGGREGATES_VERSION: Final = 3
PART_IDS: Final = 1000
# Why a due reminder was not sent (`send_due`): the customer had replied.
REPLIED: Final = "Customer has already replied"

SITE_COLUMNS: Final = ("site_code", "name", "city", "region", "site_type")
_REQUEST_SCALARS: Final = (
    "email", "first_name", "surname", "survey_id", "email_template_id", "reference",
    "machine_id", "send_at",
)  # fmt: skip


class TakenError(Exception):
    """A unique attribute (a site's `site_code`) already belongs to another row."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, the total and the snapshot bound it used."""

    items: list[Any]
    total: int
    snapshot: int
    # The id of the page's last row: the next page's keyset position.
    last_id: int | None = None


@dataclass(frozen=True)
class ResponseFilter:
    """The filters of `GET /feedback_responses`, already checked."""

    created_since: str | None = None
    updated_since: str | None = None
    email: str | None = None
    survey_ids: tuple[int, ...] = ()
    site_ids: tuple[int, ...] = ()
    staff_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MetricFilter:
    """The scope of a metric: an inclusive time window and the filters."""

    from_time: str
    to_time: str
    company_name: str | None = None
    survey_ids: tuple[int, ...] = ()
    site_ids: tuple[int, ...] = ()
    staff_ids: tuple[int, ...] = ()


_MISSING: Final = object()


def _connect(path: str, *, file: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.row_factory = sqlite3.Row
    if file:
        connection.execute("PRAGMA synchronous=NORMAL")
        # Pages read through a shared memory map (one copy for every thread's
        # connection) plus 16 MiB of cache each: at a million rows the upper
        # index pages every insert and lookup walks stay in memory.
        connection.execute("PRAGMA mmap_size=1073741824")
        connection.execute("PRAGMA cache_size=-16384")
    connection.execute("PRAGMA busy_timeout=5000")
    return connection


def _run_script(db: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _in(column: str, values: Sequence[int], where: list[str], args: list[Any]) -> None:
    if values:
        where.append(f"{column} IN ({', '.join('?' * len(values))})")
        args.extend(values)


def _like(text: str) -> str:
    # company_name is a substring search: LIKE's own wildcards are literal.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Store:
    """The sandbox's data, in one SQLite database (a file, or ":memory:")."""

    def __init__(
        self, connection: sqlite3.Connection, *, link_base: str, path: str | None = None
    ) -> None:
        # ":memory:" (path None): one connection, every statement under one
        # lock. A file: a connection per thread for reads, so they run side
        # by side and beside a write (WAL), releasing the GIL while SQLite
        # works; writes take one lock and one connection of their own, so they
        # never wait on SQLite's busy handler and its page cache stays warm
        # (a connection forgets its cache when another one writes).
        self._shared = connection if path is None else None
        self._path = path
        self._local = threading.local()
        self._connections = [connection]
        self._connections_lock = threading.Lock()
        self._lock = threading.RLock()
        # Re-entrant: a transaction opened inside another is part of it (the
        # seed loads a whole account in one, from the methods that each open
        # their own).
        self._writer = self._lock if path is None else threading.RLock()
        self._write_owner: int | None = None
        self._write_connection = connection
        self.link_base = link_base
        # Account data (surveys, templates, staff, sites) is small and read on
        # every write; cached here, forgotten whenever any of it changes.
        self._account_cache: dict[tuple[str, Any], Any] = {}
        self._account_generation = 0
        # Company names and their ids: never renamed, never deleted.
        self._companies: dict[str, int] = {}
        self._link_key = b""

    @classmethod
    def open(cls, path: str, *, link_base: str = "http://127.0.0.1:8010") -> Store:
        """Open (creating and migrating) the database at `path`."""
        file = None if path == ":memory:" else path
        connection = _connect(path, file=file is not None)
        if file is not None:
            connection.execute("PRAGMA journal_mode=WAL")
            # The writer's own cache holds the index pages a stream of inserts
            # touches (a bulk load of a million rows spills far less).
            connection.execute("PRAGMA cache_size=-262144")
        store = cls(connection, link_base=link_base, path=file)
        store._migrate()
        return store

    def copy(self) -> Store:
        """A new in-memory store with this one's data: a fresh, already seeded
        sandbox for each test in milliseconds (SQLite's backup API)."""
        target = _connect(":memory:", file=False)
        with self._connection() as db:
            db.backup(target)
        store = Store(target, link_base=self.link_base)
        store._migrate()
        return store

    def close(self) -> None:
        with self._lock, self._connections_lock:
            for connection in self._connections:
                connection.close()

    def _thread_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            assert self._path is not None
            connection = _connect(self._path, file=True)
            self._local.connection = connection
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._shared is not None:
            with self._lock:
                yield self._shared
        elif self._write_owner == threading.get_ident():
            # Inside this thread's write transaction: read what it has written.
            yield self._write_connection
        else:
            yield self._thread_connection()

    def _migrate(self) -> None:
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = 0 if row is None else int(row[0])
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"database schema version {version} is newer than this cswidget "
                    f"({SCHEMA_VERSION}); upgrade cswidget"
                )
            for script in MIGRATIONS[version:]:
                _run_script(db, script)
            if version < _AGGREGATES_VERSION:
                _run_script(db, REBUILD_AGGREGATES)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            # The key that signs survey links, kept with the data it signs.
            db.execute(
                "INSERT OR IGNORE INTO settings VALUES ('link_key', ?)", (secrets.token_hex(32),)
            )
            row = db.execute("SELECT value FROM settings WHERE name = 'link_key'").fetchone()
            self._link_key = bytes.fromhex(row[0])
            if version < SCHEMA_VERSION:
                # Statistics for the planner (sqlite_stat1), so it picks the
                # index that fits each filter; refreshed by `analyze()`.
                db.execute("ANALYZE")

    def rebuild_aggregates(self) -> None:
        """Compute every aggregate again from the rows (after writing rows
        with plain SQL, which bypasses them)."""
        with self.transaction() as db:
            _run_script(db, REBUILD_AGGREGATES)

    def analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load)."""
        with self.transaction() as db:
            db.execute("ANALYZE")

    @contextmanager
    def transaction(self, *, account: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, inside one write transaction (one writer at a time).
        `account`: the transaction changes account data, so forget the cache.
        Opened inside another transaction on the same thread, it is part of
        that one: nothing is committed until the outermost one ends, and an
        error anywhere rolls back all of it."""
        with self._writer:
            db = self._write_connection
            if self._write_owner == threading.get_ident():
                try:
                    yield db
                finally:
                    if account:
                        self._forget_account()
                return
            db.execute("BEGIN IMMEDIATE")
            self._write_owner = threading.get_ident()
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                # Company ids assigned in the rolled-back transaction are gone,
                # and account data cached inside it may be too.
                self._companies.clear()
                self._forget_account()
                raise
            finally:
                self._write_owner = None
                if account:
                    self._forget_account()
            db.execute("COMMIT")

    def _forget_account(self) -> None:
        self._account_generation += 1
        self._account_cache.clear()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, inside one read transaction: every statement of a
        list or a metric sees the same rows (WAL: a writer does not wait)."""
        with self._connection() as db:
            if db.in_transaction:
                yield db
                return
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")

    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._connection() as db:
            return db.execute(sql, tuple(args)).fetchall()

    def _one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        with self._connection() as db:
            row: sqlite3.Row | None = db.execute(sql, tuple(args)).fetchone()
            return row

    def _cached(self, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        # Computed outside any lock (a writer holding the database lock may be
        # the caller); kept only if no account change happened meanwhile.
        found = self._account_cache.get(key, _MISSING)
        if found is _MISSING:
            generation = self._account_generation
            found = compute()
            if generation == self._account_generation:
                self._account_cache[key] = found
        return found

    def _pairs(self, sql: str) -> dict[Any, Any]:
        return {row[0]: row[1] for row in self._all(sql)}

    def is_empty(self) -> bool:
        return self._one("SELECT 1 FROM surveys LIMIT 1") is None

    # --- account data (loaded by the seed; read-only over the API)

    def add_survey(
        self,
        *,
        survey_id: int,
        name: str,
        locale: str,
        url_code: str,
        questions: Sequence[Mapping[str, Any]],
    ) -> None:
        with self.transaction(account=True) as db:
            db.execute(
                "INSERT INTO surveys (id, name, locale, url_code) VALUES (?, ?, ?, ?)",
                (survey_id, name, locale, url_code),
            )
            for position, question in enumerate(questions):
                db.execute(
                    "INSERT INTO questions (id, survey_id, position, question, answer_type,"
                    " metric, options) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        question["id"],
                        survey_id,
                        position,
                        question["question"],
                        question["answer_type"],
                        question.get("metric"),
                        json.dumps(list(question.get("options", ()))),
                    ),
                )

    def add_email_template(self, template: Mapping[str, Any]) -> None:
        with self.transaction(account=True) as db:
            db.execute(
                "INSERT INTO email_templates (id, name, body, subject, from_name, from_email,"
                " locale, archived) VALUES (:id, :name, :body, :subject, :from_name,"
                " :from_email, :locale, :archived)",
                dict(template),
            )

    def add_text_message_template(self, template: Mapping[str, Any]) -> None:
        with self.transaction(account=True) as db:
            db.execute(
                "INSERT INTO text_message_templates (id, name, body, locale, archived)"
                " VALUES (:id, :name, :body, :locale, :archived)",
                dict(template),
            )

    def add_staff(self, member: Mapping[str, Any]) -> None:
        with self.transaction(account=True) as db:
            db.execute(
                "INSERT INTO staff (id, code, first_name, surname, email, time_zone,"
                " deactivated_at, team_id) VALUES (:id, :code, :first_name, :surname, :email,"
                " :time_zone, :deactivated_at, :team_id)",
                dict(member),
            )

    def survey(self, survey_id: int) -> contract.Survey | None:
        row = self._one("SELECT * FROM surveys WHERE id = ?", (survey_id,))
        return None if row is None else self._survey(row)

    def survey_by_code(self, url_code: str) -> contract.Survey | None:
        row = self._one("SELECT * FROM surveys WHERE url_code = ?", (url_code,))
        return None if row is None else self._survey(row)

    def questions(self, survey_id: int) -> list[dict[str, Any]]:
        """A survey's questions with the sandbox's own extras (metric, options)."""
        questions: list[dict[str, Any]] = self._cached(
            ("questions", survey_id), lambda: self._questions(survey_id)
        )
        return questions

    def _questions(self, survey_id: int) -> list[dict[str, Any]]:
        return [
            {
                "id": row["id"],
                "question": row["question"],
                "answer_type": row["answer_type"],
                "metric": row["metric"],
                "options": json.loads(row["options"]),
            }
            for row in self._all(
                "SELECT * FROM questions WHERE survey_id = ? ORDER BY position", (survey_id,)
            )
        ]

    def _survey(self, row: sqlite3.Row) -> contract.Survey:
        return contract.Survey(
            id=row["id"],
            name=row["name"],
            locale=row["locale"],
            questions=tuple(
                contract.Question(id=q["id"], question=q["question"], answer_type=q["answer_type"])
                for q in self.questions(row["id"])
            ),
        )

    def _exists(self, table: str, row_id: int | None) -> bool:
        ids = self._cached(
            ("ids", table), lambda: frozenset(r[0] for r in self._all(f"SELECT id FROM {table}"))
        )
        return row_id in ids

    def has_survey(self, survey_id: int | None) -> bool:
        return self._exists("surveys", survey_id)

    def has_email_template(self, template_id: int | None) -> bool:
        return self._exists("email_templates", template_id)

    def has_text_message_template(self, template_id: int | None) -> bool:
        return self._exists("text_message_templates", template_id)

    def _by_name(
        self, table: str, shape: Any, page: int, per_page: int, snapshot: int | None
    ) -> Page:
        bound = self._bound(table, snapshot)
        rows = self._all(
            f"SELECT * FROM {table} WHERE id <= ? ORDER BY name, id LIMIT ? OFFSET ?",
            (bound, per_page, (page - 1) * per_page),
        )
        total = self._one(f"SELECT count(*) FROM {table} WHERE id <= ?", (bound,))
        return Page([shape(row) for row in rows], int(total[0]) if total else 0, bound)

    def _bound(self, table: str, snapshot: int | None) -> int:
        if snapshot is not None:
            return snapshot
        row = self._one(f"SELECT coalesce(max(id), 0) FROM {table}")
        return int(row[0]) if row else 0

    def surveys(self, *, page: int, per_page: int, snapshot: int | None = None) -> Page:
        return self._by_name("surveys", self._survey, page, per_page, snapshot)

    def email_templates(self, *, page: int, per_page: int, snapshot: int | None = None) -> Page:
        return self._by_name("email_templates", _email_template, page, per_page, snapshot)

    def text_message_templates(
        self, *, page: int, per_page: int, snapshot: int | None = None
    ) -> Page:
        return self._by_name("text_message_templates", _text_template, page, per_page, snapshot)

    # --- staff

    def staff_member(self, staff_id: int) -> contract.Staff | None:
        row = self._one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        return None if row is None else _staff(row)

    def staff_by_code(self, code: str) -> int | None:
        codes = self._cached(
            ("codes", "staff"),
            lambda: self._pairs("SELECT code, id FROM staff"),
        )
        found: int | None = codes.get(code)
        return found

    def staff(
        self,
        *,
        page: int,
        per_page: int,
        email: str | None = None,
        code: str | None = None,
        snapshot: int | None = None,
    ) -> Page:
        bound = self._bound("staff", snapshot)
        where: list[str] = ["id <= ?"]
        args: list[Any] = [bound]
        if email is not None:
            where.append("email = ? COLLATE NOCASE")
            args.append(email)
        if code is not None:
            where.append("code = ? COLLATE NOCASE")
            args.append(code)
        clause = " AND ".join(where)
        rows = self._all(
            f"SELECT * FROM staff WHERE {clause} ORDER BY surname, first_name, id LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page],
        )
        total = self._one(f"SELECT count(*) FROM staff WHERE {clause}", args)
        return Page([_staff(row) for row in rows], int(total[0]) if total else 0, bound)

    # --- sites

    def site(self, key: str) -> contract.Site | None:
        """A site by its id, else by its site_code (the seed retrieves /sites/hq)."""
        row = None
        if key.isascii() and key.isdigit() and len(key) <= 16:
            row = self._one("SELECT * FROM sites WHERE id = ?", (int(key),))
        if row is None:
            row = self._one("SELECT * FROM sites WHERE site_code = ?", (key,))
        return None if row is None else _site(row)

    def site_by_code(self, code: str) -> int | None:
        codes = self._cached(
            ("codes", "sites"),
            lambda: self._pairs("SELECT site_code, id FROM sites"),
        )
        found: int | None = codes.get(code)
        return found

    def create_site(self, site: Mapping[str, Any]) -> contract.Site:
        try:
            with self.transaction(account=True) as db:
                cursor = db.execute(
                    "INSERT INTO sites (site_code, name, city, region, site_type)"
                    " VALUES (?, ?, ?, ?, ?)",
                    tuple(site.get(name) for name in SITE_COLUMNS),
                )
                row_id = cursor.lastrowid
        except sqlite3.IntegrityError:
            raise TakenError("site_code") from None
        found = self.site(str(row_id))
        assert found is not None
        return found

    def update_site(self, site_id: int, changes: Mapping[str, Any]) -> contract.Site:
        names = [name for name in SITE_COLUMNS if name in changes]
        if names:
            assignments = ", ".join(f"{name} = ?" for name in names)
            try:
                with self.transaction(account=True) as db:
                    db.execute(
                        f"UPDATE sites SET {assignments} WHERE id = ?",
                        [*(changes[name] for name in names), site_id],
                    )
            except sqlite3.IntegrityError:
                raise TakenError("site_code") from None
        found = self.site(str(site_id))
        assert found is not None
        return found

    def sites(self, *, page: int, per_page: int, snapshot: int | None = None) -> Page:
        return self._by_name("sites", _site, page, per_page, snapshot)

    # --- feedback requests

    def create_feedback_request(
        self,
        request: Mapping[str, Any],
        *,
        now: str,
        site_id: int | None = None,
        staff_id: int | None = None,
        state: str | None = None,
        sent_at: str | None = None,
        delivery_failure: str | None = None,
        created_at: str | None = None,
    ) -> contract.FeedbackRequest:
        """Store a checked request (`api_rules.check_feedback_request`) and
        return it as GET /feedback_requests/:id will (built from what was
        written, not read back: one INSERT for the row, and for a sent
        request its row in the response rate's aggregates)."""
        parts = _request_parts(request)
        row = _request_row(
            request,
            parts=parts,
            now=now,
            site_id=site_id,
            staff_id=staff_id,
            state=state,
            sent_at=sent_at,
            delivery_failure=delivery_failure,
            created_at=created_at,
        )
        with self.transaction() as db:
            self._insert_requests(db, [row])
        return self._request(row, parts)

    def create_feedback_requests(self, requests: Iterable[Mapping[str, Any]]) -> list[int]:
        """Store many requests in one transaction (a bulk load); each item
        holds `create_feedback_request`'s arguments by name. Their ids.

            store.create_feedback_requests([{"request": checked, "now": "2023-08-19T16:30:14Z"}])
        """
        rows = [_request_row(**item) for item in requests]
        with self.transaction() as db:
            self._insert_requests(db, rows)
        return [row["id"] for row in rows]

    def _insert_requests(self, db: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        names = [name for name in rows[0] if name != "id"]
        columns, marks = ", ".join(names), ", ".join("?" * len(names))
        if len(rows) == 1:
            # One request (the API's write path): SQLite assigns the id.
            cursor = db.execute(
                f"INSERT INTO feedback_requests ({columns}) VALUES ({marks})",
                tuple(rows[0][name] for name in names),
            )
            rows[0]["id"] = int(cursor.lastrowid or 0)
        else:
            first = _next_id(db, "feedback_requests")
            for offset, row in enumerate(rows):
                row["id"] = first + offset
            db.executemany(
                f"INSERT INTO feedback_requests (id, {columns}) VALUES (?, {marks})",
                [(row["id"], *(row[name] for name in names)) for row in rows],
            )
        first = rows[0]["id"]
        db.execute(_STATES_OF_NEW, (first,))
        if any(row["state"] == "sent" and row["sent_at"] is not None for row in rows):
            # A new request has no response yet: sent, and delivered unless it failed.
            db.execute(_COMPANIES_OF_NEW, (first,))
            db.execute(_SENT_OF_NEW, (first,))
            db.execute(_REQUEST_DAYS_OF_NEW, (first,))

    def _dimensions(self, db: sqlite3.Connection, row: Mapping[str, Any]) -> tallies.Dimensions:
        company = row["company_name"]
        company_id = self._company_id(db, company) if isinstance(company, str) else None
        return (row["survey_id"], row["site_id"], row["staff_id"], company_id)

    def _company_id(self, db: sqlite3.Connection, name: str) -> int:
        found = self._companies.get(name)
        if found is None:
            db.execute("INSERT OR IGNORE INTO companies (name) VALUES (?)", (name,))
            row = db.execute("SELECT id FROM companies WHERE name = ?", (name,)).fetchone()
            found = self._companies[name] = int(row[0])
        return found

    def update_feedback_request(
        self, request_id: int, *, changes: Mapping[str, Any]
    ) -> contract.FeedbackRequest | None:
        """Change a stored request's delivery (what a clock passing `send_at`
        does) and its row in the response rate's aggregates, in one
        transaction. `changes`: any of UPDATABLE_REQUEST_COLUMNS; `reminders`
        is the list of reminder objects as stored. None if there is no such request.

            store.update_feedback_request(7, changes={"state": "sent",
                "sent_at": "2023-08-20T09:00:00Z", "updated_at": "2023-08-20T09:00:00Z"})
        """
        unknown = sorted(set(changes) - set(UPDATABLE_REQUEST_COLUMNS))
        if unknown:
            raise ValueError(
                f"Unsupported columns {unknown!r}, must be among: {UPDATABLE_REQUEST_COLUMNS}"
            )
        values = {
            name: json.dumps(value) if name == "reminders" else value
            for name, value in changes.items()
        }
        with self.transaction() as db:
            before = db.execute(
                "SELECT state FROM feedback_requests WHERE id = ?", (request_id,)
            ).fetchone()
            if before is None:
                return None
            if values:
                db.execute(
                    f"UPDATE feedback_requests SET {', '.join(f'{n} = ?' for n in values)}"
                    " WHERE id = ?",
                    [*values.values(), request_id],
                )
            after = db.execute(
                "SELECT * FROM feedback_requests WHERE id = ?", (request_id,)
            ).fetchone()
            if after["state"] != before["state"]:
                db.executemany(
                    "INSERT INTO request_states VALUES (?, ?)"
                    " ON CONFLICT DO UPDATE SET n = n + excluded.n",
                    [(before["state"], -1), (after["state"], 1)],
                )
            self._retally_request(db, after)
        return self._request(after)

    def requests_sent(
        self, db: sqlite3.Connection, request_ids: Sequence[int], *, previous_state: str
    ) -> None:
        """Count requests that have just become `sent` (their state and
        sent_at already written in `db`'s transaction; none of them `sent`
        before) in the response rate's aggregates and the state counts,
        set-based: what a clock passing many `send_at`s calls.

            with store.transaction() as db:
                ids = [row[0] for row in db.execute("UPDATE feedback_requests SET state = 'sent',"
                    " sent_at = send_at WHERE state = 'pending' AND send_at <= ? RETURNING id",
                    (now,))]
                store.requests_sent(db, ids, previous_state="pending")
        """
        if not request_ids:
            return
        chosen = json.dumps(list(request_ids))
        db.execute(_COMPANIES_OF_CHOSEN, (chosen,))
        db.execute(_SENT_OF_CHOSEN, (chosen,))
        db.execute(_REQUEST_DAYS_OF_CHOSEN, (chosen,))
        db.executemany(
            "INSERT INTO request_states VALUES (?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
            [(previous_state, -len(request_ids)), ("sent", len(request_ids))],
        )

    def _retally_request(self, db: sqlite3.Connection, row: sqlite3.Row) -> None:
        """Make the request's sent_requests row and its share of request_days
        what its row now says (remove the old share, add the new)."""
        changes: list[tuple[str, tallies.Dimensions, int, int, int]] = []
        old = db.execute(
            "DELETE FROM sent_requests WHERE request_id = ?"
            " RETURNING sent_at, survey_id, site_id, staff_id, company_id, delivered, replied",
            (row["id"],),
        ).fetchall()
        for sent_at, survey, site, staff, company, delivered, replied in old:
            changes.append((sent_at, (survey, site, staff, company), -1, -delivered, -replied))
        if row["state"] == "sent" and row["sent_at"] is not None:
            dimensions = self._dimensions(db, dict(row))
            delivered = int(row["delivery_failure"] is None)
            answered = db.execute(
                "SELECT 1 FROM feedback_responses WHERE request_id = ? LIMIT 1", (row["id"],)
            ).fetchone()
            replied = int(bool(delivered and answered))
            db.execute(
                "INSERT INTO sent_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row["id"], row["sent_at"], *dimensions, delivered, replied),
            )
            changes.append((row["sent_at"], dimensions, 1, delivered, replied))
        _add_request_days(db, changes)

    def send_due(self, now: str) -> int:
        """Send what is due at `now`, as the service does at each `send_at`;
        how many requests were sent. One transaction.

        A pending request whose `send_at` has come becomes `sent`, with
        `sent_at` (and `updated_at`) its `send_at`. A due reminder of a sent
        request gets its `sent_at`, unless the customer has replied by then:
        reminders are "for when a customer does not reply", so that one gets
        a `not_sent_reason` instead. (cswidget.testing's clock calls this.)
        """
        with self.transaction() as db:
            sent = [
                row[0]
                for row in db.execute(
                    "UPDATE feedback_requests SET state = 'sent', sent_at = send_at,"
                    " updated_at = send_at WHERE state = 'pending' AND send_at <= ? RETURNING id",
                    (now,),
                )
            ]
            # The response rate's aggregates and the state counts follow.
            self.requests_sent(db, sent, previous_state="pending")
            rows = db.execute(
                "SELECT q.id, q.reminders, EXISTS (SELECT 1 FROM feedback_responses r"
                " WHERE r.request_id = q.id) AS replied FROM feedback_requests q"
                " WHERE q.state = 'sent' AND EXISTS (SELECT 1 FROM json_each(q.reminders)"
                " WHERE json_extract(value, '$.sent_at') IS NULL"
                " AND json_extract(value, '$.not_sent_reason') IS NULL"
                " AND json_extract(value, '$.send_at') <= ?)",
                (now,),
            ).fetchall()
            for row in rows:
                reminders = json.loads(row["reminders"])
                for reminder in reminders:
                    due = reminder["send_at"] <= now
                    if due and reminder["sent_at"] is None and reminder["not_sent_reason"] is None:
                        if row["replied"]:
                            reminder["not_sent_reason"] = REPLIED
                        else:
                            reminder["sent_at"] = reminder["send_at"]
                db.execute(
                    "UPDATE feedback_requests SET reminders = ? WHERE id = ?",
                    (json.dumps(reminders), row["id"]),
                )
        return len(sent)

    def feedback_request(self, request_id: int) -> contract.FeedbackRequest | None:
        row = self._one("SELECT * FROM feedback_requests WHERE id = ?", (request_id,))
        return None if row is None else self._request(row)

    def link_token(self, request_id: int) -> str:
        """The token in a request's survey link: its id and a signature, so
        links cannot be guessed and need no column or index of their own."""
        digest = hmac.new(self._link_key, str(request_id).encode(), hashlib.sha256).digest()
        return f"{request_id}-{base64.urlsafe_b64encode(digest[:12]).decode()}"

    def feedback_request_by_token(self, token: str) -> contract.FeedbackRequest | None:
        number, _, _ = token.partition("-")
        if not (number.isascii() and number.isdigit() and len(number) <= 16):
            return None
        if not hmac.compare_digest(self.link_token(int(number)).encode(), token.encode()):
            return None
        return self.feedback_request(int(number))

    def request_scope(self, request_id: int) -> sqlite3.Row | None:
        """The survey, site, staff and customer a request's response inherits."""
        return self._one("SELECT * FROM feedback_requests WHERE id = ?", (request_id,))

    def request_data(self, request_id: int) -> list[tuple[str, str | None]]:
        row = self._one("SELECT data FROM feedback_requests WHERE id = ?", (request_id,))
        return [] if row is None else [(d["key"], d["value"]) for d in json.loads(row[0])]

    def _request(self, row: Any, parts: _Parts | None = None) -> contract.FeedbackRequest:
        # A part's id is its request's id times 1000 plus its place (at most
        # 100 data entries and 10 reminders): stable, unique, no table of its own.
        first_part_id = row["id"] * PART_IDS + 1
        # `parts`: the data and reminders just written, not decoded back.
        data_items, reminder_items = parts or (
            json.loads(row["data"]),
            json.loads(row["reminders"]),
        )
        data = tuple(
            contract.DataItem(id=first_part_id + index, key=entry["key"], value=entry["value"])
            for index, entry in enumerate(data_items)
        )
        reminders = tuple(
            contract.Reminder(
                id=first_part_id + index,
                email_template_id=entry["email_template_id"],
                send_at=_time(entry["send_at"]),
                sent_at=_time_or_none(entry["sent_at"]),
                text_message_template_id=entry["text_message_template_id"],
                not_sent_reason=entry["not_sent_reason"],
                delivery_failure=entry["delivery_failure"],
            )
            for index, entry in enumerate(reminder_items)
        )
        sms = None
        if row["sms_number"] is not None:
            sms = contract.Sms(
                number=row["sms_number"], text_message_template_id=row["sms_template_id"]
            )
        return contract.FeedbackRequest(
            id=row["id"],
            email=row["email"],
            state=row["state"],
            first_name=row["first_name"],
            surname=row["surname"],
            survey_id=row["survey_id"],
            email_template_id=row["email_template_id"],
            reference=row["reference"],
            machine_id=row["machine_id"],
            send_at=_time(row["send_at"]),
            sent_at=_time_or_none(row["sent_at"]),
            created_at=_time(row["created_at"]),
            updated_at=_time(row["updated_at"]),
            deletion_requested_at=None,
            not_sent_reason=row["not_sent_reason"],
            delivery_failure=row["delivery_failure"],
            ignore_throttle=bool(row["ignore_throttle"]),
            link=f"{self.link_base}/r/{self.link_token(row['id'])}",
            sms=sms,
            data=data,
            reminders=reminders,
        )

    def feedback_requests(
        self,
        *,
        page: int,
        per_page: int,
        state: str | None = None,
        snapshot: int | None = None,
        after: int | None = None,
    ) -> Page:
        """A page newest first by (created_at, id). `after`: the id of the
        previous page's last row, so the page is read from there (keyset)
        rather than by skipping (page - 1) * per_page rows."""
        with self._reading() as db:
            bound = _bound(db, "feedback_requests", snapshot)
            where = "id <= ?"
            args: list[Any] = [bound]
            if state is not None:
                where += " AND state = ?"
                args.append(state)
            offset = (page - 1) * per_page
            if after is not None:
                where += " AND (created_at, id) < (?, ?)"
                args.extend(_position(db, "feedback_requests", "created_at", after))
                offset = 0
            # The order's own index (with the state first when filtered): the
            # page is read in order, never sorted.
            index = (
                "feedback_requests_by_state_created_at"
                if state
                else "feedback_requests_by_created_at"
            )
            rows = db.execute(
                f"SELECT * FROM feedback_requests INDEXED BY {index} WHERE {where}"
                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                [*args, per_page, offset],
            ).fetchall()
            if state is None:
                total = _dense_total(db, "feedback_requests", bound)
            else:
                found = db.execute(
                    "SELECT coalesce((SELECT n FROM request_states WHERE state = ?), 0)"
                    " - (SELECT count(*) FROM feedback_requests NOT INDEXED"
                    " WHERE id > ? AND state = ?)",
                    (state, bound, state),
                ).fetchone()
                total = int(found[0])
        items = [self._request(row) for row in rows]
        return Page(items, total, bound, rows[-1]["id"] if rows else None)

    # --- feedback responses

    def add_response(
        self,
        *,
        survey_id: int,
        fields: Mapping[str, Any],
        answers: Sequence[Mapping[str, Any]],
        submitted_at: str,
        reference: str | None = None,
        machine_id: str | None = None,
        request_id: int | None = None,
        site_id: int | None = None,
        staff_id: int | None = None,
    ) -> int:
        """File a response; ratings on NPS and CSAT questions become scores."""
        return self.add_responses(
            [
                {
                    "survey_id": survey_id,
                    "fields": fields,
                    "answers": answers,
                    "submitted_at": submitted_at,
                    "reference": reference,
                    "machine_id": machine_id,
                    "request_id": request_id,
                    "site_id": site_id,
                    "staff_id": staff_id,
                }
            ]
        )[0]

    def add_responses(self, responses: Iterable[Mapping[str, Any]]) -> list[int]:
        """File many responses in one transaction (a bulk load); each item
        holds `add_response`'s arguments by name (all but survey_id, fields,
        answers and submitted_at optional). Their ids. The aggregates are
        kept by the same statements as for one `add_response`.

            store.add_responses([{"survey_id": 1484, "fields": {}, "answers": [],
                                  "submitted_at": "2023-08-19T16:30:14Z"}])
        """
        items = [(item, self._scores(item["survey_id"], item["answers"])) for item in responses]
        if not items:
            return []
        with self.transaction() as db:
            first = _next_id(db, "feedback_responses")
            ratings_before = int(
                db.execute("SELECT coalesce(max(rowid), 0) FROM ratings").fetchone()[0]
            )
            rows = []
            ratings: list[tuple[Any, ...]] = []
            answered = False
            for offset, (item, scores) in enumerate(items):
                response_id = first + offset
                fields = item["fields"]
                email, company = fields.get("email"), fields.get("company_name")
                company = company if isinstance(company, str) else None
                site_id, staff_id = item.get("site_id"), item.get("staff_id")
                submitted_at = item["submitted_at"]
                answered = answered or item.get("request_id") is not None
                # A response is never edited: created_at and updated_at are
                # its submitted_at (response_days counts both filters by it).
                rows.append(
                    (
                        response_id, item["survey_id"], item.get("request_id"),
                        item.get("reference"), item.get("machine_id"),
                        email if isinstance(email, str) else None, company, site_id, staff_id,
                        json.dumps(dict(fields), ensure_ascii=False),
                        json.dumps([dict(a) for a in item["answers"]], ensure_ascii=False),
                        submitted_at, submitted_at, submitted_at,
                    )
                )  # fmt: skip
                if scores:
                    company_id = None if company is None else self._company_id(db, company)
                    ratings.extend(
                        (metric, submitted_at, score, item["survey_id"], site_id, staff_id,
                         company_id, response_id)
                        for metric, score in scores
                    )  # fmt: skip
            db.executemany(
                "INSERT INTO feedback_responses (id, survey_id, request_id, reference,"
                " machine_id, email, company_name, site_id, staff_id, fields, answers,"
                " submitted_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            if ratings:
                db.executemany("INSERT INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ratings)
                db.execute(_SCORE_DAYS_OF_NEW, (ratings_before,))
            db.execute(_RESPONSE_DAYS_OF_NEW, (first,))
            if answered:
                # A delivered request's first response makes it a reply.
                db.execute(_REQUEST_DAYS_OF_REPLIES, (first,))
                db.execute(_MARK_REPLIES, (first,))
        return [first + offset for offset in range(len(items))]

    def _scores(
        self, survey_id: int, answers: Sequence[Mapping[str, Any]]
    ) -> list[tuple[str, int]]:
        """(metric, score) of each rating on an NPS or CSAT question, on its scale."""
        metrics = self._cached(
            ("metrics", survey_id),
            lambda: {q["id"]: q["metric"] for q in self.questions(survey_id) if q["metric"]},
        )
        scores = []
        for answer in answers:
            metric = metrics.get(answer["question_id"])
            text = answer.get("answer")
            if metric and isinstance(text, str) and text.isascii() and text.isdigit():
                score = int(text)
                if (metric == "nps" and 0 <= score <= 10) or (metric == "csat" and 1 <= score <= 5):
                    scores.append((metric, score))
        return scores

    _RESPONSE_SELECT: Final = (
        "SELECT r.*, s.name AS survey_name FROM feedback_responses r"
        " JOIN surveys s ON s.id = r.survey_id"
    )

    def feedback_response(self, response_id: int) -> contract.FeedbackResponse | None:
        row = self._one(f"{self._RESPONSE_SELECT} WHERE r.id = ?", (response_id,))
        return None if row is None else self._responses([row])[0]

    def _responses(self, rows: Sequence[sqlite3.Row]) -> list[contract.FeedbackResponse]:
        # One query for the page's feedback requests, not one per response.
        wanted = sorted({row["request_id"] for row in rows if row["request_id"] is not None})
        requests = {
            request["id"]: self._request(request)
            for request in (
                self._all(
                    f"SELECT * FROM feedback_requests WHERE id IN ({', '.join('?' * len(wanted))})",
                    wanted,
                )
                if wanted
                else ()
            )
        }
        return [self._response(row, requests.get(row["request_id"])) for row in rows]

    def _response(
        self, row: sqlite3.Row, request: contract.FeedbackRequest | None
    ) -> contract.FeedbackResponse:
        return contract.FeedbackResponse(
            id=row["id"],
            reference=row["reference"],
            machine_id=row["machine_id"],
            fields=_FIELDS.decode(row["fields"]),
            answers=_ANSWERS.decode(row["answers"]),
            submitted_at=_time(row["submitted_at"]),
            updated_at=_time(row["updated_at"]),
            feedback_request=request,
            survey=contract.SurveySummary(id=row["survey_id"], name=row["survey_name"]),
        )

    def feedback_responses(
        self,
        *,
        page: int,
        per_page: int,
        where: ResponseFilter,
        snapshot: int | None = None,
        after: int | None = None,
    ) -> Page:
        """A page newest first by (submitted_at, id); `after` as for
        `feedback_requests`."""
        clauses: list[str] = []
        args: list[Any] = []
        if where.created_since is not None:
            clauses.append("r.created_at >= ?")
            args.append(where.created_since)
        if where.updated_since is not None:
            clauses.append("r.updated_at >= ?")
            args.append(where.updated_since)
        if where.email is not None:
            clauses.append("r.email = ? COLLATE NOCASE")
            args.append(where.email)
        _in("r.survey_id", where.survey_ids, clauses, args)
        _in("r.site_id", where.site_ids, clauses, args)
        _in("r.staff_id", where.staff_ids, clauses, args)
        with self._reading() as db:
            bound = _bound(db, "feedback_responses", snapshot)
            if not clauses:
                total = _dense_total(db, "feedback_responses", bound)
            elif where.email is None:
                total = _counted_responses(db, where, bound, clauses, args)
            else:
                # An email's responses are few, and its index finds them.
                found = db.execute(
                    "SELECT count(*) FROM feedback_responses r WHERE r.id <= ? AND "
                    + " AND ".join(clauses),
                    [bound, *args],
                ).fetchone()
                total = int(found[0])
            chosen = [*clauses, "r.id <= ?"]
            chosen_args = [*args, bound]
            offset = (page - 1) * per_page
            if after is not None:
                chosen.append("(r.submitted_at, r.id) < (?, ?)")
                chosen_args.extend(_position(db, "feedback_responses", "submitted_at", after))
                offset = 0
            rows = db.execute(
                "SELECT r.*, s.name AS survey_name FROM feedback_responses r"
                f" {_response_index(where, total)} JOIN surveys s ON s.id = r.survey_id"
                f" WHERE {' AND '.join(chosen)}"
                " ORDER BY r.submitted_at DESC, r.id DESC LIMIT ? OFFSET ?",
                [*chosen_args, per_page, offset],
            ).fetchall()
            items = self._responses(rows)
        return Page(items, total, bound, rows[-1]["id"] if rows else None)

    # --- metrics

    def score_counts(self, metric: str, scope: MetricFilter) -> dict[int, int]:
        """How many ratings of each score `metric` questions got in `scope`:
        whole days from score_days, partial first and last days from ratings."""
        window = _metric_window(scope)
        rows_index = "ratings_by_company" if scope.company_name is not None else "ratings_by_time"
        counts: Counter[int] = Counter()
        with self._reading() as db:
            if window.days is not None:
                where, args = ["metric = ?"], [metric]
                _scope_filters(scope, where, args, rollup=True)
                for score, count in db.execute(
                    f"SELECT score, sum(n) FROM score_days WHERE {' AND '.join(where)}"
                    " AND day BETWEEN ? AND ? GROUP BY score",
                    [*args, *window.days],
                ):
                    counts[int(score)] += int(count)
            for start, end in window.rows:
                where, args = ["metric = ?", "submitted_at BETWEEN ? AND ?"], [metric, start, end]
                _scope_filters(scope, where, args, rollup=False)
                for score, count in db.execute(
                    f"SELECT score, count(*) FROM ratings INDEXED BY {rows_index}"
                    f" WHERE {' AND '.join(where)}"
                    " GROUP BY score",
                    args,
                ):
                    counts[int(score)] += int(count)
        return {score: count for score, count in counts.items() if count}

    def request_counts(self, scope: MetricFilter) -> tuple[int, int, int]:
        """(sent, delivered, replied) for requests sent within `scope`: whole
        days from request_days, partial first and last days from sent_requests."""
        window = _metric_window(scope)
        rows_index = (
            "sent_requests_by_company"
            if scope.company_name is not None
            else "sent_requests_by_time"
        )
        totals = [0, 0, 0]
        with self._reading() as db:
            queries: list[tuple[str, list[Any]]] = []
            if window.days is not None:
                where: list[str] = []
                args: list[Any] = []
                _scope_filters(scope, where, args, rollup=True)
                queries.append(
                    (
                        "SELECT sum(sent), sum(delivered), sum(replied) FROM request_days"
                        f" WHERE {' AND '.join(where)} AND day BETWEEN ? AND ?",
                        [*args, *window.days],
                    )
                )
            for start, end in window.rows:
                where, args = ["sent_at BETWEEN ? AND ?"], [start, end]
                _scope_filters(scope, where, args, rollup=False)
                queries.append(
                    (
                        "SELECT count(*), sum(delivered), sum(replied) FROM sent_requests"
                        f" INDEXED BY {rows_index} WHERE {' AND '.join(where)}",
                        args,
                    )
                )
            for sql, query_args in queries:
                row = db.execute(sql, query_args).fetchone()
                for place in range(3):
                    totals[place] += int(row[place] or 0)
        return totals[0], totals[1], totals[2]


# What `Store.update_feedback_request` may change: a request's delivery.
UPDATABLE_REQUEST_COLUMNS: Final = (
    "state", "sent_at", "updated_at", "not_sent_reason", "delivery_failure", "reminders",
)  # fmt: skip
# Below this many matches, a time filter reads its own index and sorts the
# matches; above it, the list's order index finds a page's matches sooner.
_FEW_MATCHES: Final = 5000


class UnknownPosition(LookupError):
    """An `after` paging position that is no row of the list."""


_Parts = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _request_parts(request: Mapping[str, Any]) -> _Parts:
    """A request's data and reminders as stored in its row."""
    data = [{"key": entry["key"], "value": entry["value"]} for entry in request.get("data") or ()]
    reminders = [
        {
            "email_template_id": reminder["email_template_id"],
            "send_at": reminder["send_at"],
            "sent_at": None,
            "text_message_template_id": reminder["text_message_template_id"],
            "not_sent_reason": None,
            "delivery_failure": None,
        }
        for reminder in request.get("reminders") or ()
    ]
    return data, reminders


def _request_row(
    request: Mapping[str, Any],
    *,
    parts: _Parts | None = None,
    now: str,
    site_id: int | None = None,
    staff_id: int | None = None,
    state: str | None = None,
    sent_at: str | None = None,
    delivery_failure: str | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    sms = request.get("sms") or {}
    external = bool(request.get("external_link"))
    data = request.get("data") or []
    company = next((d["value"] for d in data if d["key"] == "company_name"), None)
    row: dict[str, Any] = {
        **{name: request.get(name) for name in _REQUEST_SCALARS},
        "state": state or ("sent" if external else "pending"),
        "sent_at": sent_at or (now if external else None),
        "created_at": created_at or now,
        "updated_at": created_at or now,
        "not_sent_reason": None,
        "delivery_failure": delivery_failure,
        "ignore_throttle": int(bool(request.get("ignore_throttle"))),
        "sms_number": sms.get("number"),
        "sms_template_id": sms.get("text_message_template_id"),
        "site_id": site_id,
        "staff_id": staff_id,
        "company_name": company,
    }
    # Data and reminders belong to their request and are only ever read
    # with it: stored in its row (as JSON), so a request is one INSERT.
    data_items, reminders = parts or _request_parts(request)
    row["data"] = json.dumps(data_items, ensure_ascii=False)
    row["reminders"] = json.dumps(reminders)
    return row


def _next_id(db: sqlite3.Connection, table: str) -> int:
    # Ids are assigned here, under the write lock, so a bulk insert knows them.
    return int(db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def _bound(db: sqlite3.Connection, table: str, snapshot: int | None) -> int:
    # A snapshot past the newest row bounds nothing more than the newest row.
    newest = int(db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
    return newest if snapshot is None else min(snapshot, newest)


def _dense_total(db: sqlite3.Connection, table: str, bound: int) -> int:
    # Ids are dense (nothing is deleted), so rows up to `bound` number
    # bound - (first id - 1), found without counting the table.
    row = db.execute(f"SELECT min(id) FROM {table}").fetchone()
    first = int(row[0]) if row[0] is not None else bound + 1
    return max(0, bound - first + 1)


def _position(db: sqlite3.Connection, table: str, column: str, after: int) -> tuple[str, int]:
    row = db.execute(f"SELECT {column}, id FROM {table} WHERE id = ?", (after,)).fetchone()
    if row is None:
        raise UnknownPosition(after)
    return row[0], int(row[1])


def _add_request_days(
    db: sqlite3.Connection, changes: list[tuple[str, tallies.Dimensions, int, int, int]]
) -> None:
    db.executemany(
        "INSERT INTO request_days VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
        " sent = sent + excluded.sent, delivered = delivered + excluded.delivered,"
        " replied = replied + excluded.replied",
        tallies.request_days(changes),
    )


def _metric_window(scope: MetricFilter) -> tallies.Window:
    """Whole days from the aggregates where a rollup fits the filters; else
    the whole window from the rows (company with another dimension)."""
    others = bool(scope.survey_ids or scope.site_ids or scope.staff_ids)
    if tallies.has_rollup(company=scope.company_name is not None, others=others):
        return tallies.split_window(scope.from_time, scope.to_time)
    return tallies.Window(rows=((scope.from_time, scope.to_time),), days=None)


def _scope_filters(scope: MetricFilter, where: list[str], args: list[Any], *, rollup: bool) -> None:
    """A metric's filters over an aggregate (`rollup`: each dimension is
    either filtered or the "any" rollup) or over rows."""
    for column, ids in (
        ("survey_id", scope.survey_ids),
        ("site_id", scope.site_ids),
        ("staff_id", scope.staff_ids),
    ):
        if rollup:
            tallies.keys_filter(column, ids, where, args)
        else:
            _in(column, ids, where, args)
    if scope.company_name is not None:
        # A substring of the distinct company names, not of every row's.
        where.append(
            "company_id IS NOT NULL"
            " AND company_id IN (SELECT id FROM companies WHERE name LIKE ? ESCAPE '\\')"
        )
        args.append(_like(scope.company_name))
    elif rollup:
        where.append(f"company_id = {tallies.ANY}")


def _counted_responses(
    db: sqlite3.Connection, where: ResponseFilter, bound: int, clauses: list[str], args: list[Any]
) -> int:
    """How many responses up to `bound` match `where` (no email filter):
    whole days from response_days, the partial first day from the created_at
    index, less the rows stored after `bound` (read back from the newest id)."""
    since = max((t for t in (where.created_since, where.updated_since) if t), default=None)
    day_where: list[str] = []
    day_args: list[Any] = []
    for column, ids in (
        ("survey_id", where.survey_ids),
        ("site_id", where.site_ids),
        ("staff_id", where.staff_ids),
    ):
        tallies.keys_filter(column, ids, day_where, day_args)
    total = 0
    if since is not None:
        day = tallies.day_of(since)
        if since != f"{day}T00:00:00Z":
            partial = db.execute(
                "SELECT count(*) FROM feedback_responses r"
                " INDEXED BY feedback_responses_by_created_at"
                f" WHERE r.created_at <= ? AND {' AND '.join(clauses)}",
                [f"{day}T23:59:59Z", *args],
            ).fetchone()
            total += int(partial[0])
            day_where.append("day > ?")
        else:
            day_where.append("day >= ?")
        day_args.append(day)
    found = db.execute(
        f"SELECT coalesce(sum(n), 0) FROM response_days WHERE {' AND '.join(day_where)}",
        day_args,
    ).fetchone()
    total += int(found[0])
    newer = db.execute(
        "SELECT count(*) FROM feedback_responses r NOT INDEXED"
        f" WHERE r.id > ? AND {' AND '.join(clauses)}",
        [bound, *args],
    ).fetchone()
    return total - int(newer[0])


def _response_index(where: ResponseFilter, matches: int) -> str:
    """The index a filtered list reads: chosen here rather than by the planner,
    which cannot know how many rows a time filter keeps."""
    if where.email is not None:
        return "INDEXED BY feedback_responses_by_email"
    if (where.created_since or where.updated_since) and matches <= _FEW_MATCHES:
        return (
            "INDEXED BY feedback_responses_by_created_at"
            if where.created_since
            else "INDEXED BY feedback_responses_by_updated_at"
        )
    for ids, index in (
        (where.survey_ids, "feedback_responses_by_survey"),
        (where.site_ids, "feedback_responses_by_site"),
        (where.staff_ids, "feedback_responses_by_staff"),
    ):
        if len(set(ids)) == 1:
            return f"INDEXED BY {index}"
    return "INDEXED BY feedback_responses_by_submitted_at"


# Stored JSON columns, read back into the contract's shapes.
_FIELDS: Final = msgspec.json.Decoder(dict[str, str | None])
_ANSWERS: Final = msgspec.json.Decoder(tuple[contract.Answer, ...])


def _time(text: str) -> datetime:
    # Stored as the API writes times, "2023-08-20T17:00:00Z": always UTC.
    return datetime.fromisoformat(text)


def _time_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _site(row: sqlite3.Row) -> contract.Site:
    return contract.Site(id=str(row["id"]), **{name: row[name] for name in SITE_COLUMNS})


def _staff(row: sqlite3.Row) -> contract.Staff:
    return contract.Staff(
        id=str(row["id"]),
        code=row["code"],
        first_name=row["first_name"],
        surname=row["surname"],
        email=row["email"],
        time_zone=row["time_zone"],
        deactivated_at=_time_or_none(row["deactivated_at"]),
        team_id=row["team_id"],
    )


def _email_template(row: sqlite3.Row) -> contract.EmailTemplate:
    return contract.EmailTemplate(
        id=row["id"],
        name=row["name"],
        body=row["body"],
        subject=row["subject"],
        from_name=row["from_name"],
        from_email=row["from_email"],
        locale=row["locale"],
        archived=bool(row["archived"]),
    )


def _text_template(row: sqlite3.Row) -> contract.TextMessageTemplate:
    return contract.TextMessageTemplate(
        id=row["id"],
        name=row["name"],
        body=row["body"],
        locale=row["locale"],
        archived=bool(row["archived"]),
    )
