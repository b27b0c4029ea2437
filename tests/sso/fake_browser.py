"""Plays the user's browser in asso's login tests: ``$BROWSER`` points here.

It GETs the URL it is given and follows redirects, as a browser would: for PKCE the emulator's
``/authorize`` answers 302 to asso's loopback callback; for the device flow,
``verificationUriComplete`` approves the code. ``FAKE_BROWSER_MODE``: ``approve`` (default),
``deny`` (device flow: deny the code), ``close`` (do nothing: the user closed the browser).
``FAKE_BROWSER_LOG``: a file each URL is appended to. A ``file://`` page (``asso console``'s)
is read and its meta refresh followed.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request


def follow_page(url: str) -> str:
    """A local page (asso console's): read it and go where its meta refresh says."""
    import html
    import re
    import urllib.parse

    with open(urllib.parse.unquote(url[len("file://") :]), encoding="utf-8") as handle:
        page = handle.read()
    found = re.search(r'http-equiv="refresh" content="0;url=([^"]*)"', page)
    if not found:
        raise SystemExit("fake browser: no redirect in the page")
    return html.unescape(found.group(1))


def main() -> int:
    url = sys.argv[1]
    log = os.environ.get("FAKE_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(url + "\n")
    mode = os.environ.get("FAKE_BROWSER_MODE", "approve")
    time.sleep(float(os.environ.get("FAKE_BROWSER_DELAY", "0")))
    if mode == "close":
        return 0
    if mode == "deny" and "/device?" in url:
        url += "&deny=1"
    if url.startswith("file://"):
        url = follow_page(url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(url, timeout=20).read()
    except urllib.error.HTTPError as error:
        error.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
