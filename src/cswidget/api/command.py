"""`cswidget api ...`: the REST API from the command line, for operators.

    export CUSTOMERSURE_API_TOKEN=...   # the token comes from here only
    cswidget api --user-agent "Acme Ltd" responses export --since 2024-01-01 \\
        --format csv --out responses.csv
    cswidget api requests create --csv orders.csv
    cswidget api metrics nps --period 30-days
    cswidget api sites list
    cswidget api sites create --site-code hq --name "Head Office" --region North
    cswidget api sites update hq --name "Main Office"
    cswidget api surveys list

`--base-url` and `--user-agent` may also come from `CUSTOMERSURE_API_URL`
and `CUSTOMERSURE_USER_AGENT`, or from `cswidget.toml` (`base_url`,
`user_agent`), in that order; the default address is the real API. The
token never comes from a flag or a file: flags land in shell history and
files in repositories. Commands that change data print the address on
stderr, and ask first when it is not local (`--yes` answers for scripts);
the sandbox's token is never sent to a host that is not local (see
cswidget.api.target).

Exit status: 0 success; 1 the API refused something (rows rejected, an
error status); 2 bad input (flags, files, values) or a target refused or
not confirmed, and then nothing is sent.
Lists and results print as JSON (one object per line for lists).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import httpx

from ..errors import ValidationError
from ..safetext import shown
from ..vocabulary import DATE_PERIODS
from .client import Client
from .csvfile import CellTooLong
from .endpoints import create_site, update_site
from .errors import APIError
from .export import Progress, export_responses
from .resume import Resumed, resume_export
from .schedule import schedule_requests
from .target import (
    TOKEN_VARIABLE,
    USER_AGENT_VARIABLE,
    Target,
    TargetError,
    check_token,
    choose,
    confirm,
    resolve_target,
    token_warning,
)

__all__ = ["TOKEN_VARIABLE", "main"]

PROG = "cswidget api"
# The most of an API error's text printed: its message and every field error.
MAX_ERROR_LINE = 2000


class BadInput(Exception):
    """Bad flags, files or values: one line on stderr, exit 2, nothing sent."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{self.prog}: {message}")


