"""The live drill page (``--live-page``): what a facilitator puts on the screen during a game day or a tabletop drill.

``GET /drill`` is one self-contained HTML page (live_page.html: inline CSS and JS, nothing fetched from elsewhere)
that polls ``GET /drill/state`` every second and redraws what changed: each engagement with its status, the time
since it started, the escalation stage running, who acknowledged and when, its pages and their receipts; and who is
on call now in each rotation. Its "acknowledge" button posts to ``POST /drill/acknowledge``, which runs AcceptPage
(AcceptType READ, the page's own accept code) through the same dispatch, validation and backend as an API call
(``EmulatorServer.answer_directly``): the person at the keyboard plays the responder, and the escalation reacts as
to any acknowledgement.

No templating library: the server fills one template with two values (the per-start token, a per-response CSP
nonce) and the page builds everything else from JSON with ``textContent``, so nothing the API stored is ever parsed
as HTML. Off by default and on loopback hosts only (config.py refuses others); requests must also name a loopback
host (a DNS-rebinding page cannot pose as one), and the acknowledge needs the token the page embeds plus a
same-origin ``Origin``: another site can neither forge it (CSRF) nor frame the page (clickjacking).
"""

from __future__ import annotations

import datetime
import email.message
import hmac
import html
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .config import is_loopback
from .escalation import seconds_per_minute
from .models import Contact, Engagement, Page, by_rotation_name

if TYPE_CHECKING:
    from .backend import Backend
    from .server import EmulatorServer

PATH = "/drill"
STATE_PATH = f"{PATH}/state"
ACKNOWLEDGE_PATH = f"{PATH}/acknowledge"
TOKEN_HEADER = "X-Drill-Token"
ACKNOWLEDGE_NOTE = "Acknowledged on the live drill page"
"""The acknowledgement's Note (its READ receipt's ReceiptInfo): the retro can tell the keyboard from the phone."""
USER_AGENT = "ssm-contacts-emulator/live-drill-page"
"""How the request log shows the page's AcceptPage calls."""
HAND_OFF_HORIZON = datetime.timedelta(days=62)
"""How far ahead the page looks for a rotation's next hand-off (a monthly rotation hands off within it)."""

_JSON = "application/json"
_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def handles(path: str) -> bool:
    return path == PATH or path.startswith(f"{PATH}/")


def _message(status: int, message: str) -> Answer:
    return Answer(status, _JSON, json.dumps({"message": message}).encode())


@cache
def _template() -> str:
    return resources.files(__package__).joinpath("live_page.html").read_text(encoding="utf-8")


