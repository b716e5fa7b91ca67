"""The team's web app: server-rendered pages (Jinja2, autoescaped) and a JSON API.

Every route declares the roles that may use it in its ``@route(...)`` line, and that
declaration is what is enforced (the registered handler is wrapped so the signed-in
user is checked before it runs; the handler reads the user from ``me(request)``), so the two cannot drift.
Anonymous visitors reach only the sign-in page, static files and the OpenAPI
description. State-changing requests are POST forms carrying the session's CSRF token.
Data comes only through ``WebData``.

Handlers that read are plain functions, run on the server's thread pool, so a slow query
never holds up the event loop; POST handlers read their form on the loop and hand the
service call to the pool.
"""

from __future__ import annotations

import functools
import inspect
import io
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, Undefined, select_autoescape
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from goodfit import csvsafe
from goodfit.errors import GoodfitError, InvalidChoice, NotAllowed
from goodfit.project import Project
from goodfit.web import svg
from goodfit.web.auth import (
    ANY_SIGNED_IN,
    COOKIE,
    LEADS,
    OWNER,
    STAFF,
    csrf_ok,
)
from goodfit.web.data import SORT_KEYS, CustomerQuery, NoSnapshot, WebData

if TYPE_CHECKING:
    from goodfit.actions.sessions import Session

STATIC = Path(__file__).parent / "static"
# A text cell a spreadsheet would run as a formula gets a leading apostrophe.
CSV_COLUMNS = ("customer_id", "name", "segment", "score", "plan", "revenue", "cost_to_serve",
               "profit", "margin", "tickets", "flags")
MAX_CSV_ROWS = 100_000
# a case step's files by suffix: (media type, shown inline or downloaded)
FILE_TYPES = {".pdf": ("application/pdf", "inline"), ".zip": ("application/zip", "attachment"),
              ".csv": ("text/csv; charset=utf-8", "attachment")}

Text = Annotated[str | None, Query(max_length=200)]
Sort = Annotated[str, Query(max_length=40)]
Page = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=1000)]
# Empty form fields arrive as "": an amount is read by _amount (blank: no filter).
Amount = Annotated[str | None, Query(max_length=40, pattern=r"^\s*(-?\d{1,15}(\.\d*)?)?\s*$")]
Span = Annotated[int | None, Query(ge=0, le=10_000_000)]
ShortText = Annotated[str | None, Query(max_length=200)]
RowId = Annotated[int, PathParam(ge=1, le=2**62)]  # case and draw numbers fit the DB's int

# (method, path) → roles allowed. Anonymous routes are not listed here (see PUBLIC).
ROUTES: dict[tuple[str, str], frozenset[str]] = {}
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/api/openapi.json"),
          ("GET", "/static")}


class SignInNeeded(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class User:
    def __init__(self, name: str, role: str, session: Session) -> None:
        self.name, self.role, self.session = name, role, session

    def can(self, roles: frozenset[str]) -> bool:
        return self.role in roles


def me(request: Request) -> User:
    """The signed-in user, as the route's guard checked them."""
    user = getattr(request.state, "user", None)
    if not isinstance(user, User):  # a route made without ``route(...)``: refuse
        raise SignInNeeded()
    return user


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, tuple) else ":".join(map(str, k)): _jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _amount(v: str | None) -> float | None:
    return float(v) if v is not None and v.strip() else None


