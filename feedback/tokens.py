"""The family feedback link's token (cc4c.tokens, with this link's own salt): unguessable,
printable again (on a reprinted clinic list), never stored."""

from cc4c import tokens

_SALT = "feedback.FamilyInvitation.token"

new_nonce = tokens.new_nonce
hash_token = tokens.hash_token


def token_for(nonce):
    return tokens.token_for(nonce, _SALT)
