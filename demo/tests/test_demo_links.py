"""No page of the demo world links a signed-in person to a page that refuses them or is not there.

Each printed demo login walks the site from its home page, breadth first, following the links the pages show it
(GET only; downloads and exports left out): every page it reaches answers, and none answers 403, 404 or a server
error. A link a person cannot use is a dead end in their journey (a school administrator offered the caseload
statistics, a deputy DSL the DSL's own settings, a group of schools' leader a per-school report)."""

from __future__ import annotations

import collections
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from accounts.models import User
from core.testing.personas import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.long]

PAGES = 200  # pages a login at most, breadth first from home
SAME_SHAPE = 1  # pages a login of one URL shape (its numbers left out): breadth rather than every pupil
NOT_FOLLOWED = ("/static/", "/media/", "/admin/", "/accounts/logout")
DOWNLOAD = re.compile(r"\.(pdf|zip|csv|xlsx|json|ics)$|[?&](format|export)=")
HREF = re.compile(r'href="([^"#]+)')


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder():
    """In place of the project's per-test upload folder (conftest.py): the tests download what the module's world
    uploaded, in its own temporary folder (`world`, demo/tests/conftest.py)."""


def _links(page: str, html: str) -> list[str]:
    """The site's own pages a page links to, as paths with their query strings."""
    found = []
    for href in HREF.findall(html):
        url = urljoin(page, href.replace("&amp;", "&"))
        if urlsplit(url).netloc or not url.startswith("/"):
            continue  # another site, mailto:, javascript:
        if url.startswith(NOT_FOLLOWED) or DOWNLOAD.search(url):
            continue
        found.append(url)
    return found


def _walk(client: Client) -> tuple[int, list[tuple[str, int, str]]]:
    """Walk from home; the pages reached and every (page, status, the page that linked it) refused or missing."""
    queue: collections.deque[tuple[str, str]] = collections.deque([("/", "")])
    seen: set[str] = set()
    shapes: collections.Counter[str] = collections.Counter()
    refused = []
    while queue and len(seen) < PAGES:
        url, source = queue.popleft()
        shape = re.sub(r"\d+", "N", urlsplit(url).path)
        if url in seen or shapes[shape] >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            # A redirect out of the site (a course material's web address) is not walked.
            if not urlsplit(response["Location"]).netloc:
                queue.append((response["Location"], source))
            continue
        if response.status_code != 200:
            refused.append((url, response.status_code, source))
            continue
        if "html" in response.get("Content-Type", ""):
            queue.extend((link, url) for link in _links(url, response.content.decode()))
    return len(seen), refused


def test_no_page_links_a_demo_login_to_a_page_that_refuses_it_or_is_not_there(world):
    refused, reached = [], {}
    for login in world.logins:
        client = client_for(User.objects.get(email=login.email))
        client.raise_request_exception = False  # a server error is a finding, listed with the others
        reached[login.email], found = _walk(client)
        refused += [(login.email, *finding) for finding in found]
    assert not refused, "\n".join(
        f"{who}: {url} answered {status}, linked from {source}" for who, url, status, source in refused
    )
    # The walk went somewhere: every login reached more than its home page, most reached many pages.
    assert min(reached.values()) > 1 and sorted(reached.values())[len(reached) // 2] >= 20, reached
