"""Registration form blueprint (stub; being written)."""
from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/aanmelden")
