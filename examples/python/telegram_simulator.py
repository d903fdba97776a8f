"""Plays Telegram's part of a deep-link login, so the whole flow runs locally without Telegram.

Given the link the app would open, it does what Telegram does when the user taps Start: it posts the
`/start TOKEN` update to the backend's webhook with the X-Telegram-Bot-Api-Secret-Token header. If the bot
answers with Confirm/Cancel buttons, it "taps" one of them by posting the callback query update.

  TGAUTH_WEBHOOK_SECRET=... python telegram_simulator.py --webhook http://127.0.0.1:8080/telegram/webhook \\
      --link 'tg://resolve?domain=my_bot&start=TOKEN' [--user-id 42 --first-name Ada] [--cancel] [--group]

Only the standard library is used. It prints each bot reply and exits 0 when the webhook answered every update.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, TextIO, Tuple
from urllib.parse import parse_qs, urlparse

_update_ids = itertools.count(700_000_000)


def token_from_link(link: str) -> str:
    """The start parameter of a tg://resolve or https://t.me link (or the token itself)."""
    if "://" not in link:
        return link
    values = parse_qs(urlparse(link).query).get("start")
    if not values:
        raise ValueError(f"the link has no start parameter: {link}")
    return values[0]


class Telegram:
    """Posts updates to one webhook, as the Bot API does."""

    def __init__(self, webhook: str, secret: Optional[str], user: Dict[str, Any], chat_type: str = "private") -> None:
        self.webhook, self.secret, self.user, self.chat_type = webhook, secret, user, chat_type
        self.chat = {"id": user["id"] if chat_type == "private" else -1001234567890, "type": chat_type}
        if chat_type != "private":
            self.chat["title"] = "Some group"
        self.message_ids = itertools.count(100)

    def post(self, update: Dict[str, Any]) -> Tuple[int, Optional[Dict[str, Any]]]:
        headers = {"Content-Type": "application/json"}
        if self.secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret
        request = urllib.request.Request(self.webhook, data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            return error.code, None
        return status, json.loads(body) if body else None

    def send_start(self, token: str) -> Tuple[int, Optional[Dict[str, Any]]]:
        message = {"message_id": next(self.message_ids), "from": self.user, "chat": self.chat, "date": 1_700_000_000,
                   "text": f"/start {token}", "entities": [{"offset": 0, "length": 6, "type": "bot_command"}]}
        return self.post({"update_id": next(_update_ids), "message": message})

    def tap(self, reply: Dict[str, Any], label: str) -> Tuple[int, Optional[Dict[str, Any]]]:
        """Taps the inline button `label` under the message the bot sent as `reply`."""
        buttons = [b for row in reply.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        button = next((b for b in buttons if b.get("text") == label), None)
        if button is None:
            raise ValueError(f"the bot's message has no {label!r} button")
        message = {"message_id": next(self.message_ids), "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
                   "chat": self.chat, "date": 1_700_000_001, "text": reply.get("text", ""),
                   "reply_markup": reply["reply_markup"]}
        query = {"id": str(next(_update_ids)), "from": self.user, "message": message, "chat_instance": "-4242",
                 "data": button["callback_data"]}
        return self.post({"update_id": next(_update_ids), "callback_query": query})


def run(webhook: str, secret: Optional[str], link: str, user: Dict[str, Any], *, cancel: bool = False, group: bool = False,
        out: TextIO = sys.stdout) -> bool:
    """Sends the updates for one login; True when every update got a 200."""
    telegram = Telegram(webhook, secret, user, "supergroup" if group else "private")
    status, reply = telegram.send_start(token_from_link(link))
    print(f"/start -> HTTP {status}: {json.dumps(reply) if reply else '(empty)'}", file=out)
    if status != 200:
        return False
    if reply and reply.get("reply_markup"):
        label = "Cancel" if cancel else "Confirm"
        status, answer = telegram.tap(reply, label)
        print(f"tap {label} -> HTTP {status}: {json.dumps(answer) if answer else '(empty)'}", file=out)
        return status == 200
    return True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--webhook", default="http://127.0.0.1:8080/telegram/webhook")
    parser.add_argument("--link", required=True, help="the tg:// or https://t.me link from /login/start (or the token)")
    parser.add_argument("--user-id", type=int, default=279058397)
    parser.add_argument("--first-name", default="Vladislav")
    parser.add_argument("--username", default="vdkfrost")
    parser.add_argument("--cancel", action="store_true", help="tap Cancel instead of Confirm")
    parser.add_argument("--group", action="store_true", help="send /start from a group (the bot refuses)")
    args = parser.parse_args(argv)
    user = {"id": args.user_id, "is_bot": False, "first_name": args.first_name, "username": args.username,
            "language_code": "en"}
    try:
        ok = run(args.webhook, os.environ.get("TGAUTH_WEBHOOK_SECRET"), args.link, user, cancel=args.cancel, group=args.group)
    except (ValueError, OSError) as error:
        print(f"telegram_simulator: {error}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
