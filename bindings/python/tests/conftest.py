import json
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.fixture(scope="session")
def vectors():
    with open(os.path.join(FIXTURES, "telegram-vectors.json")) as f:
        return json.load(f)
