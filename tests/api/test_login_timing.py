"""Login must not tell which emails have accounts by how long it takes."""

import statistics
import time

from socketspace.app import create_app
from tests.conftest import make_client, signup


async def test_an_unknown_email_takes_as_long_as_a_wrong_password(settings):
    # Real OWASP parameters here: with cheap test hashing the gap would be too small to see.
    real = settings.model_copy(update={"argon2_memory_kib": 19_456, "argon2_time_cost": 2})
    app = create_app(real)
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as client:
        await signup(client, "Alice", "alice@example.com")

        async def timed(email: str) -> float:
            start = time.perf_counter()
            response = await client.post(
                "/api/auth/login", json={"email": email, "password": "wrong password"}
            )
            assert response.status_code == 400
            assert response.json()["message"] == "Invalid credentials"
            return time.perf_counter() - start

        wrong_password = statistics.median([await timed("alice@example.com") for _ in range(5)])
        unknown_email = statistics.median([await timed("nobody@example.com") for _ in range(5)])
    # Without the dummy verification an unknown email answers ~50x faster than a wrong password.
    assert 0.5 < unknown_email / wrong_password < 2.0
