"""The attendance officer imports Excel for Mac's file of marks in Chromium, with axe-core on every page."""

from __future__ import annotations

import pytest

from attendance.models import AttendanceMark
from core.testing.browser import axe_check, sign_in, visit
from core.testing.personas import build_school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_uploads_previews_and_imports_a_file_of_marks(page, live_server, tmp_path):
    world = build_school_world()
    rows = ["UPN,Forename,Date,Session,Mark,Minutes Late,Note"]
    rows += [
        f"{world.alice.upn},Zoë,0{d}/10/2026,{s},{c},{m},£1 owed"
        for d, s, c, m in [(5, "AM", "/", ""), (5, "PM", "L", "7"), (6, "AM", "M", ""), (6, "PM", "\\", "")]
    ]
    path = tmp_path / "marks.csv"
    path.write_bytes("\r".join(rows).encode("mac_roman"))  # "CSV (Macintosh)": Mac Roman, lines end in CR
    sign_in(page, live_server.url, world.attendance_officer)
    visit(page, f"{live_server.url}/attendance/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Attendance marks from marks.csv"
    page.get_by_text("What importing would do").wait_for()
    assert "4 new marks" in " ".join(page.locator(".stats").inner_text().split())
    assert "Read as Mac Roman (Excel for Mac) (detected)" in page.locator("dl").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "Imported 4 rows from marks.csv" in page.get_by_role("status").first.inner_text()
    axe_check(page)
    assert AttendanceMark.objects.filter(pupil=world.alice).count() == 4
    page.get_by_role("link", name="Back to Attendance import").click()
    page.wait_for_load_state()
    assert "marks.csv" in page.get_by_role("table").first.inner_text()
    axe_check(page)
