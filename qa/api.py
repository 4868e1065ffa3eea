"""The HTTP API: create_app(settings) -> FastAPI. Routes, request/response models, error mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from qa.errors import IndexInvalidError, IndexMissingError, InputError, ModelError, QAError
from qa.search import SearchResult
from qa.service import SearchService, ServiceState
from qa.settings import Settings

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

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value


class FootnoteOut(BaseModel):
    mark: str
    text: str
    url: str | None


class Citation(BaseModel):
    doc_id: str
    title: str
    source: str | None
    url: str | None
    pages: list[int]
    char_start: int = Field(description="Offset of the passage in the original document text.")
    char_end: int
    footnotes: list[FootnoteOut]


class EvidenceOut(BaseModel):
    text: str = Field(description="The sentence that best answers the question.")
    char_start: int
    char_end: int
    score: float


class PassageOut(BaseModel):
    rank: int
    score: float
    text: str
    citation: Citation
    evidence: list[EvidenceOut]


class AskResponse(BaseModel):
    question: str
    retriever: str
    generation: str = Field(description="The index generation that answered.")
    passages: list[PassageOut]


class ErrorOut(BaseModel):
    detail: str


def _status_for(error: QAError) -> int:
    if isinstance(error, InputError):
        return 422
    if isinstance(error, IndexMissingError | IndexInvalidError | ModelError):
        return 503
    return 400


def to_response(result: SearchResult, service_state: ServiceState) -> AskResponse:
    """Turn a SearchResult into the API's answer, with citations from the same generation."""
    searcher = service_state.searcher
    assert searcher is not None  # a result exists only when a searcher answered
    passages = []
    for hit in result.hits:
        passage = hit.passage
        document = searcher.metadata.document(passage.doc_id)
        notes = {note.mark: note for note in document.footnotes}
        footnotes = [
            FootnoteOut(mark=mark, text=notes[mark].text, url=notes[mark].url)
            for mark in passage.footnote_marks if mark in notes
        ]
        passages.append(PassageOut(
            rank=hit.rank, score=round(hit.score, 6), text=passage.text,
            citation=Citation(
                doc_id=document.id, title=document.title, source=document.source,
                url=document.url, pages=list(passage.pages), char_start=passage.char_start,
                char_end=passage.char_end, footnotes=footnotes,
            ),
            evidence=[EvidenceOut(**e.__dict__) for e in hit.evidence],
        ))
    return AskResponse(question=result.question, retriever=result.retriever,
                       generation=result.generation, passages=passages)


def create_app(
    settings: Settings, service_factory: Callable[[Settings], SearchService] | None = None
) -> FastAPI:
    """The FastAPI app; the model and index load once, at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        factory = service_factory or default_service
        try:
            app.state.service = factory(settings)
            app.state.service.reload()
        except QAError as error:
            log.error("%s", error)
            app.state.service = None
            app.state.startup_problem = error
        yield

    app = FastAPI(
        title="Persian QA",
        description="Ask questions about Persian documents; get the passages that answer, with citations.",
        version="0.1.0",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )

    @app.exception_handler(QAError)
    async def _qa_error(request: Request, error: QAError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=_status_for(error))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        messages = []
        for item in error.errors():
            where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
            messages.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
        return JSONResponse({"detail": "; ".join(messages) or "invalid request"}, status_code=422)

    def current_state(request: Request) -> ServiceState:
        service: SearchService | None = request.app.state.service
        if service is None:
            raise request.app.state.startup_problem
        return service.state

    State = Annotated[ServiceState, Depends(current_state)]
    errors: dict[int | str, dict] = {
        422: {"model": ErrorOut, "description": "Bad question, k or retriever"},
        503: {"model": ErrorOut, "description": "No usable index or model"},
    }

    def answer(state: ServiceState, question: str, k: int | None, retriever: str | None) -> AskResponse:
        top_k = settings.default_k if k is None else k
        if not 1 <= top_k <= settings.max_k:
            raise InputError(f"k must be between 1 and {settings.max_k}, got {top_k}")
        if len(question) > settings.max_question_chars:
            raise InputError(
                f"the question is {len(question)} characters long; the limit is {settings.max_question_chars}"
            )
        if state.searcher is None:
            raise state.problem or IndexMissingError("no index loaded")
        result = state.searcher.search(question, top_k=top_k, retriever=retriever or settings.retriever)
        return to_response(result, state)

    @app.post("/ask", response_model=AskResponse, responses=errors)
    def ask_post(body: AskRequest, state: State) -> AskResponse:
        """Ask a question; returns the top-k passages with citations and evidence sentences."""
        return answer(state, body.question, body.k, body.retriever)

    @app.get("/ask", response_model=AskResponse, responses=errors)
    def ask_get(
        state: State,
        q: Annotated[str, Query(min_length=1, description="The question.", examples=[EXAMPLE_QUESTION])],
        k: Annotated[int | None, Query(description="How many passages.")] = None,
        retriever: Annotated[Retriever | None, Query()] = None,
    ) -> AskResponse:
        """The same as POST /ask, for a browser or curl."""
        if not q.strip():
            raise InputError("the question is empty")
        return answer(state, q, k, retriever)

    @app.get("/health")
    def health(request: Request) -> dict:
        """Liveness: the process is up (even without an index)."""
        service: SearchService | None = request.app.state.service
        searcher = service.state.searcher if service else None
        return {
            "status": "ok",
            "generation": searcher.generation.name if searcher else None,
            "passages": searcher.passage_count if searcher else 0,
        }

    @app.get("/ready", responses={503: {"model": ErrorOut}})
    def ready(state: State) -> dict:
        """Readiness: 200 when an index is loaded and questions can be answered."""
        if state.searcher is None:
            raise state.problem or IndexMissingError("no index loaded")
        return {"status": "ready", "generation": state.searcher.generation.name}

    return app


def default_service(settings: Settings) -> SearchService:
    """Load the configured model once and point the service at the index folder."""
    from qa.dense import set_threads as set_faiss_threads
    from qa.embed import SentenceTransformerEncoder
    from qa.embed import set_threads as set_torch_threads

    set_torch_threads(settings.threads)
    set_faiss_threads(settings.threads)
    encoder = SentenceTransformerEncoder(
        settings.model, query_prefix=settings.query_prefix, passage_prefix=settings.passage_prefix
    )
    return SearchService(settings.index_dir, encoder)
