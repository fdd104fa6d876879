"""Production build settings: pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://www.alliantienederlandrookvrij.nl").rstrip("/")
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = True