def _num(v: Any) -> float | None:
    if v is None or isinstance(v, Undefined) or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("goodfit.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))

    def money(v: Any) -> str:
        n = _num(v)
        return "—" if n is None else f"{n:,.2f}"

    def pct(v: Any) -> str:
        n = _num(v)
        return "no revenue" if n is None else f"{n:.1%}"

    env.filters["money"] = money
    env.filters["pct"] = pct
    env.filters["share"] = lambda v: "—" if _num(v) is None else f"{_num(v):.0%}"
    def num(v: Any, digits: int = 0) -> str:
        n = _num(v)
        return "—" if n is None else f"{n:,.{digits}f}"

    env.filters["num"] = num
    env.filters["when"] = lambda v: "" if v is None else str(v)[:16].replace("T", " ")
    return env


def highlight(body: str | None, span: list[int] | None, quote: str | None) -> Markup:
    """The message text with the cited span marked; all of it escaped. When the stored
    quote no longer matches the text at the span (the message changed since the analysis),
    the quote is searched for; not found, the text is shown unmarked with the quote after."""
    text = body or ""
    if span and 0 <= span[0] < span[1] <= len(text) and (quote is None
                                                          or text[span[0]:span[1]] == quote):
        a, b = span
        return Markup("{}<mark>{}</mark>{}").format(text[:a], text[a:b], text[b:])
    if quote and quote in text:
        a = text.index(quote)
        return Markup("{}<mark>{}</mark>{}").format(text[:a], quote, text[a + len(quote):])
    if quote:
        return Markup('{}<br><small>quoted at analysis:</small> <mark>{}</mark>').format(
            text, quote)
    return Markup("{}").format(text)


def create_app(project: Project, *, secure_cookies: bool = True, warm: bool = False
               ) -> FastAPI:
    """The app over ``project``. ``warm``: read the newest snapshot's per-customer
    figures when the server starts (``goodfit serve``), not on the first customer page.
    The server accepts no request before that read is done (it runs in the app's
    lifespan startup), so no request waits behind it."""
    data = WebData(project)
    settings = data.web
    # in the state DB: every worker process shares them, a restart keeps them (this
    # also opens the state DB, before any thread of the app's own may)
    sessions = project.actions.web_sessions(settings.session_hours * 3600)
    limiter = project.actions.signin_limiter(settings.login_attempts,
                                             settings.login_window_seconds)
    env = _environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(data.warm)  # freezes what it read: see data.settle_memory
        yield

    app = FastAPI(title="goodfit", version="1", openapi_url="/api/openapi.json",
                  lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="The same data as the goodfit web pages, for scripts. Sign in "
                  "at /login first; requests carry the session cookie.")
    app.state.data = data
    app.state.sessions = sessions
    app.state.limiter = limiter
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- plumbing -------------------------------------------------------------
    def set_cookie(resp: Response, s: Session) -> None:
        resp.set_cookie(COOKIE, s.id, max_age=int(settings.session_hours * 3600),
                        httponly=True, secure=secure_cookies, samesite="strict", path="/")

    def current(request: Request) -> User | None:
        s = sessions.get(request.cookies.get(COOKIE))
        if s is None or s.user is None:
            return None
        u = data.user(s.user)
        if u is None or u.role not in ANY_SIGNED_IN:
            return None
        return User(u.name, u.role, s)

    def allow(request: Request, roles: frozenset[str]) -> User:
        user = current(request)
        if user is None:
            raise SignInNeeded()
        if not user.can(roles):
            raise Forbidden(f"{user.name} is {user.role}; this page is for "
                            f"{', '.join(sorted(roles))}")
        return user

    def guarded(handler: Handler, roles: frozenset[str]) -> Handler:
        """The handler, run only after the signed-in user is checked against ``roles``
        (on the handler's own thread for a plain function, on the pool for a coroutine)."""
        if inspect.iscoroutinefunction(handler):
            @functools.wraps(handler)
            async def checked_async(request: Request, *args: Any, **kwargs: Any) -> Any:
                request.state.user = await run_in_threadpool(allow, request, roles)
                return await handler(request, *args, **kwargs)
            checked_async.roles = roles  # type: ignore[attr-defined]
            return checked_async

        @functools.wraps(handler)
        def checked(request: Request, *args: Any, **kwargs: Any) -> Any:
            request.state.user = allow(request, roles)
            return handler(request, *args, **kwargs)
        checked.roles = roles  # type: ignore[attr-defined]
        return checked

    async def checked_form(request: Request, user: User) -> dict[str, str]:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        if not csrf_ok(user.session, values.get("csrf")):
            raise Forbidden("the form's security token is missing or stale: reload the page")
        return values

    def page(request: Request, template: str, user: User | None, status: int = 200,
             **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            user=user, csrf=user.session.csrf if user else "", project=data.project_name,
            currency=data.currency, request_path=request.url.path, STAFF=STAFF, LEADS=LEADS,
            OWNER=OWNER, writer=data.writer() if user else None, **context)
        return HTMLResponse(html, status_code=status)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    Handler = Callable[..., Any]

    def route(method: str, path: str, roles: frozenset[str]) -> Callable[[Handler], Handler]:
        """The one place a route's roles are said: recorded in ``ROUTES`` and checked by
        the wrapper ``guarded`` before the handler runs."""
        ROUTES[(method, path)] = roles

        def register(handler: Handler) -> Handler:
            app.api_route(path, methods=[method], include_in_schema=path.startswith("/api/"))(
                guarded(handler, roles))
            return handler
        return register

    def signed_in(request: Request) -> User | None:
        user = getattr(request.state, "user", None)
        return user if isinstance(user, User) else current(request)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        if is_api(request):
            return JSONResponse({"error": "sign_in_needed",
                                 "message": "sign in at /login first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"error": "forbidden", "message": exc.message}, status_code=403)
        return page(request, "error.html", signed_in(request), 403, title="Not allowed",
                    message=exc.message)

    @app.exception_handler(GoodfitError)
    async def _goodfit(request: Request, exc: GoodfitError) -> Response:
        status = (403 if isinstance(exc, NotAllowed) else 404 if exc.code.startswith("unknown")
                  else 503 if isinstance(exc, NoSnapshot) else 400 if isinstance(
                      exc, InvalidChoice) else 409)
        if is_api(request):
            return JSONResponse(exc.to_dict(), status_code=status)
        return page(request, "error.html", signed_in(request), status, title="Cannot do that",
                    message=exc.message)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                       ) -> Response:
        resp = await call_next(request)
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            resp.headers["Cache-Control"] = "no-store"
        return resp

    # -- sign in / out --------------------------------------------------------
    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        s = sessions.get(request.cookies.get(COOKIE)) or sessions.new()
        resp = page(request, "login.html", None, csrf_token=s.csrf, error=None)
        set_cookie(resp, s)
        return resp

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        # sessions and the limit are state DB rows: read and written off the event loop
        s = await run_in_threadpool(sessions.get, request.cookies.get(COOKIE))
        form = await request.form()
        name = str(form.get("name") or "")[:100]
        password = str(form.get("password") or "")[:1000]
        client = request.client.host if request.client else "unknown"
        if not csrf_ok(s, str(form.get("csrf") or "")):
            s = await run_in_threadpool(sessions.new)
            resp = page(request, "login.html", None, 403, csrf_token=s.csrf,
                        error="The form expired: try again.")
            set_cookie(resp, s)
            return resp
        assert s is not None
        if await run_in_threadpool(limiter.blocked, name, client):
            return page(request, "login.html", None, 429, csrf_token=s.csrf,
                        error="Too many failed sign-ins: wait a few minutes and try again.")
        user = await run_in_threadpool(data.authenticate, name, password)  # argon2: slow
        if user is None:
            await run_in_threadpool(limiter.failed, name, client)
            return page(request, "login.html", None, 401, csrf_token=s.csrf,
                        error="Wrong name or password.")
        await run_in_threadpool(limiter.succeeded, name)
        await run_in_threadpool(sessions.drop, s.id)  # a fresh id: no session fixation
        fresh = await run_in_threadpool(sessions.new, user.name)
        done = RedirectResponse("/", status_code=303)
        set_cookie(done, fresh)
        return done

    @route("POST", "/logout", ANY_SIGNED_IN)
    async def logout(request: Request) -> Response:
        user = me(request)
        await checked_form(request, user)
        await run_in_threadpool(sessions.drop, user.session.id)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    # -- overview -------------------------------------------------------------
    def overview_charts(ov: dict[str, Any]) -> dict[str, Markup]:
        conc = ov["concentration"]
        charts = {
            "lorenz": svg.lorenz(conc.lorenz, "Lorenz curve of cost to serve"),
            "segments": svg.hbars([(k, v["customers"]) for k, v in
                                   sorted(ov["segments"].items())], "Customers per segment",
                                  money=False, colours=svg.SEGMENT_COLOURS),
            "segment_profit": svg.hbars([(k, v["profit"]) for k, v in
                                         sorted(ov["segments"].items())], "Profit per segment",
                                        colours=svg.SEGMENT_COLOURS),
            "parts": svg.hbars([(k.replace("_", " "), v) for k, v in ov["cost_parts"].items()],
                               "Cost to serve by part"),
        }
        if ov["monthly"]:
            months = [str(m["month"])[:7] for m in ov["monthly"]]
            charts["trend"] = svg.trend(months, {
                "revenue": [float(m["revenue"] or 0) for m in ov["monthly"]],
                "cost to serve": [float((m["support_cost"] or 0) + (m["other_cost"] or 0))
                                  for m in ov["monthly"]],
                "profit": [float(m["profit"] or 0) for m in ov["monthly"]]},
                "Monthly revenue, cost and profit")
        return charts

    @route("GET", "/", ANY_SIGNED_IN)
    def overview(request: Request) -> Response:
        user = me(request)
        ov = data.overview()
        return page(request, "overview.html", user, ov=ov, charts=overview_charts(ov))

    # -- customers ------------------------------------------------------------
    def customer_query(segment: str | None, flag: str | None, plan: str | None,
                       min_revenue: str | None, min_cost: str | None, sort: str,
                       desc: bool, page_no: int, size: int | None = None) -> CustomerQuery:
        return CustomerQuery(segment=segment or None, flag=flag or None, plan=plan or None,
                             min_revenue=_amount(min_revenue), min_cost=_amount(min_cost),
                             sort=sort,
                             descending=desc, page=page_no,
                             page_size=size or settings.page_size)

    @route("GET", "/customers", ANY_SIGNED_IN)
    def customers(request: Request, q: Text = None, segment: Text = None,
                        flag: Text = None, plan: Text = None, country: Text = None,
                        min_revenue: Amount = None, min_cost: Amount = None,
                        sort: Sort = "profit", desc: bool = False, page_no: Page = 1) -> Response:
        user = me(request)
        query = customer_query(segment, flag, plan, min_revenue, min_cost, sort, desc, page_no)
        found = data.customers(query, email_or_id=q, country=country)
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        return page(request, "customers.html", user, found=found, choices=data.choices(found.snapshot.id),
                    params=params, q=q or "", country=country or "", sorts=SORT_KEYS)

    @route("GET", "/customers.csv", STAFF)
    def customers_csv(request: Request, q: Text = None, segment: Text = None,
                            flag: Text = None, plan: Text = None, country: Text = None,
                            min_revenue: Amount = None, min_cost: Amount = None,
                            sort: Sort = "profit", desc: bool = False) -> Response:
        query = customer_query(segment, flag, plan, min_revenue, min_cost, sort, desc, 1,
                               size=10_000)
        out = io.StringIO()
        w = csvsafe.writer(out)  # every text cell neutralised (goodfit.csvsafe)
        w.writerow(CSV_COLUMNS)
        page_no, written = 1, 0
        while written < MAX_CSV_ROWS:
            from dataclasses import replace

            found = data.customers(replace(query, page=page_no), email_or_id=q, country=country)
            for r in found.rows:
                row = {**r, "flags": " ".join(r["flags"])}
                w.writerow([row.get(c) for c in CSV_COLUMNS])
            written += len(found.rows)
            if page_no >= found.pages:
                break
            page_no += 1
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="customers.csv"'})

    def monthly_chart(monthly: list[dict[str, Any]]) -> Markup:
        return svg.trend([str(m["month"])[:7] for m in monthly], {
            "revenue": [float(m["revenue"] or 0) for m in monthly],
            "cost to serve": [float(m["cost_to_serve"] or 0) for m in monthly],
            "profit": [float(m["profit"] or 0) for m in monthly]},
            "Monthly revenue, cost and profit")

    @route("GET", "/customers/{customer_id}", ANY_SIGNED_IN)
    def customer(request: Request, customer_id: str) -> Response:
        user = me(request)
        found = data.customer(customer_id)
        show_text = user.can(STAFF)
        cases = data.cases(customer_id=customer_id) if show_text else []
        charts = {"components": svg.hbars(
            [(k.replace("_", " "), float(v or 0)) for k, v in found["components"].items()],
            "Fit score contributions", money=False)}
        if found["monthly"]:
            charts["trend"] = monthly_chart(found["monthly"])
        return page(request, "customer.html", user, c=found, show_text=show_text,
                    rows=found["evidence_rows"], highlight=highlight, cases=cases,
                    charts=charts)

    @route("GET", "/customers/{customer_id}/activity", ANY_SIGNED_IN)
    def activity(request: Request, customer_id: str) -> Response:
        user = me(request)
        b = data.activity(customer_id)
        monthly = b.monthly.to_pylist()
        chart = monthly_chart(monthly) if monthly else None
        return page(request, "activity.html", user, customer_id=customer_id,
                    orders=b.orders.to_pylist(), invoices=b.invoices.to_pylist(),
                    tickets=b.tickets.to_pylist(), monthly=monthly, chart=chart,
                    show_text=user.can(STAFF))

    @route("GET", "/why", ANY_SIGNED_IN)
    def why(request: Request) -> Response:
        user = me(request)
        snap, causes = data.causes()
        chart = svg.hbars([(r["code"].replace("_", " "), r["tickets"]) for r in causes.resolution],
                          "Tickets per resolution code", money=False) if causes.resolution \
            else None
        return page(request, "why.html", user, snap=snap, causes=causes, chart=chart,
                    show_text=user.can(STAFF))

    @route("GET", "/customers/{customer_id}/whatif", ANY_SIGNED_IN)
    def whatif(request: Request, customer_id: str, price: ShortText = None,
               fee_model: bool = False,
               behaviour_change: Annotated[float | None, Query(ge=0, le=1)] = None) -> Response:
        user = me(request)
        names = data.fee_names()
        fees = {n: str(request.query_params.get(f"fee_{n}", ""))[:40] for n in names}
        asked = any(v.strip() for v in fees.values()) or bool(price and price.strip()) \
            or fee_model
        found = data.customer(customer_id, details=False)
        result, mine = data.whatif(customer_id, fees=fees, fee_model=fee_model, price=price,
                                   behaviour_change=behaviour_change) if asked else (None, None)
        return page(request, "whatif.html", user, c=found, names=names, fees=fees,
                    price=price or "", fee_model=fee_model,
                    behaviour_change=behaviour_change, result=result, mine=mine)

    @route("GET", "/tickets/{ticket_id}", STAFF)
    def ticket(request: Request, ticket_id: str,
                     message: ShortText = None, start: Span = None, end: Span = None
                     ) -> Response:
        user = me(request)
        t, msgs = data.ticket(ticket_id)
        span = [start, end] if start is not None and end is not None else None
        return page(request, "ticket.html", user, t=t, msgs=msgs, mark_message=message,
                    span=span, highlight=highlight)

    # -- cases ----------------------------------------------------------------
    @route("GET", "/cases", STAFF)
    def cases(request: Request) -> Response:
        user = me(request)
        every = data.cases()
        return page(request, "cases.html", user, inbox=[c for c in every if c.state == "draft"],
                    others=[c for c in every if c.state != "draft"])

    @route("GET", "/cases/{case_id}", STAFF)
    def case(request: Request, case_id: RowId) -> Response:
        user = me(request)
        return page(request, "case.html", user, case=data.case(case_id),
                    can_approve=user.role in data.approver_roles,
                    outcomes=data.call_outcomes())

    @route("GET", "/cases/{case_id}/steps/{step_no}/files/{index}", STAFF)
    def step_file(request: Request, case_id: RowId,
                  step_no: Annotated[int, PathParam(ge=1, le=1000)],
                  index: Annotated[int, PathParam(ge=0, le=1000)]) -> Response:
        """A step's drafted file: the letter PDF shown in the browser, the transition
        pack and credit CSV downloaded."""
        name, body = data.step_file(case_id, step_no, index)
        suffix = Path(name).suffix.lower()
        media, disposition = FILE_TYPES.get(suffix, ("application/octet-stream", "attachment"))
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "file"
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'{disposition}; filename="{safe}"'})

    @route("POST", "/cases/{case_id}/call", STAFF)
    async def log_call(request: Request, case_id: RowId) -> Response:
        user = me(request)
        form = await checked_form(request, user)
        outcome = form.get("outcome", "").strip()
        notes = form.get("notes", "").strip()[:4000]
        await run_in_threadpool(data.log_call, case_id, outcome, notes, user.name)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @route("POST", "/customers/{customer_id}/offboard", STAFF)
    async def offboard(request: Request, customer_id: str) -> Response:
        user = me(request)
        form = await checked_form(request, user)
        reason = form.get("reason", "").strip()
        if not reason:
            raise Forbidden("say why: a reason is required to draft an offboarding")
        drafted = await run_in_threadpool(data.draft_offboarding, customer_id, reason[:2000],
                                          user.name)
        return RedirectResponse(f"/cases/{drafted.id}", status_code=303)

    @route("POST", "/cases/{case_id}/approve", LEADS)
    async def approve(request: Request, case_id: RowId) -> Response:
        user = me(request)
        form = await checked_form(request, user)
        override = form.get("override_reason", "").strip() or None
        await run_in_threadpool(data.approve, case_id, user.name, override)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @route("POST", "/cases/{case_id}/reject", LEADS)
    async def reject(request: Request, case_id: RowId) -> Response:
        user = me(request)
        form = await checked_form(request, user)
        reason = form.get("reason", "").strip()
        if not reason:
            raise Forbidden("say why: a reason is required to reject a case")
        await run_in_threadpool(data.reject, case_id, user.name, reason[:2000])
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @route("GET", "/outbox", LEADS)
    def outbox(request: Request) -> Response:
        user = me(request)
        return page(request, "outbox.html", user, messages=data.outbox())

    @route("GET", "/audit", LEADS)
    def audit(request: Request, verify: bool = False) -> Response:
        user = me(request)
        events = data.audit_events()
        return page(request, "audit.html", user, events=list(reversed(events))[:500],
                    total=len(events), verification=data.verify_audit() if verify else None)

    @route("GET", "/audit/export.jsonl", LEADS)
    def audit_export(request: Request) -> Response:
        """The whole chain, one JSON object a line in order, hashes included: anyone can
        re-check it (docs/web.md: each ``record_hash`` is sha256 of ``prev_hash`` and the
        record's other fields as canonical JSON)."""
        lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
                 for e in data.audit_events()]
        return Response("".join(f"{line}\n" for line in lines),
                        media_type="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'})

    @route("GET", "/rewards", LEADS)
    def rewards(request: Request) -> Response:
        user = me(request)
        return page(request, "rewards.html", user, draws=data.draws(), result=None)

    @route("POST", "/rewards/{draw_id}/verify", LEADS)
    async def rewards_verify(request: Request, draw_id: RowId) -> Response:
        user = me(request)
        await checked_form(request, user)

        def verified() -> Response:
            result = data.verify_draw(draw_id)
            return page(request, "rewards.html", user, draws=data.draws(), result=result,
                        verified=draw_id)
        return await run_in_threadpool(verified)

    @route("GET", "/rewards/plan", LEADS)
    def rewards_plan(request: Request) -> Response:
        user = me(request)
        plan, _ = data.reward_plan()
        return page(request, "reward_plan.html", user, plan=plan)

    @route("POST", "/rewards/plan", LEADS)
    async def rewards_plan_save(request: Request) -> Response:
        user = me(request)
        await checked_form(request, user)
        await run_in_threadpool(data.reward_plan, user.name)
        return RedirectResponse("/rewards", status_code=303)

    @route("POST", "/rewards/{draw_id}/commit", LEADS)
    async def rewards_commit(request: Request, draw_id: RowId) -> Response:
        user = me(request)
        await checked_form(request, user)
        await run_in_threadpool(data.commit_draw, draw_id, user.name)
        return RedirectResponse("/rewards", status_code=303)

    @route("POST", "/rewards/{draw_id}/draw", LEADS)
    async def rewards_draw(request: Request, draw_id: RowId) -> Response:
        user = me(request)
        await checked_form(request, user)
        await run_in_threadpool(data.run_draw, draw_id, user.name)
        return RedirectResponse("/rewards", status_code=303)

    @route("GET", "/users", OWNER)
    def users(request: Request) -> Response:
        user = me(request)
        return page(request, "users.html", user, users=data.users())

    # -- JSON API (read-only) --------------------------------------------------
    @route("GET", "/api/snapshot", ANY_SIGNED_IN)
    def api_snapshot(request: Request) -> Response:
        return JSONResponse(_jsonable(data.snapshot()))

    @route("GET", "/api/overview", ANY_SIGNED_IN)
    def api_overview(request: Request) -> Response:
        ov = data.overview()
        conc = ov.pop("concentration")
        return JSONResponse(_jsonable({**ov, "concentration": conc.to_dict()}))

    @route("GET", "/api/customers", ANY_SIGNED_IN)
    def api_customers(request: Request, q: Text = None, segment: Text = None,
                            flag: Text = None, plan: Text = None, country: Text = None,
                            min_revenue: Amount = None, min_cost: Amount = None,
                            sort: Sort = "profit", desc: bool = False, page_no: Page = 1,
                            page_size: PageSize = 50) -> Response:
        query = customer_query(segment, flag, plan, min_revenue, min_cost, sort, desc, page_no,
                               size=page_size)
        found = data.customers(query, email_or_id=q, country=country)
        return JSONResponse(_jsonable({"snapshot": found.snapshot, "total": found.total,
                                       "page": page_no, "pages": found.pages,
                                       "rows": found.rows}))

    @route("GET", "/api/customers/{customer_id}", ANY_SIGNED_IN)
    def api_customer(request: Request, customer_id: str) -> Response:
        """One customer of the newest snapshot: ``snapshot``, ``customer_id``, ``name``,
        ``score``, ``segment``, ``reason``, ``components``, ``scorecard``, ``flags`` with
        their evidence; ``service_levels`` (first response and resolution median and p90,
        breaches of ``sla_judged`` tickets, reopen rate, satisfaction; empty without
        tickets) and ``service_targets`` (by priority); ``usage_vs_peers`` (per metric:
        ``quantity``, ``periods``, ``per_period``, and the other customers on the plan:
        ``peers``, ``peer_median``, ``peer_p90``, null when ``peers`` is 0); ``monthly``
        (revenue, tickets, cost and profit per month); ``warehouse_error`` (why those could
        not be read, else null); ``evidence_rows`` (cited tickets and messages, staff
        roles only)."""
        user = me(request)
        found = data.customer(customer_id)
        rows = found.pop("evidence_rows")
        if user.can(STAFF):
            found["evidence_rows"] = [{"kind": k, "id": i, **v} for (k, i), v in rows.items()]
        return JSONResponse(_jsonable(found))

    @route("GET", "/api/why", ANY_SIGNED_IN)
    def api_why(request: Request) -> Response:
        user = me(request)
        snap, causes = data.causes()
        found = _jsonable(causes)
        if not user.can(STAFF) and found["topics"] is not None:  # labels are customer words
            found["topics"] = [{k: v for k, v in t.items()
                                if k not in ("label", "example_ticket_ids")}
                               for t in found["topics"]]
        return JSONResponse({"snapshot": _jsonable(snap), **found})

    @route("GET", "/api/cases", STAFF)
    def api_cases(request: Request) -> Response:
        return JSONResponse(_jsonable(data.cases()))

    @route("GET", "/api/cases/{case_id}", STAFF)
    def api_case(request: Request, case_id: RowId) -> Response:
        return JSONResponse(_jsonable(data.case(case_id)))

    @route("GET", "/api/outbox", LEADS)
    def api_outbox(request: Request) -> Response:
        return JSONResponse(_jsonable([{k: v for k, v in asdict(m).items() if k != "body"}
                                       for m in data.outbox()]))

    @route("GET", "/api/audit/verify", LEADS)
    def api_audit_verify(request: Request) -> Response:
        return JSONResponse(_jsonable(data.verify_audit()))

    @route("GET", "/api/rewards/draws", LEADS)
    def api_draws(request: Request) -> Response:
        return JSONResponse(_jsonable(data.draws()))

    return app


__all__ = ["PUBLIC", "ROUTES", "create_app", "escape", "highlight"]
