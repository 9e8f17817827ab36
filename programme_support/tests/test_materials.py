"""Course materials: added by the programme administrator and facilitators, type- and size-checked, opened only by
the edition's participants and their mentors (another edition's participant 403, another provider's user 404),
served as downloads, new ones marked until the next visit and listed in the training-day calendar."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.testing.outsider import assert_outsider_404, outsider_test
from core.testing.personas import client_for
from programme_support import services
from programme_support.models import Resource, ResourceVisit
from programme_support.tests.world import SupportWorld, build_support_world, plq_file, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> SupportWorld:
    return build_support_world()


def _module1_link(s: SupportWorld) -> Resource:
    return services.resource_add(
        actor=s.admin,
        edition=s.q.plq,
        module=s.q.plq.modules.get(number=1),
        title="Module 1 slides",
        url="https://padlet.com/hmcpd/plq-module-1",
    )


def test_it_lets_the_participant_and_their_mentor_open_the_materials(s: SupportWorld) -> None:
    """Both see the library; a file downloads (attachment, nosniff, never inline) and a link redirects."""
    resource = plq_file(s)
    link = _module1_link(s)
    for user in (s.participant, s.mentor):
        client = client_for(user)
        page = client.get(reverse("programme_support:library", args=[s.q.plq.pk])).content.decode()
        assert "Reading list" in page and "Module 1 slides" in page
        download = client.get(reverse("programme_support:resource", args=[resource.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"] == 'attachment; filename="reading-list.txt"'
        assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "text/plain"
        assert b"".join(download.streaming_content) == b"Read chapter 3 before the training day.\n"
        opened = client.get(reverse("programme_support:resource", args=[link.pk]))
        assert opened.status_code == 302 and opened["Location"] == "https://padlet.com/hmcpd/plq-module-1"
    assert "reading-list" not in resource.file.name  # stored under a random name, outside the web root


@outsider_test(
    "programme_support:library",
    "programme_support:resource_add",
    "programme_support:resource",
    "programme_support:resource_remove",
)
def test_it_hides_the_materials_from_another_provider_and_another_school(s: SupportWorld) -> None:
    """Another provider's administrator and a Riverside member of staff get 404 for every materials URL."""
    resource = plq_file(s)
    for user in (s.other_provider_admin, s.outsider):
        client = client_for(user)
        assert_outsider_404(client, reverse("programme_support:library", args=[s.q.plq.pk]))
        assert_outsider_404(client, reverse("programme_support:resource_add", args=[s.q.plq.pk]))
        assert_outsider_404(client, reverse("programme_support:resource", args=[resource.pk]))
        assert_outsider_404(client, reverse("programme_support:resource_remove", args=[resource.pk]), "post")
    assert Resource.objects.filter(pk=resource.pk).exists()


def test_it_refuses_a_participant_of_another_edition(s: SupportWorld) -> None:
    """The ISQAM participant and their mentor get 403 for the PLQ's materials and library, and are audited."""
    resource = plq_file(s)
    for user in (s.other_participant, s.other_mentor):
        client = client_for(user)
        assert client.get(reverse("programme_support:resource", args=[resource.pk])).status_code == 403
        assert client.get(reverse("programme_support:library", args=[s.q.plq.pk])).status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=s.other_participant, object_type="programme_support.Resource"
    ).exists()


def test_it_shows_module_and_training_day_materials_to_that_level_and_cluster_only(s: SupportWorld) -> None:
    """A Level 2 participant of the same edition sees the programme-wide file, not Level 1's module or day."""
    everyone = plq_file(s)
    module = _module1_link(s)
    day = s.q.plq_l1.training_days.first()
    for_day = services.resource_add(
        actor=s.facilitator,
        edition=s.q.plq,
        training_day=day,
        title="Pre-reading",
        url="https://example.org/pre",
    )
    client = client_for(s.level2_participant)
    assert client.get(reverse("programme_support:resource", args=[everyone.pk])).status_code == 200
    for resource in (module, for_day):
        assert client.get(reverse("programme_support:resource", args=[resource.pk])).status_code == 403
    page = client.get(reverse("programme_support:library", args=[s.q.plq.pk])).content.decode()
    assert "Reading list" in page and "Module 1 slides" not in page and "Pre-reading" not in page
    assert (
        client_for(s.participant).get(reverse("programme_support:resource", args=[for_day.pk])).status_code
        == 302
    )


def test_it_lets_the_administrator_and_facilitators_add_and_no_one_else(s: SupportWorld) -> None:
    """Administrator and facilitator add through the form (audited); a participant or mentor gets 403."""
    url = reverse("programme_support:resource_add", args=[s.q.plq.pk])
    day = s.q.plq_l1.training_days.first()
    added = client_for(s.facilitator).post(
        url, {"title": "Day slides", "scope": f"day-{day.pk}", "url": "https://example.org/slides"}
    )
    assert added.status_code == 302
    resource = Resource.objects.get(title="Day slides")
    assert resource.training_day == day and resource.added_by == s.facilitator
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="programme_support.Resource", object_id=str(resource.pk)
    ).exists()
    upload = client_for(s.admin).post(url, {"title": "Reading", "scope": "programme", "file": text_file()})
    assert upload.status_code == 302 and Resource.objects.get(title="Reading").kind == Resource.Kind.FILE
    for user in (s.participant, s.mentor):
        assert client_for(user).get(url).status_code == 403


