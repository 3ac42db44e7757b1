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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import msgspec

from .. import contract

__all__ = ["SCHEMA_VERSION", "Page", "ResponseFilter", "Store", "TakenError"]

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
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
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

    def __init__(self, connection: sqlite3.Connection, *, link_base: str) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.link_base = link_base
        # Account data (surveys, templates, staff, sites) is small and read on
        # every write; cached here, forgotten whenever any of it changes.
        self._account_cache: dict[tuple[str, Any], Any] = {}
        self._link_key = b""

    @classmethod
    def open(cls, path: str, *, link_base: str = "http://127.0.0.1:8010") -> Store:
        """Open (creating and migrating) the database at `path`."""
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        connection.row_factory = sqlite3.Row
        if path != ":memory:":
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (SQLite's default is 2 MiB): at a million
            # rows the upper index pages every insert and lookup walks stay
            # in memory.
            connection.execute("PRAGMA cache_size=-65536")
        connection.execute("PRAGMA busy_timeout=5000")
        store = cls(connection, link_base=link_base)
        store._migrate()
        return store

    def copy(self) -> Store:
        """A new in-memory store with this one's data: a fresh, already seeded
        sandbox for each test in milliseconds (SQLite's backup API)."""
        target = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.backup(target)
        target.row_factory = sqlite3.Row
        store = Store(target, link_base=self.link_base)
        store._migrate()
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()

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
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            # The key that signs survey links, kept with the data it signs.
            db.execute(
                "INSERT OR IGNORE INTO settings VALUES ('link_key', ?)", (secrets.token_hex(32),)
            )
            row = db.execute("SELECT value FROM settings WHERE name = 'link_key'").fetchone()
            self._link_key = bytes.fromhex(row[0])

    @contextmanager
    def transaction(self, *, account: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, inside one transaction (under the store's lock).
        `account`: the transaction changes account data, so forget the cache."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            finally:
                if account:
                    self._account_cache.clear()
            self._db.execute("COMMIT")

    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def _one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, tuple(args)).fetchone()
            return row

    def _cached(self, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._account_cache:
                self._account_cache[key] = compute()
            return self._account_cache[key]

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
        written, not read back: one statement per row, nothing more)."""
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
        row["data"] = json.dumps(
            [{"key": entry["key"], "value": entry["value"]} for entry in data],
            ensure_ascii=False,
        )
        row["reminders"] = json.dumps(
            [
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
        )
        names = ", ".join(row)
        with self._lock:
            cursor = self._db.execute(
                f"INSERT INTO feedback_requests ({names}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
        row["id"] = int(cursor.lastrowid or 0)
        return self._request(row)

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
            sent = db.execute(
                "UPDATE feedback_requests SET state = 'sent', sent_at = send_at,"
                " updated_at = send_at WHERE state = 'pending' AND send_at <= ?",
                (now,),
            ).rowcount
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
        return sent

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

    def _request(self, row: Any) -> contract.FeedbackRequest:
        # A part's id is its request's id times 1000 plus its place (at most
        # 100 data entries and 10 reminders): stable, unique, no table of its own.
        first_part_id = row["id"] * PART_IDS + 1
        data = tuple(
            contract.DataItem(id=first_part_id + index, key=entry["key"], value=entry["value"])
            for index, entry in enumerate(json.loads(row["data"]))
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
            for index, entry in enumerate(json.loads(row["reminders"]))
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
        self, *, page: int, per_page: int, state: str | None = None, snapshot: int | None = None
    ) -> Page:
        bound = self._bound("feedback_requests", snapshot)
        where = "id <= ?"
        args: list[Any] = [bound]
        if state is not None:
            where += " AND state = ?"
            args.append(state)
        rows = self._all(
            f"SELECT * FROM feedback_requests WHERE {where}"
            " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page],
        )
        if state is None:
            total = self._dense_total("feedback_requests", bound)
        else:
            found = self._one(f"SELECT count(*) FROM feedback_requests WHERE {where}", args)
            total = int(found[0]) if found else 0
        return Page([self._request(row) for row in rows], total, bound)

    def _dense_total(self, table: str, bound: int) -> int:
        # Ids are dense (nothing is deleted), so rows up to `bound` number
        # bound - (first id - 1), found without counting the table.
        row = self._one(f"SELECT min(id) FROM {table}")
        first = int(row[0]) if row and row[0] is not None else bound + 1
        return max(0, bound - first + 1)

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
        metrics = {q["id"]: q["metric"] for q in self.questions(survey_id) if q["metric"]}
        scores = []
        for answer in answers:
            metric = metrics.get(answer["question_id"])
            text = answer.get("answer")
            if metric and isinstance(text, str) and text.isascii() and text.isdigit():
                score = int(text)
                if (metric == "nps" and 0 <= score <= 10) or (metric == "csat" and 1 <= score <= 5):
                    scores.append((metric, score))
        email = fields.get("email")
        company = fields.get("company_name")
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO feedback_responses (survey_id, request_id, reference, machine_id,"
                " email, company_name, site_id, staff_id, fields, answers, submitted_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    survey_id,
                    request_id,
                    reference,
                    machine_id,
                    email if isinstance(email, str) else None,
                    company if isinstance(company, str) else None,
                    site_id,
                    staff_id,
                    json.dumps(dict(fields), ensure_ascii=False),
                    json.dumps([dict(a) for a in answers], ensure_ascii=False),
                    submitted_at,
                    submitted_at,
                    submitted_at,
                ),
            )
            response_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO scores (response_id, metric, score, submitted_at) VALUES (?, ?, ?, ?)",
                [(response_id, metric, score, submitted_at) for metric, score in scores],
            )
        return response_id

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
        self, *, page: int, per_page: int, where: ResponseFilter, snapshot: int | None = None
    ) -> Page:
        bound = self._bound("feedback_responses", snapshot)
        clauses = ["r.id <= ?"]
        args: list[Any] = [bound]
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
        clause = " AND ".join(clauses)
        rows = self._all(
            f"{self._RESPONSE_SELECT} WHERE {clause}"
            " ORDER BY r.submitted_at DESC, r.id DESC LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page],
        )
        if len(clauses) == 1:
            total = self._dense_total("feedback_responses", bound)
        else:
            found = self._one(f"SELECT count(*) FROM feedback_responses r WHERE {clause}", args)
            total = int(found[0]) if found else 0
        return Page(self._responses(rows), total, bound)

    # --- metrics

    def score_counts(self, metric: str, scope: MetricFilter) -> dict[int, int]:
        """How many ratings of each score `metric` questions got in `scope`."""
        clauses = ["sc.metric = ?", "sc.submitted_at >= ?", "sc.submitted_at <= ?"]
        args: list[Any] = [metric, scope.from_time, scope.to_time]
        if scope.company_name is not None:
            clauses.append("r.company_name LIKE ? ESCAPE '\\'")
            args.append(_like(scope.company_name))
        _in("r.survey_id", scope.survey_ids, clauses, args)
        _in("r.site_id", scope.site_ids, clauses, args)
        _in("r.staff_id", scope.staff_ids, clauses, args)
        rows = self._all(
            "SELECT sc.score, count(*) FROM scores sc JOIN feedback_responses r"
            f" ON r.id = sc.response_id WHERE {' AND '.join(clauses)} GROUP BY sc.score",
            args,
        )
        return {int(row[0]): int(row[1]) for row in rows}

    def request_counts(self, scope: MetricFilter) -> tuple[int, int, int]:
        """(sent, delivered, replied) for requests sent within `scope`."""
        clauses = ["q.state = 'sent'", "q.sent_at >= ?", "q.sent_at <= ?"]
        args: list[Any] = [scope.from_time, scope.to_time]
        if scope.company_name is not None:
            clauses.append("q.company_name LIKE ? ESCAPE '\\'")
            args.append(_like(scope.company_name))
        _in("q.survey_id", scope.survey_ids, clauses, args)
        _in("q.site_id", scope.site_ids, clauses, args)
        _in("q.staff_id", scope.staff_ids, clauses, args)
        row = self._one(
            "SELECT count(*), count(*) FILTER (WHERE q.delivery_failure IS NULL),"
            " count(*) FILTER (WHERE q.delivery_failure IS NULL AND EXISTS"
            " (SELECT 1 FROM feedback_responses r WHERE r.request_id = q.id))"
            f" FROM feedback_requests q WHERE {' AND '.join(clauses)}",
            args,
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])


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
