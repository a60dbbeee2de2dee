"""Publish the screenshots an end-to-end run wrote (test-results/screenshots, git-ignored) to
docs/screenshots, as small palette PNGs: `python -m tests.e2e.screenshots` (`make screenshots`)."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "test-results" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
PUBLISHED = (
    "chat-desktop-light",
    "chat-desktop-dark",
    "chat-phone-light",
    "chat-phone-dark",
    "chats-phone-dark",
    "group-desktop-light",
    "group-panel-phone-light",
    "landing-desktop-light",
    "login-desktop-dark",
    "unread-desktop-light",
)


def main() -> int:
    missing = [name for name in PUBLISHED if not (SOURCE / f"{name}.png").is_file()]
    if missing:
        print(f"Run the end-to-end tests first; missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED:
        with Image.open(SOURCE / f"{name}.png") as shot:
            small = shot.convert("RGB").quantize(
                colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
            small.save(TARGET / f"{name}.png", optimize=True)
    print(f"{len(PUBLISHED)} screenshots written to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
