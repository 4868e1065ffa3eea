"""The answer to a question as the API sends it (and `qa ask --json` prints): ranked passages
with citations and evidence sentences. Kept apart from `qa.api` so the CLI builds the same
answer without importing FastAPI."""

from __future__ import annotations

from pydantic import BaseModel, Field

from qa.search import SearchResult
from qa.service import ServiceState


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
    answer_found: bool = Field(
        description="False when the top passage most likely does not answer (calibrated threshold)."
    )
    confidence: float = Field(description="Calibrated probability that the top passage answers.")
    read_as: str | None = Field(
        None, description="How the question was read, when not just as typed: spoken words in written form, "
        "misspelled words as the documents spell them, openings such as «طبق متن،» left out. In the index's "
        "normalized spelling (no ZWNJ, «آ» as «ا», Latin digits); null when read as typed.",
    )
    passages: list[PassageOut]



def to_response(result: SearchResult, service_state: ServiceState) -> AskResponse:
    """Turn a SearchResult into the API's answer, with citations from the same generation."""
    searcher = service_state.searcher
    assert searcher is not None  # a result exists only when a searcher answered
    passages = []
    for hit in result.hits:
        passage = hit.passage
        document = searcher.metadata.document(passage.doc_id)
        footnotes = [
            FootnoteOut(mark=note.mark, text=note.text, url=note.url)
            for note in document.cited_footnotes(passage)
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
                       generation=result.generation, answer_found=result.answer_found,
                       confidence=result.confidence, read_as=result.read_as, passages=passages)
