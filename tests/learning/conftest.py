"""Members, forms and photos for the posting tests."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.members.factories import MemberFactory, ModeratorFactory
from portal.taxonomy.models import SafetyDomain, Setting


def photo_bytes(image_format="JPEG", size=(40, 30), exif=None):
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def learning_note_data(**overrides):
    """A complete, valid "Share learning" form as a browser would send it."""
    data = {
        "token": str(uuid.uuid4()),
        "title": "Night drinks round",
        "summary": "A drinks round at 9pm meant fewer falls at night.",
        "date": "2026-03-01",
        "author_name": "Grace Okafor",
        "what_we_tried": "A drinks round at nine.",
        "what_happened": "Residents drank more and slept better.",
        "what_we_learned": "Thirst wakes people at night.",
        "what_we_would_advise": "Start small with one corridor.",
        "settings": [str(Setting.objects.get(slug="care-homes").pk)],
        "safety_domains": [str(SafetyDomain.objects.get(slug="reliability").pk)],
        "topics": "hydration, falls",
        "action": "submit",
    }
    data.update(overrides)
    return data


def peer_visit_data(host, visitor, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "title": "Swinton Lodge visits Kersal Brook",
        "summary": "We saw how Kersal Brook keeps residents drinking well.",
        "date": "2026-02-10",
        "host_organisation": str(host.pk),
        "visiting_organisations": [str(visitor.pk)],
        "visitors": "Priya Nair",
        "focus": "Hydration at night",
        "what_works_well": "Coloured cups.",
        "what_could_be_better": "Dim night lights.",
        "ideas_to_take_home": "A nightcap round.",
        "agreed_actions": "Share the timetable\nVisit again in May",
        "settings": [str(Setting.objects.get(slug="care-homes").pk)],
        "safety_domains": [str(SafetyDomain.objects.get(slug="past-harm").pk)],
        "topics": "hydration",
        "action": "submit",
    }
    data.update(overrides)
    return data


@pytest.fixture
def indexes(learning_index, peer_visit_index):
    return learning_index, peer_visit_index


@pytest.fixture
def member(db):
    return MemberFactory(user__first_name="Grace", user__last_name="Okafor")


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
