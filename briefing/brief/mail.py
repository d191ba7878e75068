"""The brief as an email (``.eml``), for the morning's mail.

A MIME message, multipart/alternative: the plain-text brief, then an HTML part styled inline
that loads nothing (no links to fetch, no images, no fonts, no stylesheets), so any mail client
shows it as it is and fetches nothing. Addresses are checked before anything is read, so a typo
in ``--email-from`` costs one line, not a build.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from briefing.brief.render import _CONTROL_RE, _context, _env, _finish, clean, render_text
from briefing.errors import UsageError
from briefing.models import Brief

DEFAULT_SENDER = "Briefing <briefing@localhost>"


def email_address(value: str, option: str = "--email-from") -> str:
    """``value`` as one mail address header value (``Name <name@example.org>`` or
    ``name@example.org``); :class:`UsageError` naming ``option`` when it is not one."""
    from email.utils import formataddr, getaddresses

    text = str(value).strip()
    found = getaddresses([text]) if text and not _CONTROL_RE.search(text) else []
    if len(found) == 1:
        name, addr = found[0]
        local, at, domain = addr.partition("@")
        if at and local and domain and "@" not in domain and " " not in addr:
            return formataddr((name, addr))
    raise UsageError(
        f"{option}: {value!r} is not one email address "
        "(use name@example.org or 'Name <name@example.org>')"
    )


def render_email(
    brief: Brief,
    *,
    sender: str | None = None,
    to: Sequence[str] = (),
    now: Any = None,
) -> bytes:
    """The brief as an email message (RFC 5322, MIME multipart/alternative): the plain-text
    brief, then an HTML part with inline styles that loads nothing (no links to fetch, no
    images, no fonts, no stylesheets), so any mail client shows it as it is and fetches nothing.

    ``sender`` is the From address (:data:`DEFAULT_SENDER` if not given); ``to`` the
    recipients, if any (a mail tool may add them); ``now`` the Date (default: now).
    """
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime, localtime, make_msgid

    from_addr = email_address(sender or DEFAULT_SENDER, "--email-from")
    recipients = [email_address(addr, "--email-to") for addr in to]
    msg = EmailMessage(policy=policy.default)
    msg["Subject"] = clean(f"{brief.title} — {brief.date}")
    msg["From"] = from_addr
    if recipients:
        msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now or localtime())
    domain = from_addr.rpartition("@")[2].rstrip(">") or "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(render_text(brief))
    html = _env().get_template("brief-email.html").render(_context(brief))
    msg.add_alternative(_finish(html), subtype="html")
    return msg.as_bytes()
