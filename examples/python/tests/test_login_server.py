"""Runs login_server.py as real processes (in memory, and three instances sharing a real redis-server)
and drives them as the app and as Telegram would."""
import asyncio
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

import aiohttp
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import telegram_simulator  # noqa: E402
from deeplink_demo import USER, Server, local_redis, wait_on_websocket  # noqa: E402

SECRET = secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def server():
    s = Server(SECRET, extra=["--start-burst", "100"])
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
    assert ask["text"].startswith("Log in to Demo App?\nDevice: not named\n")
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
    status, reply = telegram_simulator.Telegram(webhook(server), SECRET, USER).send_start("A" * 22)
    assert status == 200 and "expired" in reply["text"]
    assert server.poll(login["poll_secret"])[1]["status"] == "pending"
    # posted in a group, the link is out: the login is cancelled, and the app learns it
    status, reply = telegram_simulator.Telegram(webhook(server), SECRET, USER, "group").send_start(token)
    assert status == 200 and "cancelled" in reply["text"] and "private chat" in reply["text"]
    time.sleep(2.05)
    assert server.poll(login["poll_secret"])[1]["status"] == "denied"
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


def test_start_is_rate_limited_per_client_address():
    server = Server(SECRET, extra=["--start-burst", "3", "--starts-per-minute", "6"])
    try:
        assert [server.request("POST", "/login/start", {"device": ""})[0] for _ in range(4)] == [200, 200, 200, 429]

        async def from_another_address():
            connector = aiohttp.TCPConnector(local_addr=("127.0.0.9", 0))
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.post(server.url + "/login/start", json={"device": ""}) as response:
                    return response.status

        assert asyncio.run(from_another_address()) == 200  # the limit is per address
        request = urllib.request.Request(server.url + "/login/start", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 429 and 1 <= int(refused.value.headers["Retry-After"]) <= 10
    finally:
        server.stop()


def test_idle_websockets_cannot_exhaust_the_server():
    """200 WebSockets from 25 addresses sit waiting on pending logins; the webhook, start and poll still
    answer within 100 ms, a ninth socket from one address is turned away, and closing the sockets frees
    their waits for others."""
    server = Server(SECRET, extra=["--max-waits", "200", "--waits-per-client", "8", "--start-burst", "8"])
    addresses = [f"127.0.0.{i}" for i in range(2, 27)]

    async def scenario():
        sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(a, 0), limit=0)) for a in addresses]
        sockets = []
        try:
            async def open_waiting(session):
                async with session.post(server.url + "/login/start", json={"device": "idle"}) as response:
                    assert response.status == 200
                    login = await response.json()
                ws = await session.ws_connect(server.url.replace("http", "ws", 1) + "/login/ws")
                await ws.send_str(login["poll_secret"])
                return ws

            sockets = await asyncio.gather(*(open_waiting(s) for s in sessions for _ in range(8)))
            await asyncio.sleep(1.5)  # every one of them is in a wait now
            assert not any(ws.closed for ws in sockets)
            # one more from an address that has 8: turned away at once, with a reason
            async with sessions[0].post(server.url + "/login/start", json={}) as response:
                assert response.status == 429  # its burst of 8 is spent as well
            extra = await sessions[0].ws_connect(server.url.replace("http", "ws", 1) + "/login/ws")
            await extra.send_str("x" * 43)
            message = await extra.receive(timeout=5)
            assert message.type == aiohttp.WSMsgType.CLOSE and extra.close_code == 1013

            # everyone else is served promptly: start, poll and the webhook (a real login, confirmed)
            def timed(call):
                began = time.monotonic()
                result = call()
                return result, time.monotonic() - began

            login, start_time = await asyncio.to_thread(timed, lambda: server.start(""))
            _, poll_time = await asyncio.to_thread(timed, lambda: server.poll(login["poll_secret"]))
            telegram = telegram_simulator.Telegram(webhook(server), SECRET, USER)
            token = telegram_simulator.token_from_link(login["tg_link"])
            (status, ask), webhook_time = await asyncio.to_thread(timed, lambda: telegram.send_start(token))
            assert status == 200 and ask["method"] == "sendMessage"
            print(f"with 200 idle WebSockets: start {start_time * 1000:.1f} ms, poll {poll_time * 1000:.1f} ms, "
                  f"webhook {webhook_time * 1000:.1f} ms")
            assert start_time < 0.1 and poll_time < 0.1 and webhook_time < 0.1

            # closing them frees every wait: 8 new sockets from one address wait again at once
            await asyncio.gather(*(ws.close() for ws in sockets))
            await asyncio.sleep(1.5)
            fresh = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.40", 0)))
            sessions.append(fresh)
            again = await asyncio.gather(*(open_waiting(fresh) for _ in range(8)))
            await asyncio.sleep(0.5)
            assert not any(ws.closed for ws in again)
            await asyncio.gather(*(ws.close() for ws in again))
        finally:
            for s in sessions:
                await s.close()

    try:
        asyncio.run(scenario())
    finally:
        output = server.stop()
    assert SECRET not in output