class LivePage:
    """The page's three routes for one running emulator; ``token`` is made per start and only the page holds it."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.token = secrets.token_urlsafe(32)
        self._rotations = _RotationsCache()

    def state(self) -> dict[str, Any]:
        """Everything the page shows, as JSON; no message, address or accept code unless live_page_show_messages."""
        backend = self.server.backend
        config = self.server.config
        with backend.lock:
            now = time.time()
            at = backend.rotation_now(now)
            pages: dict[str, list[Page]] = defaultdict(list)
            for page in sorted(backend.pages.values(), key=lambda p: p.sent_time):
                pages[page.engagement_arn].append(page)
            view = _View(backend, config.live_page_show_messages, seconds_per_minute(config.time_scale))
            cache = self._rotations
            key = view.rotations_key()
            if key != cache.key or at.timestamp() >= cache.until:
                cache.key = key
                cache.view, cache.until = view.rotations(at)
            return {
                "now": now,
                "region": config.region,
                "time_scale": config.time_scale,
                "rotation_now": at.timestamp(),  # the rotations' clock (sped up with time_scale)
                "show_messages": config.live_page_show_messages,
                "engagements": [
                    view.engagement(e, pages[e.arn], now)
                    for e in sorted(backend.engagements.values(), key=lambda e: e.start_time, reverse=True)
                ],
                "rotations": cache.view,
            }

    def answer(self, method: str, path: str, headers: email.message.Message, body: bytes) -> Answer:
        config = self.server.config
        if not config.live_page:
            return _message(
                404,
                f"{method} {path}: the live drill page is off; start the emulator with --live-page "
                "(EmulatorConfig(live_page=True)) to serve it at /drill.",
            )
        try:
            host = urlsplit(f"//{headers.get('Host', '')}").hostname or ""
        except ValueError:  # a malformed Host ("[::1")
            host = ""
        if not is_loopback(host):
            return _message(
                403,
                f"The live drill page answers requests addressed to a loopback name only, not {host!r} (a page of "
                f"another site could pose as one): open {self.server.endpoint_url}{PATH}.",
            )
        route = (method, path.rstrip("/") or "/")
        if route == ("GET", PATH):
            return self._page()
        if route == ("GET", STATE_PATH):
            return Answer(200, _JSON, json.dumps(self.state()).encode(), {"Cache-Control": "no-store"})
        if route == ("POST", ACKNOWLEDGE_PATH):
            return self._acknowledge(headers, body)
        allowed = {PATH: "GET", STATE_PATH: "GET", ACKNOWLEDGE_PATH: "POST"}.get(route[1])
        if allowed:
            refused = _message(405, f"{method} {route[1]} is not served: use {allowed}.")
            return Answer(refused.status, refused.content_type, refused.body, {"Allow": allowed})
        return _message(404, f"{method} {path} is not served: the live drill page is GET {PATH}.")

    def _page(self) -> Answer:
        nonce = secrets.token_urlsafe(16)
        page = _template().replace("{{token}}", html.escape(self.token)).replace("{{nonce}}", nonce)
        return Answer(
            200,
            _HTML,
            page.encode(),
            {
                # Nothing but this page's own inline code and its own origin; no framing (clickjacking).
                "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; "
                "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'",
                "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",  # the token is per start: a cached page would carry a stale one
            },
        )

    def _acknowledge(self, headers: email.message.Message, body: bytes) -> Answer:
        origin = headers.get("Origin")
        if origin is not None and origin != f"http://{headers.get('Host', '')}":
            return _message(403, f"Acknowledge refused: it came from {origin!r}, another origin than the page's.")
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
            return _message(
                403,
                f"Acknowledge refused: the {TOKEN_HEADER} header must carry the token of the page this emulator "
                f"serves (it changes at each start): reload {PATH} and click again.",
            )
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = None
        page_arn = request.get("PageId") if isinstance(request, dict) else None
        if not isinstance(page_arn, str):
            return _message(400, 'Acknowledge needs a JSON body {"PageId": "<page ARN>"}.')
        backend = self.server.backend
        with backend.lock:  # reentrant: the check and AcceptPage see one state
            page = backend.pages.get(page_arn)
            if page is None:
                return _message(404, f"Page {page_arn} does not exist (the emulator was reset?): reload {PATH}.")
            if any(r["ReceiptType"] == "READ" for r in page.receipts):
                return _message(409, f"Page {page_arn} is already acknowledged: nothing to do.")
            call = {
                "PageId": page.arn,
                "AcceptType": "READ",
                "AcceptCode": page.accept_code,
                "AcceptCodeValidation": "ENFORCE",
                "Note": ACKNOWLEDGE_NOTE,
            }
            status, document, _ = self.server.answer_directly("AcceptPage", json.dumps(call).encode(), USER_AGENT)
        if status != 200:
            return _message(status, f"AcceptPage failed: {document.get('Message') or document}")
        return Answer(200, _JSON, json.dumps({"acknowledged": page_arn}).encode())


# -- the state the page draws -----------------------------------------------------------------------------------


class _RotationsCache:
    """The rotations' part of the state, kept until a rotation, override or contact changes or the next hand-off:
    shifts are computed from each rotation's start, which takes long for an old daily rotation, under the lock the
    API needs, and the page asks every second."""

    def __init__(self) -> None:
        self.key = ""
        self.until = 0.0
        self.view: list[dict[str, Any]] = []


class _View:
    """JSON shapes of the backend's objects; built under the backend's lock."""

    def __init__(self, backend: Backend, show_messages: bool, minute: float) -> None:
        self.backend = backend
        self.show = show_messages
        self.minute = minute

    def contact(self, arn: str) -> dict[str, Any]:
        found: Contact | None = self.backend.contacts.get(arn)
        alias = found.alias if found else arn.rsplit("/", 1)[-1]  # deleted since: its ARN ends in its alias
        return {"alias": alias, "name": (found.display_name if found else None) or alias}

    def engagement(self, engagement: Engagement, pages: list[Page], now: float) -> dict[str, Any]:
        reads = sorted(
            (r["ReceiptTime"], i, r) for i, p in enumerate(pages) for r in p.receipts if r["ReceiptType"] == "READ"
        )
        acknowledged = None
        if reads:
            at, index, receipt = reads[0]
            acknowledged = {
                **self.contact(pages[index].contact_arn),
                "channel_type": pages[index].channel_type,
                "time": at,
                "note": receipt.get("ReceiptInfo"),
            }
        if engagement.acknowledged:
            status = "ACKNOWLEDGED"
        elif engagement.stop_time is not None:
            status = "STOPPED"
        elif engagement.pending:
            status = "PAGING"  # stages (or retries) still to send
        else:
            status = "WAITING"  # every stage has paged; nobody has acknowledged
        # The plan stands still from the acknowledgement or the stop.
        end = acknowledged["time"] if engagement.acknowledged and acknowledged else engagement.stop_time or now
        shape: dict[str, Any] = {
            "arn": engagement.arn,
            "contact": self.contact(engagement.contact_arn),
            "sender": engagement.sender,
            "incident_id": engagement.incident_id,
            "start_time": engagement.start_time,
            "stop_time": engagement.stop_time,
            "stop_reason": engagement.stop_reason,
            "status": status,
            "acknowledged": acknowledged,
            "plan": self.plan(engagement, end, running=status == "PAGING"),
            "pages": [self.page(p) for p in pages],
        }
        if self.show:
            shape["message"] = engagement.message()
        return shape

    def plan(self, engagement: Engagement, end: float, running: bool) -> dict[str, Any] | None:
        """The engaged contact's stages, when each starts, and the one running at ``end``."""
        root = self.backend.contacts.get(engagement.contact_arn)
        if root is None or root.type == "ONCALL_SCHEDULE":
            rotations = root.plan.get("RotationIds") or [] if root else []
            names = [r.name for arn in rotations if (r := self.backend.rotations.get(arn))]
            return {"kind": "ONCALL_SCHEDULE", "rotations": names} if root else None
        stages: list[dict[str, Any]] = []
        start = engagement.start_time
        for stage in root.plan.get("Stages") or []:
            minutes = stage.get("DurationInMinutes") or 0
            stages.append({"start": start, "minutes": minutes, "targets": self.targets(stage)})
            start += minutes * self.minute
        if not stages:
            return None
        current = max(i for i, s in enumerate(stages) if s["start"] <= max(end, engagement.start_time))
        following = current + 1 < len(stages) and running
        return {
            "kind": root.type,
            "stages": stages,
            "current": current,
            "next_at": stages[current + 1]["start"] if following else None,
        }

    def targets(self, stage: dict[str, Any]) -> list[str]:
        names = []
        for target in stage.get("Targets") or []:
            if "ContactTargetInfo" in target:
                names.append(self.contact(target["ContactTargetInfo"].get("ContactId", ""))["name"])
            elif "ChannelTargetInfo" in target:
                channel = self.backend.channels.get(target["ChannelTargetInfo"].get("ContactChannelId", ""))
                names.append(f"{channel.name} ({channel.type})" if channel else "a deleted channel")
        return names

    def page(self, page: Page) -> dict[str, Any]:
        channel = self.backend.channels.get(page.channel_arn)
        shape: dict[str, Any] = {
            "arn": page.arn,
            "contact": self.contact(page.contact_arn),
            "channel": {"name": channel.name if channel else None, "type": page.channel_type},
            "stage": page.path[0].get("StageIndex") if page.path else None,
            "via": [self.contact(hop["ContactArn"])["name"] for hop in page.path[1:-1]],
            "sent_time": page.sent_time,
            "receipts": [
                {"type": r["ReceiptType"], "time": r["ReceiptTime"], "info": r.get("ReceiptInfo")}
                for r in page.receipts
            ],
            "read": any(r["ReceiptType"] == "READ" for r in page.receipts),
        }
        if self.show:
            shape["channel"]["address"] = page.address
            shape["accept_code"] = page.accept_code
        return shape

    def rotations_key(self) -> str:
        """What the rotations' view is made of (besides the clock): it is computed again when this changes."""
        backend = self.backend
        return json.dumps(
            [
                [r.to_dict() for r in backend.rotations.values()],
                [o.to_dict() for o in backend.overrides.values()],
                [[c.arn, c.display_name, c.type == "ONCALL_SCHEDULE" and c.plan] for c in backend.contacts.values()],
            ],
            sort_keys=True,
        )

    def rotations(self, at: datetime.datetime) -> tuple[list[dict[str, Any]], float]:
        """Each rotation at ``at`` (the rotations' clock): who is on call, the next hand-off, the schedules over it;
        and when the first of them changes (a hand-off, or the end of a covered stretch)."""
        backend = self.backend
        schedules: dict[str, list[str]] = defaultdict(list)
        for contact in backend.contacts.values():
            if contact.type == "ONCALL_SCHEDULE":
                for arn in contact.plan.get("RotationIds") or []:
                    schedules[arn].append(contact.alias)
        horizon = at + HAND_OFF_HORIZON
        changes = [horizon]
        out = []
        for rotation in sorted(backend.rotations.values(), key=by_rotation_name):
            shifts, _ = backend.list_rotation_shifts(rotation_id=rotation.arn, end_time=horizon.timestamp())
            current = next((s for s in shifts if s.start <= at < s.end), None)
            upcoming = [s for s in shifts if s.start > at]
            changes += [current.end] if current else [s.start for s in upcoming[:1]]
            out.append(
                {
                    "name": rotation.name,
                    "time_zone": rotation.time_zone_id,
                    "on_call": [self.contact(arn) for arn in (current.members if current else ())],
                    "next_hand_off": upcoming[0].start.timestamp() if upcoming else None,
                    "next_on_call": [self.contact(arn) for arn in upcoming[0].members] if upcoming else [],
                    "schedules": sorted(schedules[rotation.arn]),
                }
            )
        return out, min(changes).timestamp()
