"""Fake vendor APIs for the replay server: paging and errors as each vendor documents."""

from __future__ import annotations

import base64
from typing import Any

from tests.connectors.replay import Reply, Request, load

STRIPE_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
STRIPE_VERSION = "2024-06-20"  # the version the fixtures' objects are shaped for


def stripe_data() -> dict[str, list[dict[str, Any]]]:
    return {name: load("stripe", f"{name}.json") for name in
            ("customers", "subscriptions", "invoices", "charges", "refunds", "disputes")} \
        | {"events": []}


def stripe_api(data: dict[str, list[dict[str, Any]]]) -> Any:
    def api(req: Request, base: str) -> Reply:
        if req.headers.get("authorization") != f"Bearer {STRIPE_KEY}":
            return Reply(401, {"error": {"type": "invalid_request_error",
                                         "message": "Invalid API Key provided: sk_test_****"}})
        if req.headers.get("stripe-version") != STRIPE_VERSION:
            # the fixtures are objects of this version; another would have another shape
            return Reply(400, {"error": {"type": "invalid_request_error",
                                         "message": "replay: Stripe-Version must be "
                                                    f"{STRIPE_VERSION}"}})
        parts = req.path.strip("/").split("/")
        if len(parts) == 3 and parts[:2] == ["v1", "charges"]:
            for ch in data["charges"] + [e["data"]["object"] for e in data["events"]]:
                if ch["id"] == parts[2]:
                    return Reply(200, ch)
            return Reply(404, {"error": {"type": "invalid_request_error",
                                         "message": f"No such charge: '{parts[2]}'"}})
        if len(parts) != 2 or parts[0] != "v1" or parts[1] not in data:
            return Reply(404, {"error": {"type": "invalid_request_error",
                                         "message": "Unrecognized request URL"}})
        items = sorted(data[parts[1]], key=lambda o: (o["created"], o["id"]), reverse=True)
        if "created[gte]" in req.query:
            items = [o for o in items if o["created"] >= int(req.query["created[gte]"])]
        if "starting_after" in req.query:
            ids = [o["id"] for o in items]
            items = items[ids.index(req.query["starting_after"]) + 1:]
        limit = int(req.query.get("limit", 10))
        return Reply(200, {"object": "list", "url": req.path, "has_more": len(items) > limit,
                           "data": items[:limit]})
    return api


# -- WHMCS --------------------------------------------------------------------------
WHMCS_ID, WHMCS_SECRET = "D4j1dKYE3g40VROOPCGyJ9zRwP0ADJIv", "F1CKGXRIpylMfsrig3mwwdSdYUdLiFlo"
WHMCS_LISTS = {"GetClients": ("clients", "client"),
               "GetClientsProducts": ("products", "product"),
               "GetInvoices": ("invoices", "invoice"), "GetOrders": ("orders", "order"),
               "GetTickets": ("tickets", "ticket")}


def whmcs_data() -> dict[str, Any]:
    return load("whmcs", "data.json")


def whmcs_api(data: dict[str, Any]) -> Any:
    def api(req: Request, base: str) -> Reply:
        if req.path != "/includes/api.php":
            return Reply(404, "<html><body>Not Found</body></html>")
        f = req.form
        if f.get("identifier") != WHMCS_ID or f.get("secret") != WHMCS_SECRET:
            # WHMCS answers a bad identifier/secret with result=error (HTTP 403 since 8.x)
            return Reply(403, {"result": "error", "message": "Authentication Failed"})
        action = f.get("action", "")
        if action in WHMCS_LISTS:
            outer, inner = WHMCS_LISTS[action]
            items = data[action]
            start, num = int(f.get("limitstart", 0)), int(f.get("limitnum", 25))
            page = items[start:start + num]
            return Reply(200, {"result": "success", "totalresults": len(items),
                               "startnumber": start, "numreturned": len(page),
                               outer: {inner: page} if page else ""})
        if action == "GetTicket":
            return Reply(200, data["GetTicket"][f["ticketid"]])
        if action == "GetTransactions":
            return Reply(200, {"result": "success", "totalresults": len(data[action]),
                               "startnumber": 0, "numreturned": len(data[action]),
                               "transactions": {"transaction": data[action]}})
        if action == "GetCredits":
            credits = data["GetCredits"].get(f["clientid"], [])
            return Reply(200, {"result": "success", "totalresults": len(credits),
                               "clientid": f["clientid"], "credits": {"credit": credits}})
        return Reply(200, {"result": "error", "message": f"Command Not Found: {action}"})
    return api


# -- Zendesk ------------------------------------------------------------------------
ZENDESK_USER, ZENDESK_TOKEN = "admin@provider.example", "6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def zendesk_data() -> dict[str, Any]:
    return load("zendesk", "data.json")


