"""Headless Chromium for the browser tests (the OIDC example's and tgauth-serve's): Debian's chromium and
chromium-driver under Selenium, trusting exactly one test certificate, by its key hash."""
import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def headless_chromium(profile: str, spki: str) -> webdriver.Chrome:
    binary, driver_binary = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver_binary, "chromium and chromium-driver are missing (make test installs them)"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    # no host name resolves (a page's https://telegram.org script among them): the tests reach loopback
    # addresses only, by IP
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,700",
                     f"--user-data-dir={profile}", f"--ignore-certificate-errors-spki-list={spki}",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_binary), options=options)
    driver.set_page_load_timeout(30)
    return driver
