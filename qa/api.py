"""The HTTP API: create_app(settings) -> FastAPI. Routes, request/response models, error mapping."""

# No `from __future__ import annotations`: routes are declared inside create_app with models
# shaped by the settings, and FastAPI must see those local classes, not their names.
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Literal, cast

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from qa import store
from qa.auth import RequireKey, parse_keys
from qa.errors import (
    IndexInvalidError,
    IndexMissingError,
    InputError,
    ModelError,
    QAError,
    SettingsError,
)
from qa.limits import BodyLimit, RequestLimits
from qa.responses import AskResponse, to_response
from qa.service import SearchService, ServiceState
from qa.settings import Settings
from qa.text import ascii_digits

log = logging.getLogger("qa")

EXAMPLE_QUESTION = "چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟"
Retriever = Literal["hybrid", "dense", "lexical"]


class AskRequest(BaseModel):
    """A question in Persian and how many passages to return."""

    model_config = ConfigDict(
        strict=True, extra="forbid",
        json_schema_extra={"examples": [{"question": EXAMPLE_QUESTION, "k": 3}]},
    )
    question: str = Field(description="The question, in Persian.", examples=[EXAMPLE_QUESTION])
    k: int | None = Field(None, description="How many passages (default: QA_DEFAULT_K).")
    retriever: Retriever | None = Field(None, description="hybrid (default), dense or lexical.")

    @field_validator("k", mode="before")
    @classmethod
    def _integral_float(cls, value: object) -> object:
        # JSON has one number type: 3.0 is an integer to JSON Schema, so accept it as 3.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value


def ask_request_model(max_k: int, max_question_chars: int) -> type[AskRequest]:
    """AskRequest with these settings' bounds in its schema, so clients see the limits they meet."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        "AskRequest",
        __base__=AskRequest,
        question=(str, Field(
            min_length=1, max_length=max_question_chars, pattern=r"\S",
            description="The question, in Persian.", examples=[EXAMPLE_QUESTION],
        )),
        k=(int | None, Field(
            None, ge=1, le=max_k, description="How many passages (default: QA_DEFAULT_K)."
        )),
    )


def _query_digits(value: object) -> object:
    # Persian users type «۳»; pydantic parses only ASCII digits, and would refuse it as "not
    # a valid integer". Anything else is left to pydantic, which still refuses non-numbers.
    return ascii_digits(value) if isinstance(value, str) else value


class ErrorOut(BaseModel):
    detail: str


# Pydantic's words for the mistakes a client makes most, said in the API's terms.
_BODY_MUST_BE = 'the body must be a JSON object such as {"question": "..."}, sent as application/json'


def _validation_message(item: dict) -> str:
    """One problem of a request, as "where: what" for the 422's detail."""
    loc = [part for part in item.get("loc", ()) if part not in ("body", "query")]
    kind = item.get("type")
    if kind == "json_invalid":
        position = f" (at character {loc[0]})" if loc and isinstance(loc[0], int) else ""
        return f"the body is not valid JSON{position}: " + str(item.get("ctx", {}).get("error", "")).strip()
    if kind in ("model_attributes_type", "dict_type") and not loc:
        return _BODY_MUST_BE
    if kind == "missing" and not loc:
        return "the body is empty: " + _BODY_MUST_BE
    if kind == "string_pattern_mismatch" and loc in (["question"], ["q"]):
        return f"{loc[0]}: the question is empty"
    where = ".".join(str(part) for part in loc)
    return f"{where}: {item.get('msg')}" if where else str(item.get("msg"))


def _status_for(error: QAError) -> int:
    if isinstance(error, InputError):
        return 422
    if isinstance(error, IndexMissingError | IndexInvalidError | ModelError | SettingsError):
        return 503
    return 400


def json_response(answer: AskResponse) -> Response:
    """The answer as JSON, the bytes FastAPI would send for it.

    Returned as a Response so that FastAPI does not validate the model it was just built as a
    second time (on another hop to the thread pool); `response_model` still documents it.
    """
    return Response(AskResponse.__pydantic_serializer__.to_json(answer), media_type="application/json")


class ReloadOut(BaseModel):
    generation: str = Field(description="The generation served after the reload.")
    changed: bool = Field(description="Whether the reload swapped in another generation.")
    skipped: list[str] = Field(description="Why newer generations were refused, if any.")


# Where /docs finds Swagger UI's files.
DOCS_ASSETS = "/docs-assets"
# Paths outside the request limits: liveness must answer even when the server is full.
UNLIMITED_PATHS = frozenset({"/health"})
# Work that must run to its end once started (it holds its own lock), so it has no timeout.
UNTIMED_PATHS = frozenset({"/admin/reload"})


# The dependencies are async (they only read a field): a sync dependency costs a hop to the
# thread pool and back on every request.
async def current_service(request: Request) -> SearchService:
    """The app's search service, or the start-up problem (no model) as the error."""
    service: SearchService | None = request.app.state.service
    if service is None:
        raise request.app.state.startup_problem
    return service


Service = Annotated[SearchService, Depends(current_service)]


