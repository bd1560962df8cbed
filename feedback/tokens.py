"""The family feedback link's token: unguessable, printable again, never stored.

token = HMAC-SHA256(site secret, nonce), base32; the database keeps the nonce and SHA-256 of
the token. Someone who reads the database alone cannot make a working link; the server can
print a link again (on a reprinted clinic list) without keeping it.
"""

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

_SALT = "feedback.FamilyInvitation.token"


def new_nonce():
    return secrets.token_hex(16)


def token_for(nonce):
    digest = salted_hmac(_SALT, nonce, algorithm="sha256").digest()
    return base64.b32encode(digest[:20]).decode().lower()


def hash_token(token):
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()
