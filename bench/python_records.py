#!/usr/bin/env python3
"""make bench-python, second part: the record reader _records.py compiles per shape (exec), beside a plain walk
of the same table (_results.FIELDS), alone and inside a whole Mini App validation, 9 interleaved rounds, medians.
The compiled reader stays only while it is 5% faster (issue 28)."""
import statistics
import time
import tgauth
from tgauth import _records, _results
from tgauth._results import FIELDS, CLASSES, MARKS

def walk(name, target, shape, s, parts, at, keep=None):
    for field, kind, required, flatten in FIELDS[name]:
        stored = keep is None or field in keep
        if kind == "bool":
            if shape[s] != "-" and stored:
                target[field] = shape[s] == "1"
            s += 1
        elif kind in ("int", "string"):
            present = required or shape[s] == "1"
            if not required:
                s += 1
            if present:
                if stored:
                    target[field] = int(parts[at]) if kind == "int" else parts[at]
                at += 1
        elif flatten is not None:
            s, at = walk(kind, target, shape, s, parts, at, flatten)
        elif shape[s] == "0":
            s += 1
        else:
            nested_name = MARKS[shape[s]]
            obj = object.__new__(CLASSES[nested_name])
            s, at = walk(nested_name, obj.__dict__, shape, s + 1, parts, at)
            target[field] = obj
    return s, at

def plain_read(record):
    parts = record.split("\0")
    shape = parts[0]
    top = MARKS[shape[0]]
    result = object.__new__(CLASSES[top])
    d = result.__dict__
    _, at = walk(top, d, shape, 1, parts, 1)
    d["extras"] = dict(zip(parts[at::2], parts[at + 1::2])) if len(parts) > at else {}
    return result

TOKEN = "123456:bench"
data = tgauth.sign_init_data(TOKEN, {"user": '{"id":279058397,"first_name":"Vladislav","last_name":"K","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true,"photo_url":"https://t.me/i/userpic/320/x.svg"}', "query_id": "AAHdF6IQAAAAAN0XohDhrOrc", "chat_instance": "8134722200314281151", "chat_type": "private"}, int(time.time()))
from tgauth import _call, _ffi
v = tgauth.MiniAppValidator(TOKEN)
rec = _call.verify_record(_ffi.mini_app_validate_record, v._handle, data.encode(), tgauth._verify._DEFAULT_LIMITS.ref)
assert plain_read(rec) == _records.read(rec)
N = 20000
def t(fn):
    s = time.perf_counter()
    for _ in range(N): fn(rec)
    return (time.perf_counter() - s) / N * 1e6
def full(fn_read):
    s = time.perf_counter()
    for _ in range(N): fn_read(_call.verify_record(_ffi.mini_app_validate_record, v._handle, data.encode(), tgauth._verify._DEFAULT_LIMITS.ref))
    return (time.perf_counter() - s) / N * 1e6
ratios, a, b, fa, fb = [], [], [], [], []
for _ in range(9):
    x, y = t(_records.read), t(plain_read); a.append(x); b.append(y)
    fx, fy = full(_records.read), full(plain_read); fa.append(fx); fb.append(fy); ratios.append(fy / fx)
print(f"reader alone: compiled {statistics.median(a):.2f} us, plain walk {statistics.median(b):.2f} us")
print(f"validate + read: compiled {statistics.median(fa):.2f} us, plain walk {statistics.median(fb):.2f} us, plain/compiled {statistics.median(ratios):.3f}")
