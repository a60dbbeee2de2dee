"""Password hashing off the event loop: Argon2id for new hashes, bcrypt accepted and upgraded."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher


class Passwords:
    """Hashes in a small dedicated thread pool, so a burst of logins neither blocks the event
    loop nor holds more than `workers` Argon2 memory blocks at once."""

    def __init__(self, *, memory_kib: int, time_cost: int, workers: int) -> None:
        argon2 = Argon2Hasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=1)
        self._hash = PasswordHash((argon2, BcryptHasher()))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hash")
        # Verified against when the email is unknown, so that answer takes as long as a wrong
        # password and does not reveal which emails have accounts.
        self._dummy = self._hash.hash("socketspace-dummy-password")

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._hash.hash, password)

    async def verify(self, password: str, stored: str | None) -> tuple[bool, str | None]:
        """(matches, new hash to store or None). `stored=None` burns the same time and fails."""
        loop = asyncio.get_running_loop()
        if stored is None:
            await loop.run_in_executor(self._pool, self._hash.verify, password, self._dummy)
            return False, None
        return await loop.run_in_executor(
            self._pool, self._hash.verify_and_update, password, stored
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