async def current_state(service: Service) -> ServiceState:
    """What is served now, read once: the whole request uses this one generation."""
    return service.state


State = Annotated[ServiceState, Depends(current_state)]


def create_app(
    settings: Settings, service_factory: Callable[[Settings], SearchService] | None = None
) -> FastAPI:
    """The FastAPI app; the model and index load once, at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Every sync route and dependency runs on this pool: keep it larger than the request limit.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, settings.max_concurrent_requests + 8)
        factory = service_factory or default_service
        service: SearchService | None = None
        try:
            service = await anyio.to_thread.run_sync(factory, settings)
            _remove_stale_builds(settings)
            await anyio.to_thread.run_sync(service.reload)
        except QAError as error:
            log.error("%s", error)
            app.state.startup_problem = error
        app.state.service = service
        if service is not None:
            service.start_watching(settings.reload_check_s)
        try:
            yield
        finally:
            if service is not None:
                service.close()

    app = FastAPI(
        title="Persian QA",
        description="Ask questions about Persian documents; get the passages that answer, with citations.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: FastAPI's page loads them from a CDN
        redoc_url=None,
    )
    app.state.service = None
    app.state.startup_problem = IndexMissingError("the service is starting")
    app.add_middleware(
        RequestLimits,  # type: ignore[arg-type]
        max_in_flight=settings.max_concurrent_requests,
        timeout_s=settings.request_timeout_s,
        retry_after_s=settings.retry_after_s,
        unlimited_paths=UNLIMITED_PATHS,
        untimed_paths=UNTIMED_PATHS,
    )
    # Outside the concurrency limit: an oversized body is refused without taking a slot.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # type: ignore[arg-type]
    # Persian JSON is two bytes a letter: a 5-passage answer about the default corpus is 9.0 kB,
    # 2.3 kB gzipped (all 23 passages: 36.7 kB, 5.9 kB), for clients that ask for it
    # (Accept-Encoding); answers under 1 kB (errors) are sent as they are.
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # type: ignore[arg-type]
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,  # type: ignore[arg-type]
            allow_origins=origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            # A browser client may read only the headers listed: when to retry a full server.
            expose_headers=["Retry-After", "WWW-Authenticate"],
        )

    @app.exception_handler(QAError)
    async def _qa_error(request: Request, error: QAError) -> JSONResponse:
        status = _status_for(error)
        headers = {"Retry-After": str(settings.retry_after_s)} if status == 503 else None
        return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette's Allow names only the first route on the path; /ask has GET and POST.
            methods = {
                method
                for route in request.app.router.routes
                if isinstance(route, APIRoute) and route.path_regex.match(request.url.path)
                for method in route.methods or ()
            }
            headers["Allow"] = ", ".join(sorted(methods))
        detail = error.detail
        if error.status_code == 400 and detail == "There was an error parsing the body":
            # FastAPI's words for a body that is not UTF-8 (or nests too deep to parse).
            detail = "the body could not be read as JSON: send it encoded as UTF-8, as application/json"
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
        # A bug, not the request: JSON like every other error, not Starlette's plain text. Not
        # logged here: Starlette re-raises it after this answer and the server logs it, once.
        return JSONResponse({"detail": "internal error: the server could not answer this request "
                                       "(its log has the details)"}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        messages = [_validation_message(item) for item in error.errors()]
        return JSONResponse({"detail": "; ".join(messages) or "invalid request"}, status_code=422)

    admin_keys = parse_keys(settings.admin_keys.get_secret_value())
    read_keys = parse_keys(settings.api_keys.get_secret_value())
    read_access = [Depends(RequireKey(read_keys + admin_keys, "/ask"))] if read_keys else []
    # Without admin keys, a server locked with read keys keeps /admin locked with them: a reload
    # checksums the whole index, not something to leave open to callers /ask refuses.
    admin_guard = admin_keys or read_keys
    admin_access = [Depends(RequireKey(admin_guard, "/admin"))] if admin_guard else []

    errors: dict[int | str, dict] = {
        400: {"model": ErrorOut, "description": "A body that cannot be parsed (not UTF-8)"},
        413: {"model": ErrorOut, "description": "A body larger than QA_MAX_BODY_BYTES"},
        422: {"model": ErrorOut, "description": "Bad question, k or retriever"},
        503: {"model": ErrorOut, "description": "No usable index or model, or the server is busy"},
        504: {"model": ErrorOut, "description": "The request took longer than QA_REQUEST_TIMEOUT_S"},
    }
    if read_keys:
        errors[401] = {"model": ErrorOut, "description": "Missing or wrong API key"}

    def answer(state: ServiceState, question: str, k: int | None, retriever: str | None) -> AskResponse:
        top_k = settings.default_k if k is None else k
        if not 1 <= top_k <= settings.max_k:
            raise InputError(f"k must be between 1 and {settings.max_k}, got {top_k}")
        if len(question) > settings.max_question_chars:
            raise InputError(
                f"the question is {len(question)} characters long; the limit is {settings.max_question_chars}"
            )
        if "\ufffd" in question:
            # What a decoder puts for bytes that are not UTF-8 (a query string in cp1256, say).
            raise InputError("the question holds characters that were not valid UTF-8: send it encoded as UTF-8")
        if state.searcher is None:
            raise state.problem or IndexMissingError("no index loaded")
        result = state.searcher.search(question, top_k=top_k, retriever=retriever or settings.retriever)
        return to_response(result, state)

    Ask = ask_request_model(settings.max_k, settings.max_question_chars)

    @app.post("/ask", response_model=AskResponse, responses=errors, dependencies=read_access)
    def ask_post(body: Ask, state: State) -> Response:  # type: ignore[valid-type]
        """Ask a question; returns the top-k passages with citations and evidence sentences."""
        asked = cast(AskRequest, body)
        return json_response(answer(state, asked.question, asked.k, asked.retriever))

    @app.get("/ask", response_model=AskResponse, responses=errors, dependencies=read_access)
    def ask_get(
        request: Request,
        state: State,
        q: Annotated[str, Query(
            min_length=1, max_length=settings.max_question_chars, pattern=r"\S",
            description="The question.", examples=[EXAMPLE_QUESTION],
        )],
        k: Annotated[int | None, BeforeValidator(_query_digits), Query(
            ge=1, le=settings.max_k, description="How many passages (Persian or Arabic-Indic digits too).",
        )] = None,
        retriever: Annotated[Retriever | None, Query()] = None,
    ) -> Response:
        """The same as POST /ask, for a browser or curl."""
        for name in ("q", "k", "retriever"):
            # Only the last would count («?q=…&q=…» from a link built twice): say so instead.
            if (given := len(request.query_params.getlist(name))) > 1:
                raise InputError(f"{name} is given {given} times; give it once")
        if not q.strip():
            raise InputError("the question is empty")
        return json_response(answer(state, q, k, retriever))

    # Swagger UI's script and style from the swagger-ui-bundle package: the page works offline.
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - docs",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css", swagger_favicon_url="data:,",
        )

    # HEAD too: uptime monitors and load balancers probe with it, and a 405 reads as "down".
    # Its own route and operationId: one route with both methods gave both one id, picked from a
    # set, so the schema changed with the interpreter's hash seed.
    @app.head("/health", operation_id="health_health_head")
    @app.get("/health", operation_id="health_health_get")
    def health(request: Request) -> dict:
        """Liveness: the process is up (even without an index). Never needs a key."""
        service: SearchService | None = request.app.state.service
        searcher = service.state.searcher if service else None
        return {
            "status": "ok",
            "generation": searcher.generation.name if searcher else None,
            "passages": searcher.passage_count if searcher else 0,
        }

    @app.head("/ready", operation_id="ready_ready_head", responses={503: {"model": ErrorOut}})
    @app.get("/ready", operation_id="ready_ready_get", responses={503: {"model": ErrorOut}})
    def ready(state: State) -> dict:
        """Readiness: 200 when an index is loaded and questions can be answered."""
        if state.searcher is None:
            raise state.problem or IndexMissingError("no index loaded")
        if not state.searcher.generation.path.is_dir():  # deleted under the server (rm -rf index)
            raise IndexMissingError(f"the files of generation {state.searcher.generation.name} are gone: "
                                    "rebuild with `qa index build`")
        return {"status": "ready", "generation": state.searcher.generation.name,
                "skipped": list(state.skipped)}

    admin_errors: dict[int | str, dict] = {503: {"model": ErrorOut, "description": "No usable index"}}
    if admin_guard:
        admin_errors[401] = {"model": ErrorOut, "description": "Missing or wrong admin key"}

    @app.post("/admin/reload", response_model=ReloadOut, responses=admin_errors,
              dependencies=admin_access)
    def admin_reload(service: Service) -> ReloadOut:
        """Load the newest good generation now (the server also notices new builds by itself)."""
        outcome = service.reload()
        searcher = outcome.state.searcher
        if searcher is None:  # reload raises before this can happen; kept for the type checker
            raise outcome.state.problem or IndexMissingError("no index loaded")
        return ReloadOut(generation=searcher.generation.name, changed=outcome.changed,
                         skipped=list(outcome.state.skipped))

    return app


def _remove_stale_builds(settings: Settings) -> None:
    """Clear what killed builds left behind (their locks died with them); best effort."""
    try:
        for leftover in store.remove_stale_builds(settings.index_dir, older_than_s=24 * 3600):
            log.info("removed %s, left by a build that was killed", leftover)
    except OSError as error:
        log.warning("cannot clean %s: %s", settings.index_dir, error)


def default_service(settings: Settings) -> SearchService:
    """Load the configured model once and point the service at the index folder."""
    from qa.embed import SentenceTransformerEncoder
    from qa.service import cap_search_threads

    cores = os.cpu_count() or 1
    if settings.threads > cores:
        log.warning("QA_THREADS=%d is more than the %d cores: searches will fight for them",
                    settings.threads, cores)
    cap_search_threads(settings.threads)
    encoder = SentenceTransformerEncoder(
        settings.model, query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix
    )
    from qa.synonyms import thesaurus_for

    return SearchService(settings.index_dir, encoder, thesaurus=thesaurus_for(settings.thesaurus))
