import factory

from population.models import SegmentSnapshot
from tests.factories import ChildFactory

ASTHMA = "195967001"
ECZEMA = "24079001"
ECZEMA_OTHER = "43116000"
EPILEPSY = "84757009"
CYSTIC_FIBROSIS = "190905008"


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentSnapshot

    child = factory.SubFactory(ChildFactory)
    practice = factory.LazyAttribute(lambda o: o.child.practice)
    segment = 1