def main(
    argv: Sequence[str],
    *,
    defaults: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    settings_source: str = "cswidget.toml",
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Run `cswidget api` with `argv`; `defaults` are settings-file values
    (`base_url`, `user_agent`) read from `settings_source`, `environ` the
    environment (token, address, user agent), `transport` an httpx
    transport to answer requests in-process (for tests)."""
    environ = os.environ if environ is None else environ
    try:
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exit:  # --help
            return int(exit.code or 0)
        client = None
        if not getattr(args, "dry_run", False):
            client, args.target = _client(args, defaults or {}, environ, settings_source, transport)
        handler: Callable[[Any, argparse.Namespace], int] = args.handler
        try:
            return handler(client, args)
        finally:
            if client is not None:
                client.close()
    except (BadInput, TargetError) as error:
        print(f"cswidget: error: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:
        if isinstance(error, APIError):
            print(f"cswidget: error: {_one_line(error)}", file=sys.stderr)
            return 1
        print(f"cswidget: error: {error}", file=sys.stderr)
        return 2
    except (TypeError, ValueError) as error:
        print(f"cswidget: error: {error}", file=sys.stderr)
        return 2
    except APIError as error:
        print(f"cswidget: error: {_one_line(error)}", file=sys.stderr)
        return 1


def _one_line(error: APIError) -> str:
    """The error on one line: what the server wrote (its message, a header)
    with its control characters escaped, and a flood cut short."""
    return shown(str(error), limit=MAX_ERROR_LINE)


def _client(
    args: argparse.Namespace,
    defaults: Mapping[str, str],
    environ: Mapping[str, str],
    settings_source: str,
    transport: httpx.BaseTransport | None,
) -> tuple[Client, Target]:
    token = environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise BadInput(f"set {TOKEN_VARIABLE} to your API token (never a flag or a file)")
    user_agent = choose(
        flag=args.user_agent, flag_name="--user-agent", variable=USER_AGENT_VARIABLE,
        key="user_agent", environ=environ, settings=defaults, settings_source=settings_source,
    )  # fmt: skip
    if user_agent is None:
        raise BadInput(
            f"--user-agent (or {USER_AGENT_VARIABLE}, or user_agent in {settings_source}) is "
            "required: your company name as in your CustomerSure account"
        )
    target = resolve_target(
        flag=args.base_url, environ=environ, settings=defaults, settings_source=settings_source
    )
    check_token(token, target)
    try:
        client = Client(
            token, user_agent=user_agent.value, base_url=str(target.url), transport=transport
        )
    except ValueError as error:
        raise BadInput(str(error)) from None
    warning = token_warning(token, target)
    if warning:
        print(warning, file=sys.stderr)
    return client, target


def _before_writing(args: argparse.Namespace, action: str | None) -> None:
    """Ask before `action` changes data on a host that is not local (None:
    nothing to ask), then say where the writes go."""
    if action is not None:
        confirm(action, target=args.target, assume_yes=args.yes, stdin=sys.stdin, stderr=sys.stderr)
    print(f"cswidget: target {args.target.describe()}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Call the CustomerSure REST API v1.")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="API address (else $CUSTOMERSURE_API_URL, base_url in cswidget.toml, the real API)",
    )
    parser.add_argument(
        "--user-agent",
        metavar="NAME",
        help="your company name (required: else $CUSTOMERSURE_USER_AGENT or cswidget.toml)",
    )
    parser.add_argument("--yes", action="store_true", help=_YES_HELP)
    resources = parser.add_subparsers(title="resources", metavar="RESOURCE", required=True)

    responses = resources.add_parser("responses", help="feedback responses")
    responses_commands = responses.add_subparsers(metavar="COMMAND", required=True)
    export = responses_commands.add_parser("export", help="export to JSON Lines or CSV")
    export.add_argument("--since", metavar="TIME", help="only responses created since (ISO 8601)")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--out", required=True, metavar="FILE", help="file to write ('-': stdout)")
    export.add_argument(
        "--append",
        action="store_true",
        help="add to FILE, skipping responses already in it (resume an export)",
    )
    export.add_argument("--survey-id", action="append", default=None, metavar="ID")
    export.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: when stderr is a terminal)",
    )
    export.set_defaults(handler=_export)

    requests = resources.add_parser("requests", help="feedback requests")
    requests_commands = requests.add_subparsers(metavar="COMMAND", required=True)
    create = requests_commands.add_parser("create", help="schedule one request per CSV row")
    create.add_argument("--csv", required=True, metavar="FILE", help="the rows ('-': stdin)")
    create.add_argument(
        "--report", metavar="FILE", help="rejected rows report (default: FILE.report.json)"
    )
    create.add_argument("--dry-run", action="store_true", help="check every row, send nothing")
    create.set_defaults(handler=_create_requests)

    metrics = resources.add_parser("metrics", help="response rate, NPS, CSAT")
    metrics.add_argument("metric", choices=("nps", "csat", "response-rate"))
    metrics.add_argument("--period", choices=DATE_PERIODS, metavar="PERIOD", help="e.g. 30-days")
    metrics.add_argument("--from", dest="from_time", metavar="TIME")
    metrics.add_argument("--to", dest="to_time", metavar="TIME")
    metrics.add_argument("--company-name", metavar="TEXT")
    for name in ("survey", "site", "staff"):
        metrics.add_argument(f"--{name}-id", action="append", default=None, metavar="ID")
    metrics.set_defaults(handler=_metrics)

    sites = resources.add_parser("sites", help="sites")
    sites_commands = sites.add_subparsers(metavar="COMMAND", required=True)
    sites_commands.add_parser("list", help="every site").set_defaults(
        handler=lambda client, args: _print_all(client.sites.list())
    )
    site_create = sites_commands.add_parser("create", help="create a site")
    site_update = sites_commands.add_parser("update", help="change a site")
    site_update.add_argument("id", help="the site's id or site code")
    for command, required in ((site_create, True), (site_update, False)):
        command.add_argument("--site-code", required=required)
        command.add_argument("--name", required=required)
        command.add_argument("--region", required=required)
        command.add_argument("--city")
        command.add_argument("--site-type")
    site_create.set_defaults(handler=_create_site)
    site_update.set_defaults(handler=_update_site)
    # Commands that change data: `--yes` also after the command, where scripts put it.
    for command in (create, site_create, site_update):
        command.add_argument(
            "--yes", action="store_true", default=argparse.SUPPRESS, help=_YES_HELP
        )

    surveys = resources.add_parser("surveys", help="surveys")
    surveys_commands = surveys.add_subparsers(metavar="COMMAND", required=True)
    surveys_commands.add_parser("list", help="every survey").set_defaults(
        handler=lambda client, args: _print_all(client.surveys.list())
    )
    return parser


_YES_HELP = "change data on a host that is not local without asking (for scripts)"


def _create_site(client: Client, args: argparse.Namespace) -> int:
    create_site(_site(args))  # checked before asking: bad input asks nothing
    _before_writing(args, f"create site {args.site_code!r}")
    return _print(client.sites.create(**_site(args)))


def _update_site(client: Client, args: argparse.Namespace) -> int:
    update_site(args.id, _site(args))
    changes = ", ".join(_site(args)) or "nothing"
    _before_writing(args, f"change site {args.id!r} ({changes})")
    return _print(client.sites.update(args.id, **_site(args)))


def _before_creating_requests(args: argparse.Namespace, text: str) -> None:
    """Ask before the rows that pass the local checks become feedback requests
    (each may email a customer) on a host that is not local."""
    action = None
    if not (args.target.local or args.yes):
        checked = schedule_requests(None, text)
        count = checked.rows - len(checked.rejected)
        plural = "s" if count != 1 else ""
        action = f"create {count} feedback request{plural} (from {args.csv!r})" if count else None
    _before_writing(args, action)


def _print(result: Any) -> int:
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0


def _print_all(results: Any) -> int:
    for result in results:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0


def _site(args: argparse.Namespace) -> dict[str, Any]:
    names = ("site_code", "name", "region", "city", "site_type")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _metrics(client: Client, args: argparse.Namespace) -> int:
    filters: dict[str, Any] = {
        name: getattr(args, name)
        for name in ("period", "from_time", "to_time", "company_name")
        if getattr(args, name) is not None
    }
    for name in ("survey", "site", "staff"):
        if getattr(args, f"{name}_id"):
            filters[f"{name}_ids"] = getattr(args, f"{name}_id")
    run = {
        "nps": client.metrics.nps,
        "csat": client.metrics.csat,
        "response-rate": client.metrics.response_rate,
    }[args.metric]
    return _print(run(**filters))


def _export(client: Client, args: argparse.Namespace) -> int:
    filters: dict[str, Any] = {"per_page": 100}
    if args.since:
        filters["created_since"] = args.since
    if args.survey_id:
        filters["survey_ids"] = args.survey_id
    # Everything local is checked before the first request.
    from .endpoints import list_feedback_responses

    list_feedback_responses(filters)
    resumed = Resumed(frozenset(), None, 0)
    if args.append and args.out != "-":
        resumed = _resume(args.out, args.format)
    questions = []
    if args.format == "csv":
        questions = [
            (question.id, question.question or "")
            for survey in client.surveys.list()
            for question in survey.questions or ()
            if question.id is not None
        ]
    if resumed.question_ids is not None:
        # The file's own columns: an answer to a question it has no column
        # for (one added since) goes to other_answers, as any other does.
        texts = dict(questions)
        questions = [(qid, texts.get(qid, "")) for qid in resumed.question_ids]
    show_progress = args.progress
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    progress = Progress(sys.stderr) if show_progress else None
    try:
        if args.out == "-":
            result = export_responses(
                client, sys.stdout, output_format=args.format, filters=filters,
                questions=questions, progress=progress,
            )  # fmt: skip
        else:
            try:
                with open(
                    args.out, "a" if args.append else "w", encoding="utf-8", newline=""
                ) as out:
                    result = export_responses(
                        client, out, output_format=args.format, filters=filters,
                        known_ids=resumed.ids, write_header=resumed.question_ids is None,
                        questions=questions, progress=progress,
                    )  # fmt: skip
            except OSError as error:
                raise BadInput(f"--out: cannot write {args.out!r}: {error.strerror}") from None
    except CellTooLong as error:
        raise BadInput(f"--out: {error}; --format jsonl has no such limit") from None
    resume = (
        f"; next time: --since {result.newest_submitted_at}" if result.newest_submitted_at else ""
    )
    skipped = f", skipped {result.skipped} already in the file" if result.skipped else ""
    print(f"exported {result.written} responses{skipped}{resume}", file=sys.stderr)
    return 0


def _resume(path: str, output_format: str) -> Resumed:
    try:
        resumed = resume_export(path, output_format=output_format)
    except OSError as error:
        raise BadInput(f"--out: cannot resume {path!r}: {error.strerror}") from None
    except ValueError as error:  # not an export this command wrote; nothing changed
        raise BadInput(f"--out: cannot resume {path!r}: {error}") from None
    if resumed.dropped:
        print(
            f"cswidget: {path}: dropped a partial last record of {resumed.dropped} bytes "
            "(an interrupted export); its response is exported again",
            file=sys.stderr,
        )
    return resumed


def _create_requests(client: Client | None, args: argparse.Namespace) -> int:
    try:
        if args.csv == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(args.csv, encoding="utf-8-sig", newline="") as file:
                text = file.read()
    except OSError as error:
        raise BadInput(f"--csv: cannot read {args.csv!r}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise BadInput(f"--csv: {args.csv!r} is not UTF-8 (byte {error.start})") from None
    report_path = Path(
        args.report or (("requests" if args.csv == "-" else args.csv) + ".report.json")
    )
    try:
        if client is not None:
            _before_creating_requests(args, text)
        report = schedule_requests(client, text)
    except ValueError as error:  # no header, a column twice
        raise BadInput(f"--csv: {error}") from None
    try:
        report_path.write_text(
            json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as error:
        raise BadInput(f"--report: cannot write {str(report_path)!r}: {error.strerror}") from None
    verb = "checked" if client is None else "created"
    count = report.rows - len(report.rejected) if client is None else len(report.created)
    print(f"{verb} {count} of {report.rows} feedback requests")
    if report.rejected:
        for item in report.rejected[:10]:
            detail = (
                "; ".join(f"{error['field']}: {error['error']}" for error in item["errors"])
                or item["message"]
            )
            print(f"cswidget: row {item['row']} rejected: {detail}", file=sys.stderr)
        more = f" ({len(report.rejected) - 10} more)" if len(report.rejected) > 10 else ""
        print(
            f"cswidget: {len(report.rejected)} of {report.rows} rows rejected{more}, "
            f"see {report_path}",
            file=sys.stderr,
        )
        return 1
    return 0
