"""Domain errors: raised by services, turned into messages by views."""

from typing import TYPE_CHECKING

import rules
from django.db import models
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User


class DomainError(Exception):
    """A refused action, with one or more reasons fit to show the user."""

    def __init__(self, *messages: str | Promise) -> None:
        self.messages = [str(m) for m in messages if m] or [self.default_message()]
        super().__init__("; ".join(self.messages))

    @classmethod
    def default_message(cls) -> str:
        return cls.__name__


class NotAllowed(DomainError):
    """The actor may not do this (the permission, asked through `has_perm`, said no)."""


def permission_require(
    *,
    user: "User | AnonymousUser | None",
    perm: str,
    obj: models.Model | None = None,
    message: str | Promise,
) -> None:
    """Raise NotAllowed unless the rule `perm` holds; the one gate services use.

    Asks the `rules` registry (`rules.has_perm`), not `user.has_perm`: a
    service's check is about the actor's role and ownership, so a superuser
    gets no shortcut past "this is not your assignment" or "the review is
    locked" (the manager rule itself counts superusers as managers).
    `user` None (the system acting on its own) is refused here: callers
    that allow it do not ask.
    """
    if user is None or not rules.has_perm(perm, user, obj):
        raise NotAllowed(message)
