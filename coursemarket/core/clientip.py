"""The client's address, as audit entries, rate limits and known devices see it.

Without trusted proxies (``settings.TRUSTED_PROXIES`` empty, the default) it is
the socket's peer: an ``X-Forwarded-For`` header is the client's own word and
is ignored. Behind proxies, list them, outermost first (the last is the one
that connects to us); each entry is an address, a network (``10.0.0.0/8``) or
a prefix, as django-ipware reads them. A request whose peer is our proxy is
read from the right of ``X-Forwarded-For``: the first hop that is not one of
our proxies is the client, so whatever the client wrote further left is never
believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


def _forwarded_chain(request: HttpRequest) -> HttpRequest:
    """What ipware reads: the forwarded hops with the socket's peer as the last."""
    hops = [request.META.get(FORWARDED_HEADER, ""), request.META.get("REMOTE_ADDR", "")]
    chain = HttpRequest()
    chain.META = {FORWARDED_HEADER: ", ".join(hop for hop in hops if hop)}
    return chain


def client_ip(request: HttpRequest) -> str | None:
    proxies = list(settings.TRUSTED_PROXIES)
    if proxies:
        chain = _forwarded_chain(request)
        # The longest run of our proxies at the right end of the chain (ipware
        # matches them hop by hop); the hop before it is the client.
        for start in range(len(proxies)):
            trusted = proxies[start:]
            ip, _routable = get_client_ip(
                chain, proxy_trusted_ips=trusted, request_header_order=(FORWARDED_HEADER,), strict=False
            )
            if ip:
                return ip
    ip, _routable = get_client_ip(request, request_header_order=("REMOTE_ADDR",))
    return ip


def _matches(address: str, entry: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return address.startswith(entry)  # a prefix, as ipware reads them ("10.0.")


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the socket's peer is one of ``settings.TRUSTED_PROXIES``: only
    then are the headers a proxy sets (X-Forwarded-For, X-Forwarded-Proto) its word."""
    peer = request.META.get("REMOTE_ADDR", "")
    return bool(peer) and any(_matches(peer, entry) for entry in settings.TRUSTED_PROXIES)


def check_trusted_proxies(proxies: list[str]) -> str | None:
    """Why ``proxies`` is not a valid TRUSTED_PROXIES list, or None."""
    try:
        get_client_ip(HttpRequest(), proxy_trusted_ips=proxies, request_header_order=("REMOTE_ADDR",))
    except ValueError as exc:
        return str(exc)
    return None
