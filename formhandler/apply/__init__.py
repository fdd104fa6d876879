"""Applying for a partnership: the registration form at /aanmelden/ and its thanks page."""