def test_it_refuses_a_file_of_the_wrong_type_or_size_with_a_clear_error(s: SupportWorld, settings) -> None:
    """HTML, a mismatched PDF, an over-size file and a javascript: link are refused on the form; nothing is kept."""
    settings.PASTORAL_MAX_UPLOAD_BYTES = 1024
    client = client_for(s.admin)
    url = reverse("programme_support:resource_add", args=[s.q.plq.pk])
    cases = [
        (
            {"file": text_file("page.html", b"<script>alert(1)</script>")},
            "That type of file cannot be uploaded",
        ),
        ({"file": text_file("report.pdf", b"not really a pdf")}, "does not match its .pdf name"),
        ({"file": text_file("big.txt", b"x" * 2048)}, "The file is larger than 1 KB"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({}, "Give a link, or choose a file to upload"),
    ]
    for data, error in cases:
        page = client.post(url, {"title": "Bad", "scope": "programme", **data})
        assert page.status_code == 200 and error in page.content.decode(), error
    assert not Resource.objects.exists()


def test_it_accepts_only_http_and_https_links_in_the_service(s: SupportWorld) -> None:
    """The service itself refuses other schemes, so no path (demo, command) can add one."""
    from django.core.exceptions import ValidationError

    for bad in ("ftp://example.org/x", "javascript:alert(1)", "data:text/html,hi"):
        with pytest.raises(ValidationError, match="http:// or https://"):
            services.resource_add(actor=s.admin, edition=s.q.plq, title="Bad", url=bad)


def test_it_lets_a_facilitator_remove_their_own_material_only(
    s: SupportWorld,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    """The facilitator removes what they added (the file deleted after commit); not the administrator's (403)."""
    mine = services.resource_add(actor=s.facilitator, edition=s.q.plq, title="Mine", upload=text_file())
    theirs = plq_file(s)
    client = client_for(s.facilitator)
    assert client.post(reverse("programme_support:resource_remove", args=[theirs.pk])).status_code == 403
    storage, name = mine.file.storage, mine.file.name
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(reverse("programme_support:resource_remove", args=[mine.pk]))
    assert removed.status_code == 302 and not Resource.objects.filter(pk=mine.pk).exists()
    assert not storage.exists(name)
    assert (
        client_for(s.participant)
        .get(reverse("programme_support:resource_remove", args=[theirs.pk]))
        .status_code
        == 403
    )


def test_it_marks_new_materials_on_the_home_page_until_the_next_visit(s: SupportWorld) -> None:
    """New since the last visit: shown on the participant's and mentor's home, cleared by opening the library,
    back when something else is added."""
    plq_file(s)
    client = client_for(s.participant)
    home = client.get("/").content.decode()
    assert "New since your last visit" in home and "1 new material" in home and "Reading list" in home
    assert "Reading list" in client_for(s.mentor).get("/").content.decode()
    library = client.get(reverse("programme_support:library", args=[s.q.plq.pk])).content.decode()
    assert "This is your first visit" in library
    assert "New since your last visit" not in client.get("/").content.decode()
    visit = ResourceVisit.objects.get(user=s.participant, edition=s.q.plq)
    _module1_link(s)
    home = client.get("/").content.decode()
    assert "1 new material" in home and "Module 1 slides" in home and "Reading list" not in home
    again = client.get(reverse("programme_support:library", args=[s.q.plq.pk])).content.decode()
    assert f"since your last visit on {timezone.localtime(visit.last_visited_at):%-d %B %Y}" in again


def test_it_counts_only_what_was_added_after_the_visit(s: SupportWorld) -> None:
    """A material added before the recorded visit is not new; one added after it is."""
    visited = timezone.now() - datetime.timedelta(days=3)
    services.visit_record(user=s.participant, edition=s.q.plq, at=visited)
    services.resource_add(
        actor=s.admin,
        edition=s.q.plq,
        title="Old",
        url="https://example.org/old",
        at=visited - datetime.timedelta(days=1),
    )
    services.resource_add(actor=s.admin, edition=s.q.plq, title="Fresh", url="https://example.org/fresh")
    from programme_support.selectors import new_since_last_visit

    (row,) = new_since_last_visit(s.participant)
    assert row.count == 1 and [r.title for r in row.latest] == ["Fresh"]


def test_it_lists_a_training_days_materials_in_the_calendar_feeds(s: SupportWorld) -> None:
    """The day's own materials and those of the modules it covers appear in its iCal description."""
    day = s.q.plq_l1.training_days.first()
    _module1_link(s)
    services.resource_add(
        actor=s.facilitator,
        edition=s.q.plq,
        training_day=day,
        title="Pre-reading",
        url="https://example.org/pre",
    )
    client = client_for(s.participant)
    feed = client.get(reverse("qualifications:ical_participant", args=[s.place.ical_token])).content.decode()
    unfolded = feed.replace("\r\n ", "")
    assert "Course materials: Module 1 slides\\; Pre-reading" in unfolded
    assert f"/programme-support/editions/{s.q.plq.pk}/materials/" in unfolded
    other = client.get(
        reverse("qualifications:ical_participant", args=[s.level2_place.ical_token])
    ).content.decode()
    assert "Pre-reading" not in other
