"""Turns the library's result records into dataclasses.

A record (see `tgauth_mini_app_validate_record` in tgauth.h) starts with a shape: which optional fields are
present and the values of the tri-state flags. For each shape, one small constructor function is generated
and cached, so building a result costs no per-field branching in Python.
"""
from __future__ import annotations

from typing import Callable, Dict, List

from ._types import InitData, WebAppChat, WebAppUser, WidgetUser

_FLAG = {"-": "None", "0": "False", "1": "True"}
_USER_STRINGS = ("last_name", "username", "language_code", "photo_url")
_USER_FLAGS = ("is_bot", "is_premium", "added_to_attachment_menu", "allows_write_to_pm")
_TOP_STRINGS = ("query_id", "chat_type", "chat_instance", "start_param", "hash", "signature")


def _extras(parts: List[str], start: int) -> Dict[str, str]:
    return dict(zip(parts[start::2], parts[start + 1::2]))


class _Source:
    def __init__(self) -> None:
        self.index = 1  # parts[0] is the shape

    def take(self, convert: str = "") -> str:
        expr = f"{convert}(p[{self.index}])" if convert else f"p[{self.index}]"
        self.index += 1
        return expr


def _user(shape: str, at: int, src: _Source, lines: List[str], name: str) -> int:
    items = {"id": src.take("int"), "first_name": src.take()}
    for i, member in enumerate(_USER_STRINGS):
        items[member] = src.take() if shape[at + i] == "1" else "None"
    for i, member in enumerate(_USER_FLAGS):
        items[member] = _FLAG[shape[at + 4 + i]]
    _assign(lines, name, "U", items)
    return at + 8


def _compile(shape: str) -> Callable[[List[str]], object]:
    lines: List[str] = []
    src = _Source()
    if shape[0] == "I":
        items = {"auth_date": src.take("int")}
        for i, member in enumerate(_TOP_STRINGS):
            items[member] = src.take() if shape[1 + i] == "1" else "None"
        items["can_send_after"] = src.take("int") if shape[7] == "1" else "None"
        at = 8
        for member in ("user", "receiver"):
            if shape[at] == "u":
                at = _user(shape, at + 1, src, lines, member)
                items[member] = member
            else:
                at += 1
                items[member] = "None"
        if shape[at] == "c":
            chat = {"id": src.take("int"), "type": src.take(), "title": src.take()}
            chat["username"] = src.take() if shape[at + 1] == "1" else "None"
            chat["photo_url"] = src.take() if shape[at + 2] == "1" else "None"
            _assign(lines, "chat", "C", chat)
            items["chat"] = "chat"
        else:
            items["chat"] = "None"
        cls = "I"
    elif shape[0] == "W":
        items = {"auth_date": src.take("int"), "id": src.take("int"), "first_name": src.take()}
        for i, member in enumerate(_USER_STRINGS):
            present = shape[1 + i] == "1"
            if member in ("last_name", "username", "photo_url"):
                items[member] = src.take() if present else "None"
            elif present:
                src.take()
        cls = "W"
    else:
        raise ValueError(f"unknown record shape {shape!r}")
    start = src.index
    items["extras"] = f"{{}} if len(p) == {start} else extras(p, {start})"
    _assign(lines, "d", cls, items)
    lines.append("    return d")
    code = ("def build(p, new=new, U=U, C=C, I=I, W=W, extras=extras, int=int):\n" + "\n".join(lines) + "\n")
    scope = {"new": object.__new__, "U": WebAppUser, "C": WebAppChat, "I": InitData, "W": WidgetUser, "extras": _extras}
    exec(compile(code, f"<tgauth record {shape}>", "exec"), scope)
    return scope["build"]


def _assign(lines: List[str], name: str, cls: str, items: Dict[str, str]) -> None:
    """Creates the (frozen) instance without __init__ and stores its fields straight into its __dict__.
    Fields left at None are not stored: the dataclass's class-level defaults (None) answer for them."""
    lines.append(f"    {name} = new({cls}); v = {name}.__dict__")
    for k, v in items.items():
        if v != "None":
            lines.append(f"    v[{k!r}] = {v}")


_BUILDERS: Dict[str, Callable[[List[str]], object]] = {}


def _builder(shape: str) -> Callable[[List[str]], object]:
    builder = _compile(shape)
    if len(_BUILDERS) < 1024:
        _BUILDERS[shape] = builder
    return builder


def build(record: str, _get=_BUILDERS.get):
    parts = record.split("\0")
    return (_get(parts[0]) or _builder(parts[0]))(parts)
