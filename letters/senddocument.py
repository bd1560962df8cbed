"""A letter as a GP Connect Send Document message: an ITK3 FHIR STU3 message carrying the PDF.

The structure the specification asks for (GP Connect Messaging, Send Document, payload
structure), built and checked with ``fhir.resources`` (its STU3 models):

- a Bundle of type ``message`` (ITK-Message-Bundle-1) whose first entry is the MessageHeader
  (ITK-MessageHeader-2, event ITK007C "ITK GP Connect Send Document", source endpoint our MESH
  mailbox, the ITK message-handling extension), and the sending Organization it names;
- the MessageHeader's ``focus``: a Bundle of type ``document`` (ITK-Document-Bundle-1) whose first
  entry is the Composition (CareConnect-Composition-1: subject the Patient, author the
  Practitioner, custodian the hub's Organization); its first section's entry is the PDF as a
  Binary (ITK-Attachment-Binary-1, base64), and a second section holds a DocumentReference
  (CareConnect-DocumentReference-1) describing that PDF;
- the Patient (CareConnect-Patient-1) as GP systems match it: NHS number, name, date of birth.

A later version of a letter names the one it replaces (``Composition.relatesTo`` ``replaces``,
with the replaced letter's identifier), as the specification's resend rules say.

MESH carries it with the workflow id ``GPCONNECT_SEND_DOCUMENT`` (Send Document 2.x; 1.x used
``GPFED_CONSULT_REPORT``, which NHS England is retiring).
"""

import base64
import uuid

from fhir.resources.STU3.binary import Binary
from fhir.resources.STU3.bundle import Bundle

WORKFLOW_ID = "GPCONNECT_SEND_DOCUMENT"
CONTENT_TYPE = "application/fhir+json"
ITK = "https://fhir.nhs.uk/STU3/StructureDefinition/"
CARE_CONNECT = "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
RFC4122 = "https://tools.ietf.org/html/rfc4122"
EVENT = {
    "system": "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2",
    "code": "ITK007C",
    "display": "ITK GP Connect Send Document",
}
MESSAGE_DEFINITION = (
    "https://fhir.nhs.uk/STU3/MessageDefinition/ITK-GPConnectSendDocument-MessageDefinition-1"
)
# SNOMED CT document types.
DOCUMENT_TYPES = {
    "mdt_outcome": ("371531000", "Report of clinical encounter"),
    "clinic_outcome": ("371531000", "Report of clinical encounter"),
    "advice_answer": ("371531000", "Report of clinical encounter"),
}
SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


class InvalidMessage(ValueError):
    """The message is not a Send Document message as the specification describes it."""


def _uuid(letter, name):
    """A stable id for one resource of one letter, so every attempt sends the same message."""
    return str(uuid.uuid5(letter.local_id, name))


def _entry(resource):
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _meta(profile):
    return {"profile": [profile]}


