"""The scale tests' deployment: real server processes on the test's database and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.scale.deployment import Deployment


@pytest.fixture
async def deployment(
    database_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[Deployment]:
    made = Deployment(database_url, redis_url, tmp_path / "data")
    yield made
    await made.close()
