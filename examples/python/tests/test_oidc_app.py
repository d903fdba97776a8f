"""oidc_app.py against the local Telegram OIDC simulator over HTTPS (a test CA made for each simulator): the
redirect flow for each algorithm, the id_token endpoint of telegram-login.js, a key rotation, a wrong state, a
replayed code, the provider going down, and what the logs hold."""
import json
import logging
import os
import re
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import oidc_simulator  # noqa: E402
import tgauth  # noqa: E402
from oidc_demo import CLIENT_ID, CLIENT_SECRET, Browser, Site, log_in  # noqa: E402
from tgauth.oidc import TelegramOIDC  # noqa: E402

# the provider_and_site fixture is in conftest.py


def logged_in_user(browser: Browser, site: Site):
    status, _, body = browser.request(site.url + "/me")
    return json.loads(body) if status == 200 else None


@pytest.mark.parametrize("provider_and_site", oidc_simulator.ALGORITHMS, indirect=True)
def test_the_redirect_flow_logs_in_with_each_algorithm(provider_and_site):
    provider, sim, site = provider_and_site
    browser, status, url, page = log_in(site, sim.ca_file)
    assert status == 200 and url == site.url + "/" and "Logged in as <b>Vladislav K</b>" in page
    hops = [(s, u.split("?")[0]) for s, u in browser.hops]
    assert hops == [(302, site.url + "/login"), (200, sim.issuer + "/auth"), (302, sim.issuer + "/auth"),
                    (302, site.url + "/callback"), (200, site.url + "/")]
    user = logged_in_user(browser, site)
    assert user["id"] == 279058397 and user["username"] == "vdkfrost" and user["sub"].startswith("sim-")
    assert provider.jwks_fetches == 1 and provider.token_requests == 1
    # the authorization request carried state, nonce and an S256 challenge, never the verifier
    auth_url = next(u for s, u in browser.hops if u.startswith(sim.issuer + "/auth?"))
    for name in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256", "scope=openid%20profile"):
        assert name in auth_url
    assert "code_verifier" not in auth_url


def test_a_second_login_uses_the_cached_keys(provider_and_site):
    provider, sim, site = provider_and_site
    for _ in range(3):
        assert log_in(site, sim.ca_file)[1] == 200
    assert provider.jwks_fetches == 1 and provider.token_requests == 3


def test_a_wrong_state_is_refused_and_ends_the_login(provider_and_site):
    provider, sim, site = provider_and_site
    browser = Browser(sim.ca_file)
    status, url, page = browser.follow(site.url + "/login")
    form = page
    # the user accepts, but the callback comes back with another state (a forged or crossed callback)
    status, headers, _ = browser.request(sim.issuer + "/auth", *_form_of(form))
    callback = headers["Location"]
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    status, _, body = browser.request(forged)
    assert status == 400 and "state" in body
    assert provider.token_requests == 0  # the code was never exchanged
    # and the login is over: the real callback no longer works in this browser either
    assert browser.request(callback)[0] == 400
    assert logged_in_user(browser, site) is None


