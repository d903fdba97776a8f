"""Runs login_server.py as real processes (in memory, and three instances sharing a real redis-server)
and drives them as the app and as Telegram would."""
import asyncio
import json
import os
import secrets
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import telegram_simulator  # noqa: E402
from deeplink_demo import USER, Server, local_redis, wait_on_websocket  # noqa: E402

SECRET = secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def server():
    s = Server(SECRET)
    yield s
    output = s.stop()
    assert SECRET not in output


def webhook(server):
    return server.url + "/telegram/webhook"


def test_websocket_push_after_confirmation(server):
    login = server.start("Pixel 8")
    token = telegram_simulator.token_from_link(login["tg_link"])
    assert login["poll_secret"] not in login["tg_link"] and token in login["https_link"]
    assert login["interval"] == 2 and 290 <= login["expires_in"] <= 300

    async def flow():
        pushed = asyncio.ensure_future(wait_on_websocket(server, login["poll_secret"], timeout=20))
        await asyncio.sleep(0.3)
        assert not pushed.done()  # still pending: nothing is pushed before the user confirms
        assert await asyncio.to_thread(telegram_simulator.run, webhook(server), SECRET, login["tg_link"], USER)
        return await pushed

    result = asyncio.run(flow())
    assert result["status"] == "approved" and result["user"]["id"] == USER["id"]
    assert result["user"]["username"] == "vdkfrost"
    assert server.poll(login["poll_secret"]) == (200, {"status": "unknown", "interval": 2})


def test_poll_states_and_cancel(server):
    login = server.start("Firefox")
    assert server.poll(login["poll_secret"])[1]["status"] == "pending"
    assert server.poll(login["poll_secret"])[1]["status"] == "slow_down"
    assert telegram_simulator.run(webhook(server), SECRET, login["tg_link"], USER, cancel=True)
    time.sleep(2.05)
    assert server.poll(login["poll_secret"])[1]["status"] == "denied"


def test_telegram_reply_is_the_response_body(server):
    login = server.start("")
    telegram = telegram_simulator.Telegram(webhook(server), SECRET, USER)
    status, ask = telegram.send_start(telegram_simulator.token_from_link(login["tg_link"]))
    assert status == 200 and ask["method"] == "sendMessage" and ask["chat_id"] == USER["id"]
    assert "Log in to Demo App on a new device?" in ask["text"]
    # someone else tapping the victim's Confirm button does not approve the login
    mallory = telegram_simulator.Telegram(webhook(server), SECRET, dict(USER, id=666, username="mallory"))
    status, answer = mallory.tap(ask, "Confirm")
    assert status == 200 and answer["method"] == "answerCallbackQuery" and "not for you" in answer["text"]
    assert server.poll(login["poll_secret"])[1]["status"] == "pending"
    status, done = telegram.tap(ask, "Confirm")
    assert status == 200 and done["method"] == "editMessageText"
    time.sleep(2.05)
    assert server.poll(login["poll_secret"])[1] == {"status": "approved", "interval": 2, "user": {
        "id": USER["id"], "first_name": "Vladislav", "last_name": None, "username": "vdkfrost", "language_code": "en",
        "is_premium": None}}
    # the same link again: Telegram's user is told it was used
    status, again = telegram.send_start(telegram_simulator.token_from_link(login["tg_link"]))
    assert status == 200 and "already used" in again["text"]


def test_refusals(server):
    login = server.start("")
    token = telegram_simulator.token_from_link(login["tg_link"])
    for header in (None, "", "wrong-secret"):
        assert telegram_simulator.Telegram(webhook(server), header, USER).send_start(token) == (401, None)
    status, reply = telegram_simulator.Telegram(webhook(server), SECRET, USER, "group").send_start(token)
    assert status == 200 and "private chat" in reply["text"]
    status, reply = telegram_simulator.Telegram(webhook(server), SECRET, USER).send_start("A" * 22)
    assert status == 200 and "expired" in reply["text"]
    assert server.poll(login["poll_secret"])[1]["status"] == "pending"
    assert server.request("GET", "/login/poll")[0] == 401
    assert server.request("GET", "/login/poll", headers={"Authorization": "Basic abc"})[0] == 401
    assert server.poll("not-a-secret")[1]["status"] == "unknown"
    assert server.request("POST", "/login/start", {"device": 5})[0] == 400
    assert server.request("POST", "/login/start", {"device": "x" * 65})[0] == 400


@pytest.fixture()
def redis_url():
    with local_redis() as (url, process):
        yield url, process


def test_three_processes_share_redis_then_redis_stops(redis_url):
    url, redis = redis_url
    a, b, c = Server(SECRET, url), Server(SECRET, url), Server(SECRET, url)
    try:
        login = a.start("Pixel 8")  # started on A

        async def flow():
            pushed = asyncio.ensure_future(wait_on_websocket(c, login["poll_secret"], timeout=20))  # waits on C
            await asyncio.sleep(0.3)
            assert await asyncio.to_thread(telegram_simulator.run, webhook(b), SECRET, login["tg_link"], USER)  # webhook on B
            return await pushed

        result = asyncio.run(flow())
        assert result["status"] == "approved" and result["user"]["id"] == USER["id"]
        assert a.poll(login["poll_secret"])[1]["status"] == "unknown"  # handed out once, across instances

        # 16 pollers spread over the three instances race for one approval
        login = b.start("")
        assert telegram_simulator.run(webhook(c), SECRET, login["tg_link"], USER, cancel=False)
        statuses, barrier = [], threading.Barrier(16)

        def poller(i):
            barrier.wait()
            statuses.append((a, b, c)[i % 3].poll(login["poll_secret"])[1]["status"])

        threads = [threading.Thread(target=poller, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses.count("approved") == 1, statuses

        # Redis stops mid-flow: every endpoint answers 503 (Telegram retries), and no server dies
        login = a.start("")
        redis.terminate()
        redis.wait(5)
        telegram = telegram_simulator.Telegram(webhook(b), SECRET, USER)
        assert telegram.send_start(telegram_simulator.token_from_link(login["tg_link"])) == (503, None)
        status, body = a.poll(login["poll_secret"])
        assert status == 503 and body["error"] == "store_unavailable"
        assert a.request("POST", "/login/start", {"device": ""})[0] == 503
        assert all(s.process.poll() is None for s in (a, b, c))
    finally:
        outputs = [s.stop() for s in (a, b, c)]
    assert not any(SECRET in output for output in outputs)
