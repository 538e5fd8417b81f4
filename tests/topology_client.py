"""One student of the topology test's booking race, as its own process:

    python -m tests.topology_client <site> <stripe> <email> <password> <session> <free|card>

signs in through the site (nginx, HTTPS) and books one seat after another,
the way the browser does, until the session is full; a step that fails
because an app process died (502, a dropped connection) is sent again with
the same request key or pay key, as a browser's retry would be. Prints one
JSON line: the references confirmed and the retries made."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid

import requests

CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"}
PAY_KEY = re.compile(r'name="pay_key" value="([0-9a-f]+)"')
RETRYABLE = {502, 503, 504}


class Student:
    def __init__(self, site: str, stripe: str, email: str, password: str) -> None:
        self.site, self.stripe, self.email, self.password = site, stripe, email, password
        self.http = requests.Session()
        self.http.verify = os.environ.get("TOPOLOGY_CA", True)  # the test's self-signed certificate
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would replace it
        self.retries = 0

    def csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def send(self, method: str, path: str, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        """One request, sent again (at most 10 times) while no app process could answer it."""
        for _attempt in range(10):
            try:
                response = self.http.request(method, self.site + path, timeout=30, allow_redirects=False, **kwargs)
            except requests.ConnectionError:
                response = None
            if response is not None and response.status_code not in RETRYABLE:
                return response
            self.retries += 1
            time.sleep(0.3)
        raise RuntimeError(f"{method} {path}: no answer after 10 tries")

    def headers(self, referer: str, **extra: str) -> dict[str, str]:
        return {"Origin": self.site, "Referer": self.site + referer, "X-CSRFToken": self.csrf(), **extra}

    def sign_in(self) -> None:
        url = "/en/account/login/"
        self.send("GET", url)
        data = {"login": self.email, "password": self.password, "csrfmiddlewaretoken": self.csrf()}
        response = self.send("POST", url, data=data, headers=self.headers(url))
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {self.email}: HTTP {response.status_code}")

    def book(self, session_id: int, kind: str) -> str | None:
        """One seat, end to end: its reference's checkout URL, or None when the session is full."""
        url = f"/en/book/{session_id}/"
        data = {"seats": "1", "request_key": uuid.uuid4().hex, "csrfmiddlewaretoken": self.csrf()}
        response = self.send("POST", url, data=data, headers=self.headers(url))
        if response.status_code == 400 and "seats are left" in response.text:
            return None
        if response.status_code != 302:
            raise RuntimeError(f"book: HTTP {response.status_code}")
        checkout = response.headers["Location"]
        page = self.send("GET", checkout)
        found = PAY_KEY.search(page.text)
        if page.status_code != 200 or not found:
            raise RuntimeError(f"checkout page: HTTP {page.status_code}")
        form = {"pay_key": found.group(1), "terms": "on", "csrfmiddlewaretoken": self.csrf()}
        headers = self.headers(checkout)
        if kind == "card":
            card = {f"card[{k}]": v for k, v in CARD.items()}
            card.update(key="pk_test_coursemarket_localstripe", payment_user_agent="localstripe")
            token = requests.post(f"{self.stripe}/v1/tokens", data=card, timeout=30).json()
            form.update(provider="stripe", payment_method=token["card"]["id"])
            headers["Accept"] = "application/json"
        else:
            form["provider"] = "free"
        response = self.send("POST", checkout + "pay/", data=form, headers=headers)
        if kind == "card":
            target = response.json().get("redirect", "") if response.status_code == 200 else ""
        else:
            target = response.headers.get("Location", "") if response.status_code == 302 else ""
        if "/confirmation/" not in target:
            raise RuntimeError(f"pay: HTTP {response.status_code} -> {target or 'no redirect'}")
        if self.send("GET", target).status_code != 200:
            raise RuntimeError("confirmation page")
        return checkout


def main() -> None:
    site, stripe, email, password, session, kind = sys.argv[1:7]
    student = Student(site, stripe, email, password)
    student.sign_in()
    confirmed, errors = [], []
    while len(errors) < 5:
        try:
            checkout = student.book(int(session), kind)
        except (RuntimeError, requests.RequestException, ValueError) as error:
            errors.append(str(error))
            continue
        if checkout is None:
            break
        confirmed.append(checkout)
    print(json.dumps({"confirmed": confirmed, "retries": student.retries, "errors": errors}))


if __name__ == "__main__":
    main()
