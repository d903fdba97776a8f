"""Log In With Telegram over OpenID Connect, run locally: oidc_simulator.py plays oauth.telegram.org over HTTPS
(a test CA made now), oidc_app.py is the site, and this script plays the browser through the redirect flow,
once for each of the four signing algorithms.

  python oidc_demo.py
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import ssl
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode, urljoin

from werkzeug.serving import WSGIRequestHandler, make_server

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oidc_app  # noqa: E402
import oidc_simulator  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "7342037359", "demo-client-secret-" + "x" * 16


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Form(HTMLParser):
    """The first form of a page: its action and its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: Optional[str] = None
        self.fields: Dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


class Browser:
    """Just enough of a browser: cookies, redirects followed one by one (each hop recorded), HTTPS trusting
    `ca_file`, and submitting a page's form."""

    def __init__(self, ca_file: str) -> None:
        self.cookies = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=ca_file)
        self.opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(self.cookies),
                                                  urllib.request.HTTPSHandler(context=context))
        self.hops: List[Tuple[int, str]] = []

    def request(self, url: str, data: Optional[bytes] = None, headers: Optional[Dict[str, Any]] = None) -> Tuple[int, Dict[str, str], str]:
        r = urllib.request.Request(url, data=data, headers={"Accept": "text/html", **(headers or {})})
        try:
            with self.opener.open(r, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def follow(self, url: str, data: Optional[bytes] = None, headers: Optional[Dict[str, Any]] = None) -> Tuple[int, str, str]:
        """Requests `url`, then follows redirects; returns (status, final URL, body)."""
        for _ in range(10):
            status, h, body = self.request(url, data, headers)
            self.hops.append((status, url))
            if status not in (301, 302, 303, 307) or "Location" not in h:
                return status, url, body
            url, data, headers = urljoin(url, h["Location"]), None, None
        raise RuntimeError("too many redirects")

    def submit(self, page_url: str, page: str) -> Tuple[int, str, str]:
        form = _Form()
        form.feed(page)
        if form.action is None:
            raise RuntimeError("the page has no form")
        return self.follow(urljoin(page_url, form.action), urlencode(form.fields).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # request lines carry the one-time code
        pass


class Site:
    """oidc_app on a free loopback port, served from a thread, for one simulator."""

    def __init__(self, sim: oidc_simulator.Simulator) -> None:
        # the redirect URI names the port, so the app is made for a bound socket's port
        self.server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app = oidc_app.create_app(CLIENT_ID, CLIENT_SECRET, self.url, issuer=sim.issuer, ca_file=sim.ca_file)
        self.server.app = self.app
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def log_in(site: Site, ca_file: str) -> Tuple[Browser, int, str, str]:
    """The redirect flow: the site's button, Telegram's page, Accept, back to the site. Returns the browser and
    the last (status, URL, body)."""
    browser = Browser(ca_file)
    status, url, page = browser.follow(site.url + "/login")
    if status != 200:
        return browser, status, url, page
    return (browser, *browser.submit(url, page))


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        for alg in oidc_simulator.ALGORITHMS:
            provider = oidc_simulator.Provider(CLIENT_ID, CLIENT_SECRET, alg)
            sim = oidc_simulator.Simulator(provider, directory).start()
            site = Site(sim)
            try:
                browser, status, url, page = log_in(site, sim.ca_file)
                who = re.search(r"Logged in as <b>(.*?)</b>", page)
                print(f"{alg:6}: " + " -> ".join(f"{s} {u.split('?')[0]}" for s, u in browser.hops))
                if status != 200 or who is None:
                    raise SystemExit(f"{alg}: the login did not end logged in ({status} at {url})")
                print(f"        logged in as {who.group(1)}; the site verified an {alg} id_token from "
                      f"{sim.issuer} (TLS checked against the test CA)")
            finally:
                site.stop()
                sim.stop()


if __name__ == "__main__":
    main()
