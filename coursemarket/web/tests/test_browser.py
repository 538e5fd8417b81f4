"""A person's walk: home page → language switch → a missing page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_home_language_switch_and_404(page):
    page.goto(page.base_url + "/")
    assert page.url.endswith("/en/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").is_visible()

    # The switcher submits itself on change (site.js); without JS a button does.
    switcher = page.locator("#language-select")
    switcher.scroll_into_view_if_needed()
    with page.expect_navigation():
        switcher.select_option("ar")
    assert page.url.endswith("/ar/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Mirrored layout: the brand sits at the right edge in right-to-left.
    brand = page.locator(".site-header .brand").bounding_box()
    viewport = page.viewport_size
    assert brand["x"] > viewport["width"] / 2
    # Nothing overflows sideways on any viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    response = page.goto(page.base_url + "/ar/no-such-page/")
    assert response.status == 404
    assert page.locator(".error-code").is_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name=page.locator(".error-page a.btn").inner_text()).click()
    assert page.url.endswith("/ar/")
    assert page.js_errors == []
