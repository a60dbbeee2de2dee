"""Background rounds: stopping waits for a round in progress instead of cutting it off."""

import asyncio

from socketspace.periodic import Periodic


async def test_stopping_mid_round_lets_the_round_finish():
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[bool] = []

    async def round_() -> None:
        started.set()
        await release.wait()  # a database call, say
        finished.append(True)

    periodic = Periodic("test", 0.001, round_)
    periodic.start()
    await started.wait()
    stopping = asyncio.create_task(periodic.stop())
    await asyncio.sleep(0)
    assert not stopping.done()  # waits for the round
    release.set()
    await stopping
    assert finished == [True]


async def test_stopping_between_rounds_is_immediate_and_a_failed_round_does_not_end_it():
    rounds = 0
    second = asyncio.Event()

    async def round_() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise RuntimeError("the database is away")
        second.set()

    periodic = Periodic("test", 0.001, round_)
    periodic.start()
    async with asyncio.timeout(5):
        await second.wait()  # the round after the failed one ran
    slow = Periodic("slow", 3600, round_)
    slow.start()
    await asyncio.sleep(0)
    async with asyncio.timeout(1):  # cancelled in its pause, not an hour later
        await slow.stop()
    await periodic.stop()
