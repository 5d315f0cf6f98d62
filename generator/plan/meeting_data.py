"""What a cohort or agenda page carries for the reader's browser, and the invitation to a meeting.

The site is static, yet a reader wants to know which meeting is next however long ago it was
built: so the pages carry the schedule as data (ISO times with their offsets, in `data-hb-*`
attributes) and a script in the reader's browser compares it with the clock
(site_overrides/assets/javascripts/meetings.js). The build itself never reads the clock.

Every value that lands in an attribute has a fixed format (ISO_MINUTE, CHECKLIST_KEY), which the
output allowlist checks again (engine/sanitize.py), so titles and names, which come from
spreadsheets, never sit in an attribute. The one exception is the invitation's mailto link, in
which everything but unreserved characters is percent-encoded: a title cannot end the
attribute, add a mail header or a second body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import ENGLISH, N_, Lang
from .data_formats import CHECKLIST_KEY as CHECKLIST_KEY
from .data_formats import ISO_MINUTE as ISO_MINUTE
from .views import View

if TYPE_CHECKING:
    from ..resolve.schedule import ScheduledMeeting
    from ..validate.models import Cohort, Session



def iso_minute(value: dt.datetime) -> str:
    """An aware time as ISO 8601 to the minute with its UTC offset."""
    text = value.isoformat(timespec="minutes")
    if not re.fullmatch(ISO_MINUTE, text):  # an offset in seconds: none since 1972
        raise ValueError(f"cannot write {text} as a time with an offset in minutes")
    return text


def meetings_attribute(meetings: Iterable[tuple[dt.datetime, dt.datetime]]) -> str:
    """Start/end of every meeting of a cohort, in order, separated by spaces: the banner's
    data, so every page of a cohort can say which meeting is next."""
    return " ".join(f"{iso_minute(start)}/{iso_minute(end)}" for start, end in meetings)


def checklist_key(meeting_page: str) -> str:
    """The key under which the browser keeps a meeting's ticks: its page path."""
    key = meeting_page.removesuffix(".md")
    if not re.fullmatch(CHECKLIST_KEY, key):
        raise ValueError(f"{key!r} is not a meeting page path")
    return key


def mailto(subject: str, body: str) -> str:
    """A mailto link with no recipient (the reader picks their partner): every character but
    the unreserved ones percent-encoded (RFC 6068), line breaks as CRLF in the body, none in
    the subject, so a header cannot be added from a title."""
    subject = " ".join(subject.split())
    body = "\r\n".join(body.splitlines())
    return f"mailto:?subject={_quote(subject)}&body={_quote(body)}"


# What `urllib.parse.quote(text, safe='')` makes of each byte of the UTF-8 text: the
# unreserved ASCII characters as they are, every other byte as %XX.
_QUOTED = [chr(b) if b < 128 and (chr(b).isalnum() or chr(b) in "_.-~") else f"%{b:02X}"
           for b in range(256)]


def _quote(text: str) -> str:
    """`urllib.parse.quote(text, safe='')` with the per-byte loop in C (`map`), twice as
    fast: an invitation is quoted whole, thousands of them on a large site. A lone
    surrogate raises UnicodeEncodeError, as `quote` does."""
    return "".join(map(_QUOTED.__getitem__, text.encode("utf-8")))


@dataclass(frozen=True)
class Invite(View):
    """The invitation on an agenda page: the plain text in three parts (`when`, the middle
    one, is what the browser restates in the reader's zone from `start`/`end`) and the
    mailto link carrying the same text."""

    subject: str
    before: str
    when: str
    after: str
    start: str
    end: str
    mailto: str


def invitation(cohort: Cohort, meeting: ScheduledMeeting, session: Session, total: int,
               day: str, time: str, lang: Lang = ENGLISH) -> Invite:
    """The invitation one partner sends the other, in the site's language. `day` and `time`
    are the agenda's own ('Thursday 22 April 2027', '12:30–13:15 BST (Europe/London)'), so
    the invitation states the cohort's zone without the script."""
    said = lang.gettext
    heading = said(N_("Mentoring meeting %(number)s of %(total)s: %(title)s"),
                   number=meeting.number, total=total, title=session.title)
    subject = f"{heading} ({cohort.title})"
    when = f"{day}, {time}"
    before = [heading, cohort.title, "", said(N_("When:")) + " "]
    after = []
    if cohort.place:
        after.append(said(N_("Where: %(place)s"), place=cohort.place))
    if cohort.video_link:
        after.append(said(N_("Video call: %(url)s"), url=cohort.video_link))
    after += ["", said(N_("Objective: %(objective)s"), objective=session.objective), "",
              said(N_("Agenda (%(minutes)s minutes):"), minutes=session.minutes),
              *("- " + said(N_("%(item)s (%(minutes)s min)"), item=row.item, minutes=row.minutes)
                for row in session.agenda)]
    head, tail = "\n".join(before), "\n" + "\n".join(after)
    return Invite(subject, head, when, tail, iso_minute(meeting.start), iso_minute(meeting.end),
                  mailto(subject, head + when + tail))
