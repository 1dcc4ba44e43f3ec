"""HTTP requests that never follow a redirect: a redirect would carry the credentials, and re-post the body, to
wherever it points. The redirect's own status comes back as an `HTTPError` instead."""

from __future__ import annotations

import urllib.request


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None


OPENER = urllib.request.build_opener(_NoRedirects)
