"""Staff sign-in with NHS Care Identity Service 2 (CIS2) Authentication, an OpenID Connect provider.

allauth's OpenID Connect provider does the flow (discovery, authorization code with PKCE, state);
this package adds what CIS2 needs and allauth lacks: ``private_key_jwt`` client authentication
(authlib signs the assertion), a nonce, the ID token's signature checked on every sign-in, and
the authentication assurance level kept for the session (hubs/signin.py).
"""