def zendesk_api(data: dict[str, Any]) -> Any:
    """Incremental exports: a cursor is the index of the next item in the list."""
    def cursor_page(key: str, req: Request, base: str, extra: dict[str, Any]) -> Reply:
        items = data[key]
        start = int(req.query["cursor"]) if "cursor" in req.query else 0
        size = int(req.query.get("per_page", 1000))
        page = items[start:start + size]
        after = start + len(page)
        body = {key: page, "after_cursor": str(after),
                "after_url": f"{base}{req.path}?cursor={after}", "before_cursor": None,
                "before_url": None, "end_of_stream": after >= len(items)}
        if key == "tickets" and req.query.get("include") == "metric_sets":
            ids = {t["id"] for t in page}
            body["metric_sets"] = [m for m in data["metric_sets"] if m["ticket_id"] in ids]
        return Reply(200, body | extra)

    def api(req: Request, base: str) -> Reply:
        if req.headers.get("authorization") != _basic(f"{ZENDESK_USER}/token", ZENDESK_TOKEN):
            return Reply(401, {"error": "Couldn't authenticate you"})
        p = req.path
        if p == "/api/v2/incremental/tickets/cursor.json":
            return cursor_page("tickets", req, base, {})
        if p == "/api/v2/incremental/users/cursor.json":
            return cursor_page("users", req, base, {})
        if p == "/api/v2/incremental/organizations.json":
            since = int(req.query.get("start_time", 0))
            orgs = [o for o in data["organizations"] if o["_updated"] >= since]
            end = max([since, *(o["_updated"] for o in orgs)])
            return Reply(200, {"organizations": [{k: v for k, v in o.items()
                                                  if not k.startswith("_")} for o in orgs],
                               "count": len(orgs), "end_time": end, "next_page": None,
                               "end_of_stream": True})
        if p.startswith("/api/v2/tickets/") and p.endswith("/comments.json"):
            tid = p.split("/")[4]
            comments = data["comments"].get(tid, [])
            return Reply(200, {"comments": comments, "count": len(comments),
                               "next_page": None, "previous_page": None})
        if p.startswith("/api/v2/users/") and p.endswith(".json"):
            uid = int(p.split("/")[4].removesuffix(".json"))
            for u in data["users"] + data["agents"]:
                if u["id"] == uid:
                    return Reply(200, {"user": u})
            return Reply(404, {"error": "RecordNotFound", "description": "Not found"})
        return Reply(404, {"error": "InvalidEndpoint", "description": "Not found"})
    return api


# -- Freshdesk ----------------------------------------------------------------------
FRESHDESK_KEY = "MhGFJHS6kf8x2L9vQ0aB"


def freshdesk_data() -> dict[str, Any]:
    return load("freshdesk", "data.json")


def freshdesk_api(data: dict[str, Any]) -> Any:
    def paged(items: list[Any], req: Request, base: str) -> Reply:
        page, per = int(req.query.get("page", 1)), int(req.query.get("per_page", 30))
        chunk = items[(page - 1) * per: page * per]
        headers = {}
        if page * per < len(items):
            query = "&".join(f"{k}={v}" for k, v in req.query.items() if k != "page")
            headers["Link"] = f'<{base}{req.path}?{query}&page={page + 1}>; rel="next"'
        return Reply(200, chunk, headers)

    def api(req: Request, base: str) -> Reply:
        if req.headers.get("authorization") != _basic(FRESHDESK_KEY, "X"):
            return Reply(401, {"code": "invalid_credentials",
                               "message": "You have to be logged in to perform this action."})
        p = req.path
        if p == "/api/v2/companies":
            return paged(data["companies"], req, base)
        if p == "/api/v2/contacts":
            since = req.query.get("_updated_since", "")
            return paged([c for c in data["contacts"] if c["updated_at"] >= since], req, base)
        if p.startswith("/api/v2/contacts/"):
            cid = int(p.rsplit("/", 1)[1])
            for c in data["contacts"]:
                if c["id"] == cid:
                    return Reply(200, c)
            return Reply(404, None)
        if p == "/api/v2/tickets":
            since = req.query.get("updated_since", "")
            items = sorted([t for t in data["tickets"] if t["updated_at"] >= since],
                           key=lambda t: t["updated_at"])
            return paged(items, req, base)
        if p.endswith("/conversations"):
            return paged(data["conversations"].get(p.split("/")[4], []), req, base)
        if p.endswith("/time_entries"):
            return paged(data["time_entries"].get(p.split("/")[4], []), req, base)
        return Reply(404, {"code": "invalid_path", "message": "This API path is not valid"})
    return api
