"""Reads the library's result records (tgauth_record.h) into the result dataclasses.

A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
optional fields are present; the layout follows the schema's field order (`_results.FIELDS`), the same walk
the library's writer makes.

Real data comes in few shapes, and a validation's cost in Python is mostly the building of its result. So
the first record of each shape is walked once (`_walk`), and the walk is written out as a small function
of straight assignments with fixed positions (`_compile`), kept per shape: reading a record of a known
shape is one call, with no test per field. `describe(shape)` shows the source of a shape's reader.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._results import CLASSES, FIELDS, MARKS

_FLAG = {"0": "False", "1": "True"}


def _walk(name: str, target: str, shape: str, s: int, at: int, lines: List[str],
          keep: Optional[Tuple[str, ...]] = None) -> Tuple[int, int]:
    """Walks object `name`'s fields from shape[s] and record part `at`, appending to `lines` the assignments
    that fill the `__dict__` named `target`; returns the next (s, at). `keep` names the fields a flattened
    object carries: the others are walked over but not stored."""
    for field, kind, required, flatten in FIELDS[name]:
        stored = keep is None or field in keep
        if kind == "bool":
            if shape[s] != "-" and stored:  # absent: the dataclass's default None answers
                lines.append(f"    {target}[{field!r}] = {_FLAG[shape[s]]}")
            s += 1
        elif kind in ("int", "string", "number"):
            present = required or shape[s] == "1"
            if not required:
                s += 1
            if present:
                if stored:
                    value = {"int": f"int(p[{at}])", "number": f"float(p[{at}])"}.get(kind, f"p[{at}]")
                    lines.append(f"    {target}[{field!r}] = {value}")
                at += 1
        elif flatten is not None:  # the widget's user: its fields are the result's own
            s, at = _walk(kind, target, shape, s, at, lines, flatten)
        elif shape[s] == "0":
            s += 1
        else:
            nested = MARKS[shape[s]]
            lines.append(f"    {field} = new({nested})")
            lines.append(f"    {field}_d = {field}.__dict__")
            s, at = _walk(nested, f"{field}_d", shape, s + 1, at, lines)
            lines.append(f"    {target}[{field!r}] = {field}")
    return s, at


def describe(shape: str) -> str:
    """The source of the reader for records of `shape`."""
    top = MARKS[shape[0]]
    # the names it uses are bound as defaults, which Python reads faster than globals
    names = "".join(f", {name}={name}" for name in CLASSES)
    lines = [f"def read(p, new=new, int=int{names}):  # records of shape {shape!r}", f"    result = new({top})",
             "    d = result.__dict__"]
    _, at = _walk(top, "d", shape, 1, 1, lines)
    if any(f.name == "extras" for f in fields(CLASSES[top])):
        lines.append(f"    d['extras'] = dict(zip(p[{at}::2], p[{at + 1}::2])) if len(p) > {at} else {{}}")
    lines.append("    return result")
    return "\n".join(lines) + "\n"


def _compile(shape: str) -> Callable[[List[str]], object]:
    scope: Dict[str, Any] = dict(CLASSES, new=object.__new__)  # frozen dataclasses are filled through __dict__, not __init__
    exec(compile(describe(shape), f"<tgauth record {shape}>", "exec"), scope)
    reader: Callable[[List[str]], object] = scope["read"]
    return reader


_readers: Dict[str, Callable[[List[str]], object]] = {}


def read(record: str) -> object:
    """The result a record holds (the record without its last NUL)."""
    parts = record.split("\0")
    reader = _readers.get(parts[0])
    if reader is None:
        try:
            reader = _compile(parts[0])
        except (KeyError, IndexError):
            raise ValueError(f"unknown record shape {parts[0]!r}") from None
        if len(_readers) < 1024:
            _readers[parts[0]] = reader
    return reader(parts)
