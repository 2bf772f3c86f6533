"""The login side of accounts: password and second factor (django-otp), throttling
(django-axes), first login with the card's activation code, passwords by profile, blocking
and unlocking.

``middleware.AccountSecurityMiddleware`` enforces it on every request; ``rules`` holds who may
act on whose login (to be merged into ``apps.accounts.permissions``).
"""
