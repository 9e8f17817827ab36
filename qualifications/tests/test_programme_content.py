"""The three documents load, and every module and activity matches the seed documents word for word."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from qualifications import services
from qualifications.models import Activity, Edition, Module
from qualifications.tests.helpers import build_qual_world

pytestmark = pytest.mark.django_db

SEEDS = {
    "PLQ": "plq-senior-2022-23.txt",
    "PLQJ": "plqj-junior-2025-26.txt",
    "ISQAM": "isqam-2023-24.txt",
}
EXPECTED_COUNTS = {"PLQ": (8, 40), "PLQJ": (8, 40), "ISQAM": (8, 35)}


def seed_dir() -> Path | None:
    base = Path(settings.BASE_DIR)
    for candidate in (base / ".." / "shared" / "seeds", base / ".." / ".." / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def parse_seed(text: str) -> dict[int, dict]:
    """Modules and activities read straight from a seed document (independently of the data files)."""
    body = text[text.index("Programme Content") :]
    heads = list(re.finditer(r"^Module (\d): (.+?)\s*$", body, re.M))
    modules: dict[int, dict] = {}
    for i, head in enumerate(heads):
        number = int(head.group(1))
        section = body[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(body)]
        delivered = re.search(rf"Module {number} training sessions are delivered by (.+?)\s*$", section, re.M)
        activities = {}
        for match in re.finditer(
            rf"(?<![\d.])({number}\.\d+)\s+(.+?)(?=</p>|\t|\n| (?={number}\.\d+\s)|$)", section
        ):
            activities[match.group(1)] = match.group(2).strip()
        modules[number] = {
            "title": head.group(2).strip(),
            "delivered_by": delivered.group(1),
            "activities": activities,
        }
    return modules


@pytest.fixture
def world():
    return build_qual_world(as_loaded=True)


def test_it_loads_the_three_editions_with_every_module_and_activity(world):
    """Counts per edition: 8 modules each; 40 activities in PLQ and PLQJ, 35 in ISQAM."""
    for code, (modules, activities) in EXPECTED_COUNTS.items():
        edition = Edition.objects.get(programme__code=code)
        assert Module.objects.filter(edition=edition).count() == modules
        assert Activity.objects.filter(module__edition=edition).count() == activities
        assert edition.levels.count() == 2


def test_it_matches_every_module_and_activity_title_to_the_seed_documents(world):
    """Each module's number, title and delivering colleagues and each activity's number and title, word for word."""
    seeds = seed_dir()
    for code, filename in SEEDS.items():
        edition = Edition.objects.get(programme__code=code)
        if seeds is None:  # the seed folder is not shipped: compare with the data file after the counts above
            data = json.loads(
                (services.DATA_DIR / filename.replace(".txt", ".json")).read_text(encoding="utf-8")
            )
            expected = {
                m["number"]: {
                    "title": m["title"],
                    "delivered_by": m["delivered_by"],
                    "activities": {a["number"]: a["title"] for a in m["activities"]},
                }
                for lv in data["levels"]
                for m in lv["modules"]
            }
        else:
            expected = parse_seed((seeds / filename).read_text(encoding="utf-8"))
        assert sorted(expected) == list(range(1, 9)), code
        for number, spec in expected.items():
            module = Module.objects.get(edition=edition, number=number)
            assert module.title == spec["title"], (code, number)
            assert module.delivered_by == spec["delivered_by"], (code, number)
            assert module.level.number == (1 if number <= 4 else 2)
            stored = {a.number: a.title for a in module.activities.all()}
            assert stored == spec["activities"], (code, number)


def test_it_keeps_the_real_differences_between_plq_and_plqj(world):
    plq = {a.number: a.title for a in Activity.objects.filter(module__edition__programme__code="PLQ")}
    plqj = {a.number: a.title for a in Activity.objects.filter(module__edition__programme__code="PLQJ")}
    assert plq["3.4"] == "Response to Natasha Devon YouTube clip"
    assert plqj["3.4"].startswith("Response to Mental Health Foundation/Barnardo's study")
    assert "Tech Control Digital Awareness UK" in plq["4.4"] and "CEOPS Think You Know" in plqj["4.4"]
    assert plq["7.2"] == "Reviewing and developing your self-harm policy"
    assert plqj["7.2"] == "Reviewing and developing your Pupil Wellbeing Policy"
    assert "Eating disorder or transgender" in plq["7.4"] and "anxiety, school avoidance" in plqj["7.4"]
    m1 = {e: Module.objects.get(edition__programme__code=e, number=1).delivered_by for e in ("PLQ", "PLQJ")}
    assert m1 == {
        "PLQ": "experienced HMC pastoral deputy heads",
        "PLQJ": "experienced senior colleagues from HMCJ schools",
    }


def test_it_records_the_kinds_of_activity(world):
    isqam = Activity.objects.filter(module__edition__programme__code="ISQAM")
    observations = isqam.get(number="1.3")
    assert (observations.kind, observations.minimum_count) == ("minimum", 5)
    coaching = isqam.get(number="2.2")
    assert (coaching.kind, coaching.minimum_count) == ("minimum", 3)
    assert "at least one" in coaching.minimum_note and "aspiring HoDs" in coaching.aspiring_alternative
    assert isqam.get(number="6.2").kind == "choice" and len(isqam.get(number="6.2").alternatives) == 2
    assert isqam.get(number="5.4").kind == "optional"
    plq = Activity.objects.filter(module__edition__programme__code="PLQ")
    assert (plq.get(number="3.2").kind, plq.get(number="3.2").choice_count) == ("choice", 2)
    assert (plq.get(number="4.2").kind, plq.get(number="4.2").choice_count) == ("choice", 3)
    assert plq.get(number="5.5").kind == "optional"
    assert plq.get(number="2.1").is_structured_reflection


def test_it_records_edition_facts_from_the_documents(world):
    plq, plqj, isqam = world.plq, world.plqj, world.isqam
    assert plq.academic_year.name == "2022-23" and isqam.academic_year.name == "2023-24"
    assert plqj.academic_year.name == "2025-26"
    assert isqam.portfolio_deadline.isoformat() == "2024-07-31"
    assert plqj.portfolio_deadline.isoformat() == "2026-07-31"
    assert plqj.aspiring_requires_head_discussion and not plq.aspiring_requires_head_discussion
    assert (
        "Padlet" in plqj.fee_includes
        and "optional online training session for their mentor" in plq.fee_includes
    )
    assert plq.programme.university_partner == world.university


def test_it_loads_each_document_once(world):
    again = services.programmes_load_all(provider=world.provider, university=world.university)
    assert [e.pk for e in again] == [world.plq.pk, world.plqj.pk, world.isqam.pk]
    assert Edition.objects.count() == 3


def test_it_loads_the_documents_with_the_management_command():
    from django.core.management import CommandError, call_command

    from core.testing.factories import OrganisationFactory

    OrganisationFactory(name="HMC Professional Development", slug="hmc-pd", kind="provider")
    OrganisationFactory(name="UCL Institute of Education", slug="ucl-ioe", kind="university")
    out = io.StringIO()
    call_command("load_programmes", provider="hmc-pd", university="ucl-ioe", stdout=out)
    assert "PLQ 2022-23: 8 modules, 40 activities" in out.getvalue()
    assert "ISQAM 2023-24: 8 modules, 35 activities" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_programmes", provider="nobody")
