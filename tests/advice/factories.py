import factory
from django.utils import timezone

from advice.models import AdviceRequest, Attachment, Reply, RotaEntry
from tests.factories import HubFactory, PersonFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class AdviceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviceRequest

    hub = factory.SubFactory(HubFactory)
    reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    received_at = factory.LazyFunction(timezone.now)
    channel = "web"
    question = "Rash for two weeks, not responding to emollients."
    request_type = "management"


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    request = factory.SubFactory(AdviceRequestFactory)
    author = factory.SubFactory(PersonFactory)
    text = "Try a moderate-potency steroid for a week."


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    request = factory.SubFactory(AdviceRequestFactory)
    file = factory.django.FileField(filename="letter.pdf", data=PDF_BYTES)
    original_name = "letter.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class RotaEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaEntry

    hub = factory.SubFactory(HubFactory)
    date = factory.LazyFunction(timezone.localdate)
    paediatrician = factory.SubFactory(PersonFactory)
