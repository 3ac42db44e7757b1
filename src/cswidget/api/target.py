"""Where `cswidget api` sends its requests, and when it asks first.

    target = resolve_target(flag=None, environ={"CUSTOMERSURE_API_URL": "http://127.0.0.1:8010"})
    target.local          # True: a loopback host, and no proxy in between
    target.describe()     # 'http://127.0.0.1:8010 (from CUSTOMERSURE_API_URL, local)'

Each setting comes from, in order: its flag, its environment variable
(`CUSTOMERSURE_API_URL`, `CUSTOMERSURE_USER_AGENT`), the settings file
(`base_url`, `user_agent` in cswidget.toml), then the default (the real API
for the address; none for the user agent). The token comes from
`CUSTOMERSURE_API_TOKEN` only.

A host is *local* when the connection stays on this machine: `localhost`,
a name ending in `.localhost` (RFC 6761 reserves both for loopback), or a
loopback address written canonically (127.0.0.0/8, `[::1]`, an IPv4-mapped
`[::ffff:127.x.y.z]`), and no proxy from the environment (`HTTP_PROXY`,
`HTTPS_PROXY`, `ALL_PROXY`, unless `NO_PROXY` names the host) would carry
the request elsewhere. Everything else is not local, in doubt included:
`0.0.0.0` (an address to listen on, not a destination), `localhost.` with a
trailing dot, `127.1` and other shorthand, `localhost.evil.example`. A
base URL with a user name or password is refused: `http://127.0.0.1@evil.example`
goes to evil.example.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TextIO

import httpx

from ..vocabulary import API_BASE_URL, SANDBOX_TOKEN

__all__ = [
    "API_URL_VARIABLE",
    "TOKEN_VARIABLE",
    "USER_AGENT_VARIABLE",
    "Setting",
    "Target",
    "TargetError",
    "check_token",
    "choose",
    "confirm",
    "is_local_host",
    "resolve_target",
    "token_warning",
]

API_URL_VARIABLE: Final = "CUSTOMERSURE_API_URL"
USER_AGENT_VARIABLE: Final = "CUSTOMERSURE_USER_AGENT"
TOKEN_VARIABLE: Final = "CUSTOMERSURE_API_TOKEN"
DEFAULT_SOURCE: Final = "the default"
_YES: Final = ("y", "yes")


class TargetError(Exception):
    """A target that is refused or not confirmed: one line, exit 2, nothing sent."""


@dataclass(frozen=True)
class Setting:
    """A setting's value and where it came from (`--base-url`, `CUSTOMERSURE_API_URL`, ...)."""

    value: str
    source: str


def choose(
    *,
    flag: str | None,
    flag_name: str,
    variable: str,
    key: str,
    environ: Mapping[str, str],
    settings: Mapping[str, str],
    settings_source: str = "cswidget.toml",
) -> Setting | None:
    """The first of flag, environment variable and settings-file key that is
    set (an empty value counts as unset), or None.

    >>> choose(flag=None, flag_name="--user-agent", variable="CUSTOMERSURE_USER_AGENT",
    ...        key="user_agent", environ={"CUSTOMERSURE_USER_AGENT": "Acme Ltd"}, settings={})
    Setting(value='Acme Ltd', source='CUSTOMERSURE_USER_AGENT')
    """
    if flag:
        return Setting(flag, flag_name)
    if environ.get(variable):
        return Setting(environ[variable], variable)
    if settings.get(key):
        return Setting(settings[key], f"{settings_source}: {key}")
    return None


@dataclass(frozen=True)
class Target:
    """The API address `cswidget api` talks to."""

    url: httpx.URL
    source: str
    local: bool

    @property
    def origin(self) -> str:
        """`scheme://host[:port]`, the host in ASCII (punycode), so a look-alike
        name (`api.customersure.com` with a Cyrillic `a`) shows as what it is:
        `xn--pi-6kc.customersure.com`."""
        host = self.url.raw_host.decode("ascii")
        host = f"[{host}]" if ":" in host else host
        port = f":{self.url.port}" if self.url.port is not None else ""
        return f"{self.url.scheme}://{host}{port}"

    def describe(self) -> str:
        """`http://127.0.0.1:8010 (from CUSTOMERSURE_API_URL, local)`."""
        where = "local" if self.local else "not local"
        return f"{self.origin} ({self.given_by}, {where})"

    @property
    def given_by(self) -> str:
        """`from --base-url`, `from CUSTOMERSURE_API_URL`, ... or `the default`."""
        return self.source if self.source == DEFAULT_SOURCE else f"from {self.source}"


