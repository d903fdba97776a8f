import json
import os

import pytest

VECTORS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "vectors")


@pytest.fixture(scope="session")
def vectors():
    with open(os.path.join(VECTORS, "telegram-vectors.json")) as f:
        return json.load(f)
