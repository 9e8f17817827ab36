"""The school administrator imports a file from the MIS in Chromium, with axe-core on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world
from people.models import Pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_uploads_previews_and_imports_a_pupil_file(page, live_server):
    world = build_school_world()
    sign_in(page, live_server.url, world.admin)
    visit(page, f"{live_server.url}/imports/")
    page.get_by_label("What the file holds").select_option("pupils")
    page.get_by_label("CSV file").set_input_files(
        str(Path(settings.BASE_DIR) / "docs" / "samples" / "pupils.csv")
    )
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Pupils from pupils.csv"
    page.get_by_text("What importing would do").wait_for()
    assert "12 new pupils" in " ".join(page.locator(".stats").inner_text().split())
    axe_check(page)
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "Imported 12 rows from pupils.csv" in page.get_by_role("status").first.inner_text()
    axe_check(page)
    assert Pupil.objects.filter(organisation=world.school).count() == 4 + 12
    visit(page, f"{live_server.url}/")
    assert "Pupils: pupils.csv" in page.get_by_role("region", name="MIS import").inner_text()


def test_it_polls_the_progress_bar_until_the_check_finishes(page, live_server):
    """While the worker checks, the bar updates every second; when it is done the preview appears."""
    from mis_import.models import ImportJob
    from mis_import.samples import PUPIL_HEADER, pupil_rows, to_csv

    world = build_school_world()
    job = ImportJob.objects.create(
        organisation=world.school,
        uploaded_by=world.admin,
        kind="pupils",
        filename="big.csv",
        content=to_csv(PUPIL_HEADER, pupil_rows(3)).encode(),
        status=ImportJob.Status.CHECKING,
        total_rows=4000,
        processed_rows=1000,
    )
    sign_in(page, live_server.url, world.admin)
    visit(page, f"{live_server.url}/imports/{job.pk}/")
    assert page.locator("progress").get_attribute("value") == "1000"
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=3000)
    page.get_by_text("3000 of 4000 rows checked (75%)").wait_for()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.READY,
        processed_rows=4000,
        summary={"new": 4000, "updated": 0, "unchanged": 0, "noun": "pupils"},
    )
    page.get_by_text("What importing would do").wait_for()
    axe_check(page)


def test_it_marks_the_pupils_missing_from_a_whole_roll_file_as_left_when_ticked(page, live_server):
    """The sample roll lacks the four existing Oakfield pupils: the preview names them; ticking marks them."""
    world = build_school_world()
    sign_in(page, live_server.url, world.admin)
    visit(page, f"{live_server.url}/imports/")
    page.get_by_label("What the file holds").select_option("pupils")
    page.get_by_label("CSV file").set_input_files(
        str(Path(settings.BASE_DIR) / "docs" / "samples" / "pupils.csv")
    )
    page.get_by_label("This file is the whole list").check()
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    page.get_by_text("What importing would do").wait_for()
    axe_check(page)
    assert "Cleo Cole" in page.locator("table").first.inner_text()
    page.get_by_label("Mark these 4 pupils as left and end their group memberships").check()
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    page.get_by_text("were marked as left on").wait_for()
    axe_check(page)
    world.cleo.refresh_from_db()
    assert world.cleo.left_on is not None
    assert Pupil.objects.filter(organisation=world.school, left_on__isnull=True).count() == 12
