"""Survey params for the logged-in user: the default `CSWIDGET["USER_PARAMS"]`."""

from __future__ import annotations

from typing import Any

__all__ = ["user_params"]


def user_params(user: Any) -> dict[str, str]:
    """`name` (from `get_full_name()`) and `email` of an authenticated user,
    leaving out empty ones; `{}` for anyone else.

    >>> from django.contrib.auth.models import User
    >>> user_params(User(first_name="Kate", last_name="Bush", email="kate@example.com"))
    {'name': 'Kate Bush', 'email': 'kate@example.com'}

    Override it with a dotted path in `CSWIDGET["USER_PARAMS"]`: a function
    taking the user and returning flat survey params.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    params: dict[str, str] = {}
    get_full_name = getattr(user, "get_full_name", None)
    name = get_full_name() if callable(get_full_name) else ""
    if name:
        params["name"] = name
    # Custom user models name their email field in EMAIL_FIELD.
    get_email_field_name = getattr(user, "get_email_field_name", None)
    email_field = get_email_field_name() if callable(get_email_field_name) else "email"
    email = getattr(user, email_field, "")
    if email:
        params["email"] = email
    return params
