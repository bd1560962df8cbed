"""The ODS code validator under the name the hubs migrations refer to.

The identifiers' validators live in the shared library, ``cc4c.validators``, so the import
engine can use them without importing an app: import them from there.
"""

from cc4c.validators import validate_ods_code

__all__ = ["validate_ods_code"]
