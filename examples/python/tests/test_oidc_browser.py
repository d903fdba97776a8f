"""The redirect flow in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium clicks the site's "Log in with Telegram", accepts on the simulated Telegram page (HTTPS; Chromium
trusts exactly the simulator's certificate, by its key hash), and ends on the site, logged in. The page is
saved for a person to look at: build/oidc-browser-<alg>-1-telegram.png (Telegram's page) and
build/oidc-browser-<alg>-2-logged-in.png (the site after the login)."""
import os
import sys

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(__file__))
from browser import headless_chromium  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCREENSHOTS = os.path.join(ROOT, "build")


@pytest.fixture
def chromium(provider_and_site, tmp_path):
    _, sim, _ = provider_and_site
    driver = headless_chromium(str(tmp_path / "profile"), sim.spki)
    yield driver
    driver.quit()


@pytest.mark.parametrize("provider_and_site", ["ES256K", "RS256"], indirect=True)
def test_a_real_browser_logs_in_through_the_redirect_flow(provider_and_site, chromium):
    provider, sim, site = provider_and_site
    wait = WebDriverWait(chromium, 20)
    chromium.get(site.url + "/")
    chromium.find_element(By.ID, "login").click()
    # Telegram's (simulated) page, over HTTPS
    accept = wait.until(EC.element_to_be_clickable((By.ID, "accept")))
    assert chromium.current_url.startswith(sim.issuer + "/auth?")
    assert "Vladislav K" in chromium.page_source
    os.makedirs(SCREENSHOTS, exist_ok=True)
    assert chromium.save_screenshot(os.path.join(SCREENSHOTS, f"oidc-browser-{provider.alg}-1-telegram.png"))
    accept.click()
    # back on the site, logged in
    who = wait.until(EC.presence_of_element_located((By.ID, "who")))
    assert chromium.current_url == site.url + "/"
    assert "Vladislav K" in who.text and chromium.find_element(By.ID, "telegram-id").text == "279058397"
    session = chromium.get_cookie("session")
    assert session and session["httpOnly"] and chromium.get_cookie("login") is None
    assert provider.token_requests == 1 and provider.jwks_fetches == 1
    assert chromium.save_screenshot(os.path.join(SCREENSHOTS, f"oidc-browser-{provider.alg}-2-logged-in.png"))
