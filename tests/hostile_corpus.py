"""The hostile upload corpus (the files in tests/hostile/) and what must never survive sanitising."""

import re
from pathlib import Path

HOSTILE = Path(__file__).parent / "hostile"
# Nothing that can execute, load from elsewhere or animate may survive sanitising.
FORBIDDEN = re.compile(
    rb"<script|\bon[a-z]+\s*=|foreignObject|javascript:|data:|https?://(?!www\.w3\.org)|@import|<!ENTITY|<!DOCTYPE"
    rb"|<animate|<set\b|<image|href=\"(?!#)",
    re.IGNORECASE,
)