def build(letter, *, sender_mailbox, now):
    """The Send Document message of ``letter`` (its ``pdf`` rendered), as a dict of JSON."""
    parties = letter.parties
    patient, practice, hub, author = (
        parties["patient"],
        parties["practice"],
        parties["hub"],
        parties["author"],
    )
    ids = {
        name: _uuid(letter, name)
        for name in (
            "message",
            "header",
            "sender",
            "document",
            "composition",
            "binary",
            "reference",
            "patient",
            "author",
            "custodian",
            "practice",
        )
    }
    timestamp = now.isoformat(timespec="seconds")
    code, display = DOCUMENT_TYPES[letter.kind]
    document_type = {
        "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]
    }
    sections = [
        {"title": letter.title, "entry": [{"reference": f"urn:uuid:{ids['binary']}"}]},
        {"title": "Document", "entry": [{"reference": f"urn:uuid:{ids['reference']}"}]},
    ]
    composition = {
        "resourceType": "Composition",
        "id": ids["composition"],
        "meta": _meta(CARE_CONNECT + "CareConnect-Composition-1"),
        "identifier": {"system": RFC4122, "value": str(letter.local_id)},
        "status": "final",
        "type": document_type,
        "date": timestamp,
        "confidentiality": "N",
        "title": letter.title,
        "subject": {"reference": f"urn:uuid:{ids['patient']}"},
        "author": [{"reference": f"urn:uuid:{ids['author']}"}],
        "custodian": {"reference": f"urn:uuid:{ids['custodian']}"},
        "section": sections,
    }
    if letter.replaces_id:
        composition["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {"system": RFC4122, "value": str(letter.replaces.local_id)},
            }
        ]
    binary = {
        "resourceType": "Binary",
        "id": ids["binary"],
        "meta": _meta(ITK + "ITK-Attachment-Binary-1"),
        "contentType": "application/pdf",
        "content": base64.b64encode(bytes(letter.pdf)).decode("ascii"),
    }
    reference = {
        "resourceType": "DocumentReference",
        "id": ids["reference"],
        "meta": _meta(CARE_CONNECT + "CareConnect-DocumentReference-1"),
        "masterIdentifier": {"system": RFC4122, "value": str(letter.local_id)},
        "status": "current",
        "type": document_type,
        "subject": {"reference": f"urn:uuid:{ids['patient']}"},
        "created": timestamp,
        "indexed": timestamp,
        "author": [{"reference": f"urn:uuid:{ids['author']}"}],
        "custodian": {"reference": f"urn:uuid:{ids['custodian']}"},
        "description": letter.title,
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "url": f"urn:uuid:{ids['binary']}",
                    "title": f"{letter.title}.pdf",
                    "creation": timestamp,
                }
            }
        ],
    }
    name = {"use": "official", "family": patient["family_name"], "given": [patient["given_name"]]}
    patient_resource = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "meta": _meta(CARE_CONNECT + "CareConnect-Patient-1"),
        "identifier": [{"system": NHS_NUMBER, "value": patient["nhs_number"]}],
        "name": [name],
        "gender": SEX.get(patient["sex"], "unknown"),
        "birthDate": patient["date_of_birth"],
        "generalPractitioner": [{"reference": f"urn:uuid:{ids['practice']}"}],
    }
    practitioner = {
        "resourceType": "Practitioner",
        "id": ids["author"],
        "meta": _meta(CARE_CONNECT + "CareConnect-Practitioner-1"),
        "name": [{"use": "official", "text": author["name"] or "Not recorded"}],
    }
    if author.get("email"):
        practitioner["telecom"] = [{"system": "email", "value": author["email"], "use": "work"}]
    if author.get("role"):
        practitioner["qualification"] = [{"code": {"text": author["role"]}}]
    custodian = {
        "resourceType": "Organization",
        "id": ids["custodian"],
        "meta": _meta(CARE_CONNECT + "CareConnect-Organization-1"),
        "identifier": [{"system": "https://cc4c.nhs.uk/Id/hub-code", "value": hub["code"]}],
        "name": hub["name"],
    }
    registered = {
        "resourceType": "Organization",
        "id": ids["practice"],
        "meta": _meta(CARE_CONNECT + "CareConnect-Organization-1"),
        "identifier": [{"system": ODS, "value": practice["ods_code"]}],
        "name": practice["name"],
    }
    document = {
        "resourceType": "Bundle",
        "id": ids["document"],
        "meta": _meta(ITK + "ITK-Document-Bundle-1"),
        "identifier": {"system": RFC4122, "value": str(letter.local_id)},
        "type": "document",
        "entry": [
            _entry(r)
            for r in (composition, binary, reference, patient_resource, practitioner, custodian)
        ]
        + [_entry(registered)],
    }
    header = {
        "resourceType": "MessageHeader",
        "id": ids["header"],
        "meta": _meta(ITK + "ITK-MessageHeader-2"),
        "extension": [
            {
                "url": ITK + "Extension-ITK-MessageHandling-2",
                "extension": [
                    {"url": "BusAckRequested", "valueBoolean": True},
                    {"url": "InfAckRequested", "valueBoolean": True},
                    {
                        "url": "RecipientType",
                        "valueCoding": {
                            "system": "https://fhir.nhs.uk/STU3/CodeSystem/ITK-RecipientType-1",
                            "code": "FA",
                            "display": "For Action",
                        },
                    },
                    {
                        "url": "MessageDefinition",
                        "valueReference": {"reference": MESSAGE_DEFINITION},
                    },
                    {"url": "SenderReference", "valueString": str(letter.local_id)},
                    {"url": "LocalExtension", "valueString": f"SendDocument-{letter.kind}"},
                ],
            }
        ],
        "event": EVENT,
        "source": {"endpoint": sender_mailbox},
        "sender": {"reference": f"urn:uuid:{ids['sender']}"},
        "timestamp": timestamp,
        "focus": [{"reference": f"urn:uuid:{ids['document']}"}],
    }
    sender = {
        "resourceType": "Organization",
        "id": ids["sender"],
        "meta": _meta(ITK + "CareConnect-ITK-Header-Organization-1"),
        "identifier": [{"system": "https://cc4c.nhs.uk/Id/hub-code", "value": hub["code"]}],
        "name": hub["name"],
    }
    message = {
        "resourceType": "Bundle",
        "id": ids["message"],
        "meta": _meta(ITK + "ITK-Message-Bundle-1"),
        "identifier": {"system": RFC4122, "value": ids["message"]},
        "type": "message",
        "entry": [_entry(header), _entry(sender), _entry(document)],
    }
    validate(message)
    return message


