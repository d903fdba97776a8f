"""Fixtures shared by the example's suites."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import oidc_simulator  # noqa: E402
from oidc_demo import CLIENT_ID, CLIENT_SECRET, Site  # noqa: E402


@pytest.fixture
def provider_and_site(tmp_path, request):
    """The OIDC simulator over HTTPS (its own test CA, in tmp_path) signing with the parametrized algorithm
    (ES256K by default), and oidc_app on another loopback port, trusting that CA."""
    alg = getattr(request, "param", "ES256K")
    provider = oidc_simulator.Provider(CLIENT_ID, CLIENT_SECRET, alg)
    sim = oidc_simulator.Simulator(provider, str(tmp_path)).start()
    site = Site(sim)
    yield provider, sim, site
    site.stop()
    try:
        sim.stop()
    except OSError:  # a test took it down already
        pass
