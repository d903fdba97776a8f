#!/usr/bin/env python3
"""Prints telegram-vectors.json as `path<TAB>value` lines for the C suite (make writes build/tests/vectors.tsv).

A path is the keys and list indexes joined by dots (`mini_app_hmac.0.init_data`); a string is printed as it
is, anything else as JSON.
"""
import json
import os
import sys


def leaves(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}.{index}")
    else:
        yield path, value if isinstance(value, str) else json.dumps(value)


with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "telegram-vectors.json")) as f:
    for path, text in leaves(json.load(f), ""):
        if "\t" in text or "\n" in text:
            sys.exit(f"flatten.py: {path} holds a tab or a newline, which the C suite's reader cannot take")
        print(f"{path}\t{text}")