def _resources(bundle):
    return {entry.fullUrl: entry.resource for entry in bundle.entry or []}


def _one(resources, reference, kind):
    resource = resources.get(reference.reference if reference is not None else None)
    if resource is None or resource.get_resource_type() != kind:
        raise InvalidMessage(f"{reference.reference if reference else 'nothing'} is not a {kind}")
    return resource


def parse(message):
    """The message (JSON text, bytes or a dict) as a fhir.resources STU3 Bundle, checked."""
    if isinstance(message, dict):
        bundle = Bundle.model_validate(message)
    else:
        bundle = Bundle.model_validate_json(message)
    return check(bundle)


def validate(message):
    """Refuse (``InvalidMessage``, or the models' validation error) a message that is not a
    Send Document message; a valid one is returned as a Bundle."""
    return parse(message)


def check(bundle):
    """The structural rules of the specification that the FHIR models alone do not enforce."""
    if bundle.type != "message" or not bundle.entry:
        raise InvalidMessage("the message is a Bundle of type message")
    header = bundle.entry[0].resource
    if header.get_resource_type() != "MessageHeader":
        raise InvalidMessage("the first entry of the message is its MessageHeader")
    if header.event.code != EVENT["code"]:
        raise InvalidMessage(f"the event is {EVENT['code']}")
    outer = _resources(bundle)
    document = _one(outer, header.focus[0] if header.focus else None, "Bundle")
    _one(outer, header.sender, "Organization")
    if document.type != "document" or not document.entry:
        raise InvalidMessage("the MessageHeader's focus is a Bundle of type document")
    composition = document.entry[0].resource
    if composition.get_resource_type() != "Composition":
        raise InvalidMessage("the first entry of the document is its Composition")
    inner = _resources(document)
    patient = _one(inner, composition.subject, "Patient")
    if not any(i.system == NHS_NUMBER and i.value for i in patient.identifier or []):
        raise InvalidMessage("the Patient carries an NHS number")
    _one(inner, composition.custodian, "Organization")
    for author in composition.author or []:
        _one(inner, author, "Practitioner")
    if not composition.section or not composition.section[0].entry:
        raise InvalidMessage("the Composition's first section holds the document")
    binary = _one(inner, composition.section[0].entry[0], "Binary")
    if binary.contentType != "application/pdf" or not binary.content:
        raise InvalidMessage("the primary attachment is a PDF")
    return bundle


def pdf_of(bundle):
    """The PDF a (checked) Send Document message carries."""
    document = _resources(bundle)[bundle.entry[0].resource.focus[0].reference]
    composition = document.entry[0].resource
    binary = _resources(document)[composition.section[0].entry[0].reference]
    if not isinstance(binary, Binary):
        raise InvalidMessage("the primary attachment is a Binary")
    content = binary.content
    return content if isinstance(content, bytes) else base64.b64decode(content)
