"""One-use links for people without a sign-in (families): unguessable, printable again, never
stored.

token = HMAC-SHA256(site secret, salt, nonce), base32; the database keeps the nonce and SHA-256
of the token. Someone who reads the database alone cannot make a working link; the server can
show or send a link again without keeping it. Each kind of link has its own salt.
"""

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

# A token is 32 base32 characters; anything much longer is not one of ours.
MAX_LENGTH = 64


def new_nonce():
    return secrets.token_hex(16)


def token_for(nonce, salt):
    digest = salted_hmac(salt, nonce, algorithm="sha256").digest()
    return base64.b32encode(digest[:20]).decode().lower()


def hash_token(token):
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()
