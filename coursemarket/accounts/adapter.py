from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Coursemarket's hooks into allauth (emails, redirects, language)."""
