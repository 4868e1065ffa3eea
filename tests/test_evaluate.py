"""The eval runner: ranks, misses, and whether the evidence sentence holds the answer."""

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.evaluate import Question, abstention_report, contains_answer, evaluate, load_questions
from qa.search import Searcher


def test_answers_are_found_in_any_spelling() -> None:
    assert contains_answer("جمعیت تهران در سال ۱۳۹۵ حدود ۸ میلیون نفر بود.", ["8 ميليون"])
    assert not contains_answer("تهران پایتخت ایران است.", ["۸ میلیون"])
    assert not contains_answer("تهران", ["", " "])


def test_evidence_is_judged_on_right_first_passages_with_answers(searcher: Searcher) -> None:
    questions = [
        # The evidence sentence is the one about the population: it holds the answer.
        Question(id="population", question="جمعیت تهران در سال ۱۳۹۵", answers=("۸ میلیون نفر",)),
        # The first passage is right (it holds the answer), but the sentence chosen as
        # evidence is the one about the capital, not the population.
        Question(id="capital", question="پایتخت ایران کدام شهر است", answers=("۸ میلیون نفر",)),
        # No answer texts: ranked, not judged for evidence.
        Question(id="ids", question="آرامگاه حافظ", positive_ids=("shiraz",)),
    ]
    report = evaluate(searcher, questions, top_k=1)
    assert report.metrics["recall@1"] == 1.0
    assert report.evidence == {"evidence@1": 0.5, "judged": 2}


def test_misses_carry_the_evidence_of_the_wrong_first_passage(searcher: Searcher) -> None:
    question = Question(id="miss", question="آرامگاه حافظ و سعدی", positive_ids=("tehran",))
    report = evaluate(searcher, [question], top_k=1)
    assert report.evidence == {"evidence@1": 0.0, "judged": 0}
    [miss] = report.misses
    assert miss["top_doc_id"] == "shiraz" and "حافظ" in miss["top_evidence"]


GOOD_ROW = {"id": "ok", "question": "آرامگاه حافظ کجاست؟", "answers": ["شیراز"]}


@pytest.mark.parametrize(
    "row, message",
    [
        # A string would be read letter by letter: any one letter found would be a hit.
        ({"question": "تنگه کجاست؟", "answers": "تنگه"}, "'answers' is a string, not a list of strings"),
        ({"question": "تنگه کجاست؟", "positive_ids": "doc"}, "'positive_ids' is a string, not a list"),
        ({"question": "تنگه کجاست؟", "answers": [""]}, "'answers' holds \"\", not a non-empty string"),
        ({"question": "تنگه کجاست؟", "answers": ["تنگه", " "]}, "'answers' holds \" \""),
        ({"question": "تنگه کجاست؟", "positive_ids": [3]}, "'positive_ids' holds 3"),
        ({"question": "تنگه کجاست؟", "answers": [{"answer_start": 3}]}, "'answers' holds {"),
        ({"id": "x", "answers": ["تنگه"]}, "missing field 'question'"),
        ({"question": None, "answers": ["تنگه"]}, "'question' is null, not a string"),
        ({"question": "!!! ؟؟", "answers": ["تنگه"]}, "has no words to search for"),
        (["تنگه"], "the row is a list, not a JSON object"),
    ],
)
def test_a_bad_row_is_refused_naming_file_and_line(row, message, tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(GOOD_ROW) + "\n" + json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_questions(path)
    assert str(error.value).startswith(f"{path}:2: ") and message in str(error.value)


def test_squad_style_answers_count_as_their_text(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    row = {"id": "sq", "question": "آرامگاه حافظ کجاست؟", "answers": [{"text": "شیراز", "answer_start": 10}]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert load_questions(path)[0].answers == ("شیراز",)


def test_no_answer_is_measured_with_the_chosen_retriever(searcher: Searcher, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked = []
    search = searcher.search

    def spy(question, **options):  # type: ignore[no-untyped-def]
        asked.append(options.get("retriever", "hybrid"))
        return search(question, **options)

    monkeypatch.setattr(searcher, "search", spy)
    answerable = [Question(id="a", question="آرامگاه حافظ", positive_ids=("shiraz",))]
    unanswerable = [Question(id="u", question="قیمت طلا در بازار")]
    report = abstention_report(searcher, answerable, unanswerable, retriever="lexical")
    assert asked == ["lexical", "lexical"] and report["unanswerable"] == 1
