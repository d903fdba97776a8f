"""The OpenID Connect code flow under replay: one anonymous flow replayed with 150 junk codes makes exactly one
token request to the provider (the OIDC simulator counts them), and token exchanges in flight are capped at 16,
beyond which the gateway answers 503 at once."""
import threading
import time
import urllib.parse

import pytest

from test_browser import CLIENT_ID, CLIENT_SECRET, simulator  # noqa: F401 (simulator: a fixture)
from test_proxies import request, session_cookie, start_gateway, stop


def oidc_gateway(tmp_path, sim):
    (tmp_path / "client-secret").write_text(CLIENT_SECRET + "\n")
    return start_gateway(tmp_path, "http://127.0.0.1:1", "--oidc-client-id", CLIENT_ID, "--oidc-client-secret-file",
                         str(tmp_path / "client-secret"), "--oidc-issuer", sim.issuer, "--ca-file", sim.ca_file)


def start_flow(base: str):
    """An anonymous GET /tgauth/login/oidc: the flow cookie and the state sent to the provider."""
    status, headers, _ = request(base + "/tgauth/login/oidc?rd=/")
    assert status == 302
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)["state"][0]
    return session_cookie(headers, "tgauth-flow"), state


def test_one_flow_replayed_150_times_makes_one_token_request(tmp_path, simulator):
    provider, sim = simulator
    gateway, process, log = oidc_gateway(tmp_path, sim)
    base = f"http://127.0.0.1:{gateway}"
    try:
        flow, state = start_flow(base)
        statuses = []
        threads = [threading.Thread(target=lambda i=i: statuses.append(
            request(f"{base}/tgauth/callback/oidc?state={state}&code=junk{i}", flow)[0])) for i in range(150)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert provider.token_requests == 1
        assert len(statuses) == 150 and statuses.count(400) == 149 and statuses.count(401) == 1  # the one spent: a junk code
    finally:
        stop(process)
    assert "login refused: its flow was used before" in log.read_text()


def test_token_exchanges_in_flight_are_capped(tmp_path, simulator):
    provider, sim = simulator
    answer = provider.token
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def slow_token(form, authorization):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(1.5)
        with lock:
            in_flight[0] -= 1
        return answer(form, authorization)

    provider.token = slow_token
    gateway, process, _ = oidc_gateway(tmp_path, sim)
    base = f"http://127.0.0.1:{gateway}"
    try:
        flows = [start_flow(base) for _ in range(40)]
        results = []

        def callback(flow, state):
            start = time.monotonic()
            status = request(f"{base}/tgauth/callback/oidc?state={state}&code=junk", flow)[0]
            results.append((status, time.monotonic() - start))

        threads = [threading.Thread(target=callback, args=f) for f in flows]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        refused = [took for status, took in results if status == 503]
        assert most[0] == 16 and provider.token_requests == 16
        assert len(refused) == 24 and max(refused) < 1.0  # at once, not after the slow ones
    finally:
        stop(process)
