"""A message's picture keeps its place while it loads (issue 19, item 15): the whole picture,
its ratio kept, inside a box of at most 15rem high and the bubble's width, shaped from the
width and height the server stored before a byte of it has arrived. The picture's answer is
held back (page.route) while the bubble is measured, then let through and measured again."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from PIL import Image
from playwright.async_api import Page, Route, expect

from tests.e2e.conftest import DESKTOP, PHONE, Open

# The picture's box and its bubble, and whether the picture has been drawn.
MEASURE = """() => {
    const img = document.querySelector('img[alt="Shared picture"]');
    const bubble = img.closest('[data-testid=message]');
    const box = img.getBoundingClientRect();
    return {
        width: box.width, height: box.height,
        bubble: bubble.getBoundingClientRect().height,
        loaded: img.complete && img.naturalWidth > 0,
    };
}"""


def picture(size: tuple[int, int]) -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(out, "PNG")
    return {"name": "wide.png", "mimeType": "image/png", "buffer": out.getvalue()}


async def hold_pictures(page: Page) -> asyncio.Queue[Route]:
    """Every request for a message's picture waits in the queue until let through."""
    held: asyncio.Queue[Route] = asyncio.Queue()
    await page.route("**/api/media/images/*", held.put_nowait)
    return held


async def measured_before_and_after(page: Page, held: asyncio.Queue[Route]) -> list[dict]:
    route = await asyncio.wait_for(held.get(), 10)
    await expect(page.get_by_alt_text("Shared picture")).to_be_visible()
    before = await page.evaluate(MEASURE)
    assert not before["loaded"]
    await route.continue_()
    await page.wait_for_function(f"() => ({MEASURE})().loaded")
    return [before, await page.evaluate(MEASURE)]


@pytest.mark.parametrize(
    ("viewport", "size"),
    [(DESKTOP, (320, 200)), (DESKTOP, (300, 900)), (PHONE, (1200, 400))],
    ids=["desktop-landscape", "desktop-tall", "phone-wide"],
)
async def test_a_picture_keeps_its_place_and_shape_while_it_loads(
    open_person: Open, viewport: dict[str, int], size: tuple[int, int]
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob", viewport=viewport)
    await alice.open_chat_with("Bob")
    await bob.open_chat_with("Alice")
    held = await hold_pictures(bob.page)

    await alice.page.get_by_test_id("image-input").set_input_files(picture(size))
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("button", name="Send message").click()
    # Live, and again from history after a reload: the same box before and after loading.
    for _ in range(2):
        before, after = await measured_before_and_after(bob.page, held)
        assert before == {**after, "loaded": False}
        width, height = size
        assert after["width"] / after["height"] == pytest.approx(width / height, rel=0.02)
        assert after["height"] <= 240.5 and after["width"] <= width
        await bob.page.reload()
        await expect(bob.page.get_by_test_id("conversation-name")).to_have_text("Alice")
    assert not bob.errors
