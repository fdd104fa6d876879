"""Change requests of existing partners: the form at /aanmelden/wijziging/ and its thanks page."""
