"""What an approval binds: the SHA-256 of exactly the content a person approved.

An approval stores a digest of the message (envelope recipient, the To/Cc headers,
subject, body, every attachment's bytes and the complete raw text) or of the step
(kind, title, outgoing text, its payload with the files' recorded hashes). The sender
recomputes the digest at send time from what is stored then; any difference means the
content changed after approval, and nothing is sent.

These functions read only the stored rows, so the state migration that introduced
bound approvals computes them the same way.
"""

from __future__ import annotations

import hashlib
import json
from email import message_from_string, policy
from typing import Any

# Payload keys a step gains while it is carried out (calls logged): not part of approval.
VOLATILE_PAYLOAD = ("calls",)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def _attachments(raw: str) -> list[dict[str, str]]:
    msg = message_from_string(raw, policy=policy.default)
    found = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        found.append({"filename": str(part.get_filename() or ""),
                      "sha256": hashlib.sha256(data if isinstance(data, bytes) else b"")
                      .hexdigest()})
    return found


def _headers(raw: str) -> dict[str, str]:
    msg = message_from_string(raw, policy=policy.compat32)
    return {name: " ".join(str(v) for v in (msg.get_all(name) or []))
            for name in ("To", "Cc", "Bcc", "Subject")}


def message_digest(to_addr: str, subject: str, body: str, raw: str) -> str:
    """SHA-256 over recipients, subject, body, attachments' bytes and the raw message."""
    return hashlib.sha256(_canonical({
        "to": to_addr, "subject": subject, "body": body, "headers": _headers(raw),
        "attachments": _attachments(raw),
        "raw_sha256": hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    })).hexdigest()


def step_digest(kind: str, title: str, text: str, payload_json: str) -> str:
    """SHA-256 over a step's kind, title, outgoing text and payload (files with hashes)."""
    payload = {k: v for k, v in json.loads(payload_json).items() if k not in VOLATILE_PAYLOAD}
    return hashlib.sha256(_canonical({"kind": kind, "title": title, "text": text,
                                      "payload": payload})).hexdigest()
