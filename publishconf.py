"""Production build settings: pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://www.alliantienederlandrookvrij.nl").rstrip("/")
# The bureau's contact details may come from the environment of the production build.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", CONTACT_EMAIL)  # noqa: F405
CONTACT_ADDRESS = os.environ.get("CONTACT_ADDRESS", "").splitlines() or CONTACT_ADDRESS  # noqa: F405
CONTACT_PHONE = os.environ.get("CONTACT_PHONE", CONTACT_PHONE)  # noqa: F405
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = True
