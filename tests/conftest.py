"""Shared fixtures."""

import pytest
from _helpers import mixed_frame


@pytest.fixture
def mixed_data():
    return mixed_frame()
