"""The bureau's side: reviewer accounts, login, and the admin where the queue is worked through."""
