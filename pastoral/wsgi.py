import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
application = get_wsgi_application()

# Load every view now (the URLconf imports them), then move what start-up built out of the cyclic garbage
# collector's reach: a full collection no longer walks the whole framework inside a request (the trust's caseload
# statistics: CPU p95 170 -> 99 ms per request, median unchanged; docs/performance.md, "Caseloads").
import pastoral.urls  # noqa: E402, F401

gc.freeze()
