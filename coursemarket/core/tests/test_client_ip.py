"""The client's address: the socket's peer unless it is one of our proxies,
then the right-most forwarded hop that is not one of ours."""

from django.test import RequestFactory

from coursemarket.core.checks import trusted_proxies
from coursemarket.core.clientip import client_ip
from coursemarket.core.context import current_request_context
from coursemarket.core.middleware import RequestContextMiddleware


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/en/", **extra)


def test_without_trusted_proxies_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"
    assert client_ip(_request("2001:db8::7", "1.2.3.4")) == "2001:db8::7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # The client wrote "6.6.6.6"; our proxy appended the address it saw.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 198.51.100.9")) == "198.51.100.9"
    assert client_ip(_request("127.0.0.1", "198.51.100.9")) == "198.51.100.9"
    # Through the proxy without a header: the proxy is all we know.
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


def test_a_request_that_bypasses_the_proxy_is_read_from_the_socket(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("203.0.113.7", "6.6.6.6")) == "203.0.113.7"


def test_two_proxies_outermost_first(settings):
    settings.TRUSTED_PROXIES = ["192.0.2.0/24", "10.0.0.1"]  # a CDN's network, then our nginx
    assert client_ip(_request("10.0.0.1", "6.6.6.6, 198.51.100.9, 192.0.2.44")) == "198.51.100.9"
    # Straight to nginx, past the CDN: the hop nginx saw is the client.
    assert client_ip(_request("10.0.0.1", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_the_request_context_audit_entries_read_uses_the_same_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def view(request):
        seen["ip"] = current_request_context().ip
        return None

    RequestContextMiddleware(view)(_request("127.0.0.1", "6.6.6.6, 198.51.100.9"))
    assert seen["ip"] == "198.51.100.9"


def test_a_malformed_trusted_proxy_list_fails_the_system_check(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "not-an-address"]
    assert [error.id for error in trusted_proxies()] == ["core.E003"]
    settings.TRUSTED_PROXIES = ["10.0.0.1", "192.0.2.0/24", "10.1."]
    assert trusted_proxies() == []
