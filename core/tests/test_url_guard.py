"""Every URL that names an object has a test proving another organisation's user gets 404."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.testing.outsider import COVERED


def _import_all_test_modules() -> None:
    for app in settings.PASTORAL_APPS + ["pastoral"]:
        tests_dir = Path(settings.BASE_DIR) / app / "tests"
        if not tests_dir.is_dir():
            continue
        for module in pkgutil.iter_modules([str(tests_dir)]):
            if module.name.startswith("test_") and module.name != "test_url_guard":
                importlib.import_module(f"{app}.tests.{module.name}")


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            found += _patterns(entry, f"{namespace}{ns}:" if ns else namespace)
        else:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def project_object_urls() -> list[str]:
    names = []
    for name, pattern in _patterns(get_resolver()):
        if name.startswith("admin:") or not pattern.pattern.converters:
            continue
        if getattr(pattern.callback, "login_required", True) is False:
            continue  # public by design (verification pages, secure links): they check their own tokens
        names.append(name)
    return sorted(set(names))


def test_it_covers_every_object_url_with_an_outsider_test() -> None:
    """A URL taking an object id without an outsider test fails the build."""
    _import_all_test_modules()
    missing = [name for name in project_object_urls() if name not in COVERED]
    assert not missing, f"URLs with no outsider (404) test: {missing}"


def test_it_requires_login_everywhere_but_marked_public_views() -> None:
    """Deny by default: only views explicitly marked public skip the login."""
    public = sorted(
        name
        for name, pattern in _patterns(get_resolver())
        if getattr(pattern.callback, "login_required", True) is False and not name.startswith("admin:")
    )
    allowed_prefixes = (
        "accounts:login",
        "healthz",
        "portfolios:verify",
        "portfolios:public",
        "support_plans:link",
        "qualifications:ical",
        "portfolios:credential_public",
        "safeguarding:transfer_link",
    )
    assert all(name.startswith(allowed_prefixes) for name in public), public
