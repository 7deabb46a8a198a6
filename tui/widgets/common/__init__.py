"""Small widgets shared by the screens: a confirm dialog, a form field with an inline error,
and a radio button that reads without colour."""

from .choice import Choice
from .confirm import Confirm
from .field import Field

__all__ = ["Choice", "Confirm", "Field"]
