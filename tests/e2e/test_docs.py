"""The API docs work without internet: a LAN install has no CDN to load Swagger UI from."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Browser, Route, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import USER_AGENT


async def test_the_api_docs_render_with_no_internet(browser: Browser, web: LiveServer):
    context = await browser.new_context(base_url=web.url, user_agent=USER_AGENT)
    elsewhere: list[str] = []

    async def only_this_server(route: Route) -> None:
        if urlsplit(route.request.url).netloc == urlsplit(web.url).netloc:
            await route.continue_()
        else:  # as on a LAN without internet
            elsewhere.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_this_server)
    try:
        page = await context.new_page()
        await page.goto("/api/docs")
        await expect(page.locator(".swagger-ui .info .title")).to_contain_text("SocketSpace")
        await expect(page.get_by_text("/api/groups", exact=True).first).to_be_visible()
        assert elsewhere == []
    finally:
        await context.close()