def resolve_target(
    *,
    flag: str | None,
    environ: Mapping[str, str],
    settings: Mapping[str, str] | None = None,
    settings_source: str = "cswidget.toml",
) -> Target:
    """The address from `--base-url`, `CUSTOMERSURE_API_URL`, the settings
    file or the default, checked; raises `TargetError` for an address that
    is not an http(s) URL or that holds a user name or password."""
    chosen = choose(
        flag=flag, flag_name="--base-url", variable=API_URL_VARIABLE, key="base_url",
        environ=environ, settings=settings or {}, settings_source=settings_source,
    )  # fmt: skip
    setting = chosen or Setting(API_BASE_URL, DEFAULT_SOURCE)
    try:
        url = httpx.URL(setting.value)
    except httpx.InvalidURL as error:
        raise TargetError(f"{setting.source}: not a URL: {setting.value!r} ({error})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise TargetError(f"{setting.source}: must be an http(s) URL, not {setting.value!r}")
    if url.userinfo:
        # The host is what follows the `@`: a reader of `http://127.0.0.1@evil.example`
        # sees a loopback address, the connection goes to evil.example.
        raise TargetError(
            f"{setting.source}: must not hold a user name or password (before '@'): "
            f"{setting.value!r} goes to {url.raw_host.decode('ascii')!r}"
        )
    local = is_local_host(url.raw_host.decode("ascii")) and not _proxied(url, environ)
    return Target(url=url, source=setting.source, local=local)


def is_local_host(host: str) -> bool:
    """Whether `host` (as in a URL, IPv6 without brackets) is this machine by
    definition, with no name lookup that could answer otherwise.

    >>> [is_local_host(h) for h in ("localhost", "api.localhost", "127.0.0.2", "::1")]
    [True, True, True, True]
    >>> [is_local_host(h) for h in ("0.0.0.0", "localhost.evil.example", "127.1", "localhost.")]
    [False, False, False, False]
    """
    name = host.lower()
    if name == "localhost" or (name.endswith(".localhost") and name != ".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:  # a name, or an address in a shorthand (127.1, 0x7f.0.0.1)
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _proxied(url: httpx.URL, environ: Mapping[str, str]) -> bool:
    """Whether a proxy from the environment may carry a request to `url`
    (httpx honours HTTP_PROXY, HTTPS_PROXY and ALL_PROXY, in either case).
    In doubt, yes: only an exact NO_PROXY entry for the host, or `*`, says no."""
    variables = {name.lower(): value for name, value in environ.items()}
    if not (variables.get(f"{url.scheme}_proxy") or variables.get("all_proxy")):
        return False
    exempt = {item.strip().lower() for item in variables.get("no_proxy", "").split(",")}
    host = url.raw_host.decode("ascii").lower()
    return not ({"*", host, f"[{host}]"} & exempt)


def check_token(token: str, target: Target) -> None:
    """Refuse the sandbox's well-known token for a host that is not local:
    a real API would refuse it, and it is never a real account's token, so
    the address, not the token, is the mistake."""
    if token == SANDBOX_TOKEN and not target.local:
        raise TargetError(
            f"{TOKEN_VARIABLE} holds the sandbox's default token, and {target.origin} "
            f"({target.given_by}) is not local: set your real token, or point "
            f"--base-url or {API_URL_VARIABLE} at the sandbox (nothing sent)"
        )


def token_warning(token: str, target: Target) -> str | None:
    """A warning line when a token other than the sandbox's goes to a local
    host: it may be a real token, and whatever listens there receives it."""
    if token == SANDBOX_TOKEN or not target.local:
        return None
    return (
        f"cswidget: warning: {TOKEN_VARIABLE} is not the sandbox's default token, and it goes "
        f"to {target.origin}, a local server: if it is your real token, that server has it now"
    )


def confirm(
    action: str, *, target: Target, assume_yes: bool, stdin: TextIO, stderr: TextIO
) -> None:
    """Ask before `action` ("create 3 feedback requests") changes data on a
    host that is not local; `assume_yes` (`--yes`) answers for scripts.
    Raises `TargetError` when there is no terminal to ask on, or the answer
    is not yes."""
    if target.local or assume_yes:
        return
    if not stdin.isatty():
        raise TargetError(
            f"will not {action} on {target.origin}, which is not local, without confirmation: "
            "stdin is not a terminal, so pass --yes (nothing sent)"
        )
    stderr.write(f"cswidget: this will {action} on {target.origin}, which is not local.\n")
    stderr.write("Continue? [y/N] ")
    stderr.flush()
    answer = stdin.readline()
    if answer.strip().lower() not in _YES:
        if not answer.endswith("\n"):
            stderr.write("\n")  # end the prompt's line at end of input
        raise TargetError("not confirmed (nothing sent)")
