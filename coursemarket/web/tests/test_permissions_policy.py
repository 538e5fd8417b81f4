"""Permissions-Policy: every response turns off the browser features no page
uses (camera, microphone…), pages, JSON and static files alike; the location
is ours alone (the listing's "Use my position")."""

import pytest

pytestmark = pytest.mark.django_db

DENIED = ("camera=()", "microphone=()", "usb=()", "browsing-topics=()")


def _features(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.mark.parametrize("path", ["/en/", "/healthz", "/static/css/site.css"])
def test_every_kind_of_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 503)  # /healthz is 503 without a worker heartbeat
    header = response["Permissions-Policy"]
    for denied in DENIED:
        assert denied in header
    features = _features(header)
    assert features["payment"].startswith("(self ")  # us and Stripe.js's frames
    assert features["clipboard-write"] == "(self)"  # "Copy" on an invitation link
    assert features["geolocation"] == "(self)"  # "Use my position" on the listing, never a frame


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_applies_the_policy(page):
    page.goto(page.base_url + "/en/")
    allowed = page.evaluate(
        "['camera', 'microphone', 'geolocation', 'payment', 'clipboard-write']"
        ".map(f => [f, document.featurePolicy.allowsFeature(f)])"
    )
    assert dict(allowed) == {
        "camera": False,
        "microphone": False,
        "geolocation": True,
        "payment": True,
        "clipboard-write": True,
    }
