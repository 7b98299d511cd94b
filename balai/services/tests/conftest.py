import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English leaves English active in this thread; do not let it leak into the next test."""
    yield
    translation.activate("id")
