"""tgauth-serve with its sessions in a real Redis, attacked: Redis frozen under SIGSTOP holds up only the requests
that need it (and those get 503 within the store's timeout), one user's logins keep at most 16 sessions, the
password comes from a file and never shows in the process's command line, and a Redis (or a broken proxy in
front of one) answering with the wrong reply type lets nobody in."""
import os
import signal
import socket
import subprocess
import threading
import time

from test_proxies import CLI, TOKEN, free_port, request, session_cookie, signed_widget, start_gateway, start_redis, widget_login, stop


def signed_init_data(user_id: int = 7) -> str:
    run = subprocess.run([CLI, "sign", "init-data", "--bot-token", TOKEN, "--auth-date", str(int(time.time())),
                          f'user={{"id":{user_id},"first_name":"Mini"}}'], capture_output=True, text=True, check=True)
    return run.stdout.strip()


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def test_a_frozen_redis_holds_up_only_the_requests_that_need_it(tmp_path):
    redis_port = free_port()
    redis = start_redis(redis_port)
    gateway, process, log = start_gateway(tmp_path, "http://127.0.0.1:1", "--session-store", f"redis://127.0.0.1:{redis_port}/0")
    base = f"http://127.0.0.1:{gateway}"
    try:
        assert request(base + "/ready")[0] == 200  # connections to Redis made and pooled
        initdata = signed_init_data()
        os.kill(redis.pid, signal.SIGSTOP)
        results = []

        def junk(i: int) -> None:
            results.append(timed(lambda: request(base + "/tgauth/auth", f"tgauth=junk{i}", "application/json")[0]))

        threads = [threading.Thread(target=junk, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # the 200 are in: 16 waiting on Redis, the rest queued
        ping, ping_took = timed(lambda: request(base + "/ping")[0])
        tma, tma_took = timed(lambda: request(base + "/tgauth/auth", accept="application/json", Authorization="tma " + initdata)[0])
        for t in threads:
            t.join(30)
        assert ping == 200 and ping_took < 0.1, ping_took
        assert tma == 202 and tma_took < 0.1, tma_took
        statuses = {status for status, _ in results}
        slowest = max(took for _, took in results)
        assert len(results) == 200 and statuses == {503} and slowest < 2.5, (statuses, slowest)
    finally:
        os.kill(redis.pid, signal.SIGCONT)
    try:
        # Redis back: service returns without a restart
        cookie = session_cookie(widget_login(base, signed_widget())[1])
        assert cookie and request(base + "/tgauth/auth", cookie)[0] == 202
    finally:
        stop(process, redis)
    assert "did not answer within 2000 ms" in log.read_text()


def redis_cli(port: int, *args: str, password: str = "") -> str:
    auth = ["-a", password, "--no-auth-warning"] if password else []
    return subprocess.run(["redis-cli", "-p", str(port), *auth, *args], capture_output=True, text=True, check=True).stdout.strip()


def test_one_users_logins_keep_at_most_16_sessions_and_the_password_stays_in_its_file(tmp_path):
    redis_port = free_port()
    password = "redis-pw-" + os.urandom(8).hex()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--requirepass", password, "--loglevel", "warning"], stdout=subprocess.DEVNULL)
    (tmp_path / "redis-password").write_text(password + "\n")
    store = f"redis://127.0.0.1:{redis_port}/0"
    gateway, process, log = start_gateway(tmp_path, "http://127.0.0.1:1", "--session-store", store,
                                          "--session-store-password-file", str(tmp_path / "redis-password"))
    base = f"http://127.0.0.1:{gateway}"
    try:
        assert password not in open(f"/proc/{process.pid}/cmdline", "rb").read().decode(errors="replace")
        assert request(base + "/ready")[0] == 200
        mine = signed_widget(279058397)
        cookies = [session_cookie(widget_login(base, mine)[1]) for _ in range(40)]
        assert all(cookies)
        assert redis_cli(redis_port, "ZCARD", "tgauth:user:279058397", password=password) == "16"
        assert len(redis_cli(redis_port, "KEYS", "tgauth:session:*", password=password).split()) == 16
        assert request(base + "/tgauth/auth", cookies[-1])[0] == 202 and request(base + "/tgauth/auth", cookies[0])[0] == 401
        other = session_cookie(widget_login(base, signed_widget(42, "first_name=Ann"))[1])
        assert request(base + "/tgauth/auth", other)[0] == 202
    finally:
        stop(process)
    # without the password, Redis refuses and so does the gateway; the password is in no message
    (tmp_path / "no-password").mkdir()
    gateway, process, log2 = start_gateway(tmp_path / "no-password", "http://127.0.0.1:1", "--session-store", store)
    try:
        assert request(f"http://127.0.0.1:{gateway}/ready")[0] == 503
    finally:
        stop(process, redis)
    assert password not in log.read_text() and password not in log2.read_text()


class WrongReplies(threading.Thread):
    """A 'Redis' that reads each command and answers with an integer (:1), as a broken proxy in front of Redis
    might: a SET that is not +OK, a GET that is no string."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.commands = []

    def run(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection: socket.socket) -> None:
        stream = connection.makefile("rb")
        try:
            while True:
                header = stream.readline()
                if not header.startswith(b"*"):
                    return
                args = []
                for _ in range(int(header[1:])):
                    length = int(stream.readline()[1:])
                    args.append(stream.read(length + 2)[:-2])
                self.commands.append(args[0].upper())
                connection.sendall(b":1\r\n")
        finally:
            connection.close()


def test_a_reply_of_the_wrong_type_lets_nobody_in(tmp_path):
    fake = WrongReplies()
    fake.start()
    gateway, process, log = start_gateway(tmp_path, "http://127.0.0.1:1", "--session-store", f"redis://127.0.0.1:{fake.port}/0")
    base = f"http://127.0.0.1:{gateway}"
    try:
        status, headers, _ = widget_login(base, signed_widget())
        assert status == 503 and session_cookie(headers) is None
        assert request(base + "/tgauth/auth", "tgauth=anything")[0] == 503  # a GET answered :1 is no session, and no 401
        assert {b"SET", b"GET"} <= set(fake.commands)  # the flow's SET NX, the session's GET
    finally:
        stop(process)
        fake.server.close()
    assert "Redis answered SET with an unexpected integer reply" in log.read_text()
