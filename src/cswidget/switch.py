"""The off switch: whether a request gets the widget at all.

    decision = widget_enabled(request, enabled=True, internal_ips=["10.0.0.0/8"],
                              client_address="10.1.2.3")
    decision.enabled   # False
    decision.comment   # Markup('<!-- cswidget: widget disabled: internal IP address -->')

One small function for every integration: the Jinja globals and Django tags
render `decision.comment` (and no scripts) when it says no, and middleware
that inserts the widget by itself asks the same question. The client
address is the connection's peer address. `X-Forwarded-For` is read only
when `trusted_proxies` says how many proxies of yours append to it: anyone
can send that header, so by default it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from markupsafe import Markup

from .html import comment

__all__ = [
    "Enabled",
    "SwitchDecision",
    "client_address_from",
    "internal_networks",
    "request_client_address",
    "widget_enabled",
]

# True, False, or a function of the request (for example a feature flag).
Enabled: TypeAlias = "bool | Callable[[Any], bool]"

_Network: TypeAlias = "ipaddress.IPv4Network | ipaddress.IPv6Network"


@dataclass(frozen=True)
class SwitchDecision:
    """Whether the widget renders for one request, and if not, why."""

    enabled: bool
    reason: str = ""

    @property
    def comment(self) -> Markup:
        """What a disabled tag renders instead of the widget."""
        return comment(f"cswidget: widget disabled: {self.reason}")


ON = SwitchDecision(enabled=True)


def internal_networks(addresses: Iterable[str]) -> tuple[_Network, ...]:
    """`addresses` (IPs or networks like "10.0.0.0/8") parsed once.

    Raises ValueError naming the entry that is neither.

    >>> internal_networks(["127.0.0.1", "10.0.0.0/8"])[1].num_addresses
    16777216
    """
    if isinstance(addresses, str):
        addresses = (addresses,)
    networks = []
    for address in addresses:
        try:
            networks.append(ipaddress.ip_network(str(address), strict=False))
        except ValueError as error:
            raise ValueError(
                f"INTERNAL_IPS: {str(address)[:100]!r} is not an IP address or network"
            ) from error
    return tuple(networks)


def client_address_from(
    peer: str | None, *, forwarded_for: str | None = None, trusted_proxies: int = 0
) -> str | None:
    """The client's address: `peer` (the connection's), or with
    `trusted_proxies=N` the entry of `X-Forwarded-For` that your N-th proxy
    from the end appended (what that proxy saw).

    >>> client_address_from("10.0.0.2", forwarded_for="6.6.6.6, 203.0.113.9", trusted_proxies=1)
    '203.0.113.9'
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        # Fewer entries than proxies: the request did not come through them.
        return peer
    return hops[-trusted_proxies]


def _header(headers: Any, name: str) -> str | None:
    get = getattr(headers, "get", None)
    value = get(name) if callable(get) else None
    return value if isinstance(value, str) else None


def request_client_address(request: object, *, trusted_proxies: int = 0) -> str | None:
    """The client address of a Django, Flask or Starlette request, or of an
    ASGI scope, through `client_address_from()`.

    >>> request_client_address({"type": "http", "client": ("127.0.0.1", 5000), "headers": []})
    '127.0.0.1'
    """
    peer: str | None = None
    forwarded: str | None = None
    meta = getattr(request, "META", None)
    if isinstance(request, Mapping):  # an ASGI scope
        client = request.get("client")
        peer = str(client[0]) if client else None
        for name, value in request.get("headers") or ():
            if name.lower() == b"x-forwarded-for":
                forwarded = value.decode("latin-1")
    elif isinstance(meta, Mapping):  # Django
        peer = meta.get("REMOTE_ADDR")
        forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    else:
        client = getattr(request, "client", None)  # Starlette
        host = getattr(client, "host", None) if client is not None else None
        peer = host if isinstance(host, str) else getattr(request, "remote_addr", None)  # Flask
        forwarded = _header(getattr(request, "headers", None), "X-Forwarded-For")
    return client_address_from(peer, forwarded_for=forwarded, trusted_proxies=trusted_proxies)


def _is_internal(address: str | None, networks: tuple[_Network, ...]) -> bool:
    if address is None or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in network for network in networks)


def widget_enabled(
    request: object,
    *,
    enabled: Enabled = True,
    internal_ips: Iterable[str] | tuple[_Network, ...] = (),
    client_address: str | None = None,
) -> SwitchDecision:
    """Whether `request` gets the widget: `enabled` (a bool, or a function
    called with `request`) and the client address not in `internal_ips`.

    >>> widget_enabled(None, enabled=False).reason
    'ENABLED is off'
    """
    on = enabled(request) if callable(enabled) else enabled
    if not on:
        return SwitchDecision(enabled=False, reason="ENABLED is off")
    networks = tuple(
        entry
        if isinstance(entry, ipaddress.IPv4Network | ipaddress.IPv6Network)
        else internal_networks([entry])[0]
        for entry in internal_ips
    )
    if _is_internal(client_address, networks):
        return SwitchDecision(enabled=False, reason="internal IP address")
    return ON
