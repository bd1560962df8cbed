"""What CIS2 says about a person, for their coordinator to read: information, never access."""

from hubs.cis2.config import PROVIDER_ID


def _role_name(raw):
    # CIS2 writes a role as its path in the national RBAC tree:
    # '"Clinical":"Clinical Provision":"GP"'.
    parts = [part.strip().strip('"') for part in (raw or "").split('":"')]
    return " – ".join(part for part in parts if part)


def describe(person):
    """The person's linked CIS2 identity as last seen at sign-in, or None if not linked."""
    account = next((a for a in person.socialaccount_set.all() if a.provider == PROVIDER_ID), None)
    if account is None:
        return None
    data = account.extra_data or {}
    userinfo, id_token = data.get("userinfo") or {}, data.get("id_token") or {}
    org_names = {
        org.get("org_code"): org.get("org_name", "")
        for org in userinfo.get("nhsid_user_orgs") or []
    }
    roles = [
        {
            "name": _role_name(role.get("role_name")),
            "code": role.get("role_code", ""),
            "org_code": role.get("org_code", ""),
            "org_name": org_names.get(role.get("org_code"), ""),
        }
        for role in userinfo.get("nhsid_nrbac_roles") or []
    ]
    return {
        "uid": account.uid,
        "name": userinfo.get("name") or id_token.get("name", ""),
        "last_sign_in": account.last_login,
        "assurance_level": id_token.get("authentication_assurance_level", ""),
        "roles": roles,
        "organisations": [{"code": code, "name": name} for code, name in org_names.items()],
    }
