"""People: one user model for citizens, staff and vendors, and what belongs to an account."""

from .profile import CitizenProfile, Sex
from .user import User, UserKind
from .verification import VerificationCode

__all__ = ["CitizenProfile", "Sex", "User", "UserKind", "VerificationCode"]
