"""People: one user model for citizens, staff and vendors, and what belongs to an account."""

from .user import User, UserKind

__all__ = ["User", "UserKind"]