def _form_of(page: str):
    from oidc_demo import _Form
    from urllib.parse import urlencode

    form = _Form()
    form.feed(page)
    return urlencode(form.fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def approved_callback(site: Site, sim):
    """A login accepted at the provider, its callback not yet followed: (browser, callback URL)."""
    browser = Browser(sim.ca_file)
    _, _, page = browser.follow(site.url + "/login")
    _, headers, _ = browser.request(sim.issuer + "/auth", *_form_of(page))
    return browser, headers["Location"]


def test_a_replayed_code_is_refused(provider_and_site):
    provider, sim, site = provider_and_site
    browser = Browser(sim.ca_file)
    _, _, page = browser.follow(site.url + "/login")
    _, headers, _ = browser.request(sim.issuer + "/auth", *_form_of(page))
    callback = headers["Location"]
    assert browser.follow(callback)[0] == 200 and logged_in_user(browser, site) is not None
    # replayed in the same browser: the login it belonged to is used up
    assert browser.request(callback)[0] == 400
    # replayed by an attacker who also holds a login of their own: the site exchanges it, Telegram refuses
    attacker = Browser(sim.ca_file)
    _, _, page = attacker.follow(site.url + "/login")
    _, headers, _ = attacker.request(sim.issuer + "/auth", *_form_of(page))
    own_state = re.search(r"state=([^&]+)", headers["Location"]).group(1)
    stolen_code = re.search(r"code=([^&]+)", callback).group(1)
    status, _, body = attacker.request(f"{site.url}/callback?code={stolen_code}&state={own_state}")
    assert status == 401 and "could not be verified" in body and logged_in_user(attacker, site) is None
    assert provider.token_requests == 2


def test_the_exchange_itself_refuses_a_replayed_code_and_a_wrong_verifier(provider_and_site):
    provider, sim, site = provider_and_site
    client = TelegramOIDC(CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=site.url + "/callback", issuer=sim.issuer,
                          ca_file=sim.ca_file)
    start = client.authorization_request(["openid", "profile", "phone"])
    from urllib.parse import parse_qs, urlsplit

    q = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    code = provider.approve(q)
    token = client.exchange(code, start.code_verifier, expected_nonce=start.nonce)
    assert token.id == 279058397 and token.phone_number == "+15555550123" and token.nonce == start.nonce
    with pytest.raises(tgauth.OAuthError, match="invalid_grant") as e:
        client.exchange(code, start.code_verifier, expected_nonce=start.nonce)
    assert code not in str(e.value) and start.code_verifier not in str(e.value)
    other = provider.approve(q)
    with pytest.raises(tgauth.OAuthError, match="PKCE"):
        client.exchange(other, "w" * 43, expected_nonce=start.nonce)
    with pytest.raises(tgauth.BadClaimError, match="nonce"):
        client.exchange(provider.approve(q), start.code_verifier, expected_nonce="another-nonce")
    wrong_secret = TelegramOIDC(CLIENT_ID, client_secret="not-the-secret", redirect_uri=site.url + "/callback",
                                issuer=sim.issuer, ca_file=sim.ca_file)
    with pytest.raises(tgauth.OAuthError, match="invalid_client") as e:
        wrong_secret.exchange(provider.approve(q), start.code_verifier)
    assert "not-the-secret" not in str(e.value)


def test_telegram_login_js_hands_over_an_id_token(provider_and_site):
    provider, sim, site = provider_and_site
    browser = Browser(sim.ca_file)
    status, _, body = browser.request(site.url + "/login/nonce")
    nonce = json.loads(body)["nonce"]
    # what telegram-login.js would receive from Telegram and hand to the page
    token = provider.id_token(nonce)
    status, _, body = browser.request(site.url + "/auth/id-token", json.dumps({"id_token": token}).encode(),
                                      {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 200 and json.loads(body)["id"] == 279058397
    assert logged_in_user(browser, site)["name"] == "Vladislav K"
    # another nonce (a token from someone else's login), a token for another bot, a forged signature
    for bad, kind in ((provider.id_token("someone-elses"), "bad_claim"), (provider.id_token(None, aud="1"), "bad_claim")):
        other = Browser(sim.ca_file)
        other.request(site.url + "/login/nonce")
        status, _, body = other.request(site.url + "/auth/id-token", json.dumps({"id_token": bad}).encode(),
                                        {"Content-Type": "application/json", "Accept": "application/json"})
        assert status == 401 and json.loads(body)["error"] == kind
    other = Browser(sim.ca_file)
    nonce = json.loads(other.request(site.url + "/login/nonce")[2])["nonce"]
    forged = provider.id_token(nonce)[:-4] + "AAAA"
    status, _, body = other.request(site.url + "/auth/id-token", json.dumps({"id_token": forged}).encode(),
                                    {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 401 and json.loads(body)["error"] in ("bad_signature", "malformed")


def test_a_key_rotation_is_picked_up_by_the_unknown_kid(provider_and_site):
    provider, sim, site = provider_and_site
    assert log_in(site, sim.ca_file)[1] == 200
    old = provider.keys[provider.alg][0]
    new = provider.rotate()
    assert new != old
    browser, status, _, page = log_in(site, sim.ca_file)
    assert status == 200 and "Logged in as" in page
    assert provider.jwks_fetches == 2  # fetched again once, for the unknown kid; within its max-age otherwise
    # a second rotation within the minute: no third fetch, and the token's kid stays unknown
    provider.rotate()
    browser = Browser(sim.ca_file)
    nonce = json.loads(browser.request(site.url + "/login/nonce")[2])["nonce"]
    status, _, body = browser.request(site.url + "/auth/id-token", json.dumps({"id_token": provider.id_token(nonce)}).encode(),
                                      {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 401 and json.loads(body)["error"] == "unknown_key" and provider.jwks_fetches == 2


def test_the_provider_going_down(provider_and_site):
    provider, sim, site = provider_and_site
    assert log_in(site, sim.ca_file)[1] == 200  # the keys are fetched and cached
    browser = Browser(sim.ca_file)
    nonce = json.loads(browser.request(site.url + "/login/nonce")[2])["nonce"]
    token = provider.id_token(nonce)
    waiting, callback = approved_callback(site, sim)
    sim.stop()
    # the cached keys still verify a token signed before the provider went away
    status, _, body = browser.request(site.url + "/auth/id-token", json.dumps({"id_token": token}).encode(),
                                      {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 200 and json.loads(body)["id"] == 279058397
    # a login whose code must still be exchanged fails cleanly
    status, _, body = waiting.request(callback)
    assert status == 502 and "could not be reached" in body and logged_in_user(waiting, site) is None
    client = TelegramOIDC(CLIENT_ID, issuer=sim.issuer, ca_file=sim.ca_file, timeout=2)
    with pytest.raises(tgauth.NetworkError, match="127.0.0.1"):
        client.verify_id_token(token)  # a new client, no keys yet, nothing to fetch them from


def test_tls_is_verified(provider_and_site, tmp_path, monkeypatch):
    provider, sim, site = provider_and_site
    token = provider.id_token()
    # without the test CA, the simulator's certificate is not trusted
    client = TelegramOIDC(CLIENT_ID, issuer=sim.issuer, timeout=5)
    with pytest.raises(tgauth.NetworkError, match="(?i)certificate|SSL"):
        client.verify_id_token(token)
    # another CA's file does not help either
    (tmp_path / "other").mkdir()
    other = oidc_simulator.Simulator(oidc_simulator.Provider(CLIENT_ID, CLIENT_SECRET), str(tmp_path / "other"))
    other.server_close()
    client = TelegramOIDC(CLIENT_ID, issuer=sim.issuer, ca_file=other.ca_file, timeout=5)
    with pytest.raises(tgauth.NetworkError):
        client.verify_id_token(token)
    client = TelegramOIDC(CLIENT_ID, issuer=sim.issuer, ca_file=sim.ca_file)
    assert client.verify_id_token(token).id == 279058397
    # without ca_file, $SSL_CERT_FILE names the bundle (as for OpenSSL), before the distribution's own
    monkeypatch.setenv("SSL_CERT_FILE", sim.ca_file)
    assert TelegramOIDC(CLIENT_ID, issuer=sim.issuer).verify_id_token(token).id == 279058397


def test_no_secret_reaches_the_logs(provider_and_site, caplog):
    provider, sim, site = provider_and_site
    caplog.set_level(logging.DEBUG)
    browser, status, _, _ = log_in(site, sim.ca_file)
    assert status == 200
    waiting, callback = approved_callback(site, sim)
    sim.stop()
    assert waiting.request(callback)[0] == 502  # Telegram is down: logged as a warning
    text = caplog.text
    assert "unreachable" in text
    codes = [u for _, u in browser.hops if "code=" in u]
    assert codes and re.search(r"code=([^&]+)", codes[0]).group(1) not in text
    assert CLIENT_SECRET not in text


def test_the_cli_fetches_the_key_set_over_https(provider_and_site):
    import subprocess

    provider, sim, site = provider_and_site
    cli = os.environ.get("TGAUTH_CLI") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "build", "bin", "tgauth")
    base = [cli, "verify", "id-token", "--client-id", CLIENT_ID, "--jwks-url", sim.issuer + "/.well-known/jwks.json",
            "--issuer", sim.issuer]
    run = subprocess.run(base + ["--ca-file", sim.ca_file, provider.id_token(nonce="n-1")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["id"] == 279058397 and provider.jwks_fetches == 1
    # without the CA the certificate is refused, and the exit status says the input was not accepted
    run = subprocess.run(base + [provider.id_token()], capture_output=True, text=True)
    assert run.returncode != 0 and "network" in run.stderr
    # the issuer is checked: Telegram's is not the simulator's
    run = subprocess.run(base[:-2] + ["--ca-file", sim.ca_file, provider.id_token()], capture_output=True, text=True)
    assert run.returncode != 0 and "bad_claim" in run.stderr and "iss" in run.stderr


def test_threads_verifying_before_any_key_set_share_one_fetch(provider_and_site):
    """The first fetch is single-flight: 16 threads verifying at once against a slow provider make one GET, and
    every one of them verifies with what it brought."""
    import threading

    provider, sim, _ = provider_and_site
    provider.jwks_delay = 0.5
    client = TelegramOIDC(CLIENT_ID, issuer=sim.issuer, ca_file=sim.ca_file)
    token = provider.id_token()
    start, results = threading.Barrier(16), []

    def verify() -> None:
        start.wait()
        results.append(client.verify_id_token(token).id)

    threads = [threading.Thread(target=verify) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [279058397] * 16 and provider.jwks_fetches == 1


def test_urls_with_credentials_are_refused_and_never_printed(provider_and_site):
    import subprocess

    provider, sim, _ = provider_and_site
    host = sim.issuer.split("://", 1)[1]
    with pytest.raises(ValueError) as caught:
        TelegramOIDC(CLIENT_ID, issuer=f"https://bot:hunter2@{host}", ca_file=sim.ca_file)
    assert "hunter2" not in str(caught.value) and "credentials" in str(caught.value)
    cli = os.environ.get("TGAUTH_CLI") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "build", "bin", "tgauth")
    base = [cli, "verify", "id-token", "--client-id", CLIENT_ID, "--ca-file", sim.ca_file]
    run = subprocess.run(base + ["--issuer", sim.issuer, "--jwks-url", f"https://bot:hunter2@{host}/.well-known/jwks.json",
                                 provider.id_token()], capture_output=True, text=True)
    assert run.returncode == 2 and "credentials" in run.stderr and "hunter2" not in run.stderr
    # a failed fetch names the URL without its query
    run = subprocess.run(base + ["--issuer", sim.issuer, "--jwks-url", sim.issuer + "/missing?key=hunter2", provider.id_token()],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "network" in run.stderr and "/missing" in run.stderr and "hunter2" not in run.stderr
    assert provider.jwks_fetches == 0
    run = subprocess.run(base + ["--issuer", f"https://bot:hunter2@{host}", "--jwks-url", sim.issuer + "/.well-known/jwks.json",
                                 provider.id_token()], capture_output=True, text=True)
    assert run.returncode == 2 and "credentials" in run.stderr and "hunter2" not in run.stderr


def test_an_id_token_that_is_not_utf8_is_a_401(provider_and_site):
    """A lone surrogate (what a JSON "\\ud800" decodes to) is malformed data, not a server error."""
    _, sim, site = provider_and_site
    browser = Browser(sim.ca_file)
    browser.request(site.url + "/login/nonce")
    status, _, body = browser.request(site.url + "/auth/id-token", b'{"id_token":"a.\\ud800.c"}',
                                      {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 401 and json.loads(body)["error"] == "malformed"


def test_one_address_starting_logins_is_limited(provider_and_site):
    import oidc_app

    _, sim, site = provider_and_site
    browser = Browser(sim.ca_file)
    answers = [browser.request(site.url + "/login/nonce", headers={"Accept": "application/json"}) for _ in range(oidc_app.STARTS_PER_MINUTE + 1)]
    assert [a[0] for a in answers] == [200] * oidc_app.STARTS_PER_MINUTE + [429]
    assert answers[-1][1]["Retry-After"] == "3" and json.loads(answers[-1][2])["error"] == "too_many_logins"


def test_pending_logins_are_bounded():
    """30,000 logins started from as many addresses: at most MAX_PENDING are kept (the oldest go first), and the
    addresses' table is bounded the same way. Each insert is O(1); the time per call is printed, not asserted."""
    import oidc_app

    store = oidc_app.Store()
    started = time.monotonic()
    keys = [store.put_pending(oidc_app.PendingLogin(None, "n", None, time.monotonic()), f"10.0.{i // 256}.{i % 256}")
            for i in range(30_000)]
    per_call = (time.monotonic() - started) / 30_000 * 1e6
    print(f"\n30,000 pending logins started: {len(store.pending)} kept, {per_call:.1f} us per start")
    assert all(keys) and len(store.pending) == oidc_app.MAX_PENDING and len(store.starts) == oidc_app.MAX_PENDING
    assert store.take_pending(keys[0]) is None and store.take_pending(keys[-1]) is not None  # the oldest went
    # expired logins leave from the front as new ones come
    store = oidc_app.Store()
    store.put_pending(oidc_app.PendingLogin(None, "old", None, time.monotonic() - oidc_app.LOGIN_TTL - 1), "a")
    store.put_pending(oidc_app.PendingLogin(None, "new", None, time.monotonic()), "b")
    assert [p.nonce for p in store.pending.values()] == ["new"]
