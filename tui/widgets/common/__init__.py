"""Small widgets shared by the screens: a confirm dialog and a form field with an inline error."""

from .confirm import Confirm
from .field import Field

__all__ = ["Confirm", "Field"]
