"""tgauth-serve in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by Selenium
opens a site protected by nginx and the gateway, is sent to the login page, logs in through the OpenID Connect
simulator of examples/python (Telegram's provider over HTTPS with a test CA), lands on the protected page with
the user's id, and logs out. Screenshots for a person: build/serve-browser-1-login.png, -2-telegram.png,
-3-protected.png, -4-logged-out.png."""
import os
import subprocess
import sys
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_proxies import (stop, NGINX, backend, free_port, nginx_config, signed_widget, start_gateway,  # noqa: F401 (backend: a fixture)
                          start_widget_login, wait_listening)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
sys.path.insert(0, os.path.join(ROOT, "examples", "python", "tests"))
import oidc_simulator  # noqa: E402
from browser import headless_chromium  # noqa: E402

SCREENSHOTS = os.path.join(ROOT, "build")
CLIENT_ID, CLIENT_SECRET = "7342037359", "serve-browser-secret"


@pytest.fixture
def simulator(tmp_path):
    provider = oidc_simulator.Provider(CLIENT_ID, CLIENT_SECRET, "EdDSA")
    sim = oidc_simulator.Simulator(provider, str(tmp_path)).start()
    yield provider, sim
    sim.stop()


@pytest.fixture
def chromium(simulator, tmp_path):
    _, sim = simulator
    driver = headless_chromium(str(tmp_path / "profile"), sim.spki)
    yield driver
    driver.quit()


def test_a_browser_logs_in_through_nginx_and_the_gateway(tmp_path, backend, simulator, chromium):
    provider, sim = simulator
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "client-secret").write_text(CLIENT_SECRET + "\n")
    gateway, process, log = start_gateway(
        tmp_path, base, "--oidc-client-id", CLIENT_ID, "--oidc-client-secret-file", str(tmp_path / "client-secret"),
        "--oidc-issuer", sim.issuer, "--ca-file", sim.ca_file)  # the widget's script, Telegram's, does not load here
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(tmp_path, port, gateway, backend))
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    try:
        wait_listening(port, nginx)
        wait = WebDriverWait(chromium, 20)
        chromium.get(base + "/reports?q=1")
        button = wait.until(EC.element_to_be_clickable((By.ID, "oidc")))
        assert chromium.current_url.startswith(base + "/tgauth/login?rd=")
        assert chromium.save_screenshot(os.path.join(SCREENSHOTS, "serve-browser-1-login.png"))
        button.click()
        accept = wait.until(EC.element_to_be_clickable((By.ID, "accept")))  # Telegram's (simulated) page
        assert chromium.current_url.startswith(sim.issuer + "/auth?")
        assert chromium.save_screenshot(os.path.join(SCREENSHOTS, "serve-browser-2-telegram.png"))
        accept.click()
        who = wait.until(EC.presence_of_element_located((By.ID, "telegram-id")))
        assert chromium.current_url == base + "/reports?q=1" and who.text == "279058397"
        session = chromium.get_cookie("tgauth")
        assert session and session["httpOnly"] and chromium.get_cookie("tgauth-flow") is None
        assert provider.token_requests == 1
        assert chromium.save_screenshot(os.path.join(SCREENSHOTS, "serve-browser-3-protected.png"))
        # login CSRF: the attacker's own login URL (their state, data signed for their account) opened in the
        # victim's browser is refused: with no flow in this browser, with this browser's own flow, and with fresh
        # state but data 11 minutes old; the victim stays logged in as themself
        attacker_flow, attacker_state = start_widget_login(base)
        attack = f"{base}/tgauth/callback/widget?state={attacker_state}&{signed_widget(666, 'first_name=Mallory')}"
        chromium.get(attack)
        assert "no login was started in this browser" in chromium.page_source
        chromium.get(base + "/tgauth/login?rd=/")  # the victim's own login page: a flow of this browser
        chromium.get(attack)
        assert "a state this browser did not start" in chromium.page_source
        name, value = attacker_flow.split("=", 1)
        chromium.add_cookie({"name": name, "value": value, "path": "/"})
        chromium.get(f"{base}/tgauth/callback/widget?state={attacker_state}&"
                     f"{signed_widget(666, 'first_name=Mallory', auth_date=int(time.time()) - 660)}")
        assert "expired" in chromium.page_source
        assert chromium.get_cookie("tgauth")["value"] == session["value"]
        chromium.get(base + "/reports?q=1")
        assert wait.until(EC.presence_of_element_located((By.ID, "telegram-id"))).text == "279058397"
        chromium.find_element(By.ID, "logout").click()
        wait.until(EC.element_to_be_clickable((By.ID, "oidc")))  # logged out: the login page again
        assert chromium.get_cookie("tgauth") is None
        assert chromium.save_screenshot(os.path.join(SCREENSHOTS, "serve-browser-4-logged-out.png"))
    finally:
        stop(nginx, process)
    text = log.read_text()
    assert "GET /tgauth/callback/oidc 302" in text and CLIENT_SECRET not in text and "code=" not in text
