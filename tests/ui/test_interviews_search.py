"""Interviews › Search: by company, position, people's names, stage and status, as you type,
among 5,000 interviews (the benchmark's size), without reading every row."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.records import Contact, Interview, InterviewStatus, Role
from tests.helpers.clock import NOW
from tests.ui.helpers import shown
from ui.interviews import InterviewsPage
from ui.models import BLOCK
from ui.runner import Runner

MANY = 5_000


def add_many(afterword: Afterword) -> dict[str, int]:
    """5,000 interviews at "Company n", and a few that the search should find."""
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", company="Acme"))
    bo = store.add_contact(Contact("Bo Chen", "bo@initech.example"))
    assert ana.id is not None and bo.id is not None
    with store.transaction():
        for n in range(MANY):
            when = NOW - timedelta(days=n % 300, hours=n % 7)
            store.add_interview(Interview(f"Company {n:04}", "Engineer", scheduled_at=when))
        globex = store.add_interview(
            Interview("Globex", "Data Engineer", NOW - timedelta(days=3), stage="final round")
        )
        initech = store.add_interview(
            Interview("Initech", "Analyst", NOW + timedelta(days=2), status=InterviewStatus.OFFER)
        )
    assert globex.id is not None and initech.id is not None
    store.set_participants(globex.id, [(ana.id, Role.INTERVIEWER)])
    store.set_participants(initech.id, [(ana.id, Role.RECRUITER), (bo.id, Role.HR)])
    return {"Globex": globex.id, "Initech": initech.id}


def shown_companies(page: InterviewsPage) -> list[str]:
    model = page.model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def test_search_finds_by_company_and_by_a_persons_name_among_many(
    afterword: Afterword, runner: Runner, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    add_many(afterword)
    page = shown(qtbot, InterviewsPage(afterword, runner))
    assert page.model.rowCount() == MANY + 2
    page.search.setFocus()
    qtbot.keyClicks(page.search, "globex")
    assert shown_companies(page) == ["Globex"]
    page.search.clear()
    qtbot.keyClicks(page.search, "ana LIMA")
    assert shown_companies(page) == ["Initech", "Globex"]  # upcoming first, as the list is
    page.search.clear()
    qtbot.keyClicks(page.search, "bo chen")
    assert shown_companies(page) == ["Initech"]
    assert page.model.cached <= BLOCK  # rows are read as shown, never all 5,000
    qtmodeltester.check(page.model)


def test_search_finds_by_position_stage_and_status_and_says_when_nothing_matches(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    add_many(afterword)
    page = shown(qtbot, InterviewsPage(afterword, runner))
    qtbot.keyClicks(page.search, "final round")
    assert shown_companies(page) == ["Globex"]
    page.search.clear()
    qtbot.keyClicks(page.search, "offer")
    assert shown_companies(page) == ["Initech"]
    page.search.clear()
    qtbot.keyClicks(page.search, "data engineer")
    assert shown_companies(page) == ["Globex"]
    page.search.clear()
    qtbot.keyClicks(page.search, "nobody-here")
    assert shown_companies(page) == []
    assert page.stack.currentWidget() is page.list_view  # the search stays, to change it
    page.search.clear()
    assert page.model.rowCount() == MANY + 2


def test_a_new_participant_is_found_at_once(
    afterword: Afterword, runner: Runner, qtbot: QtBot
) -> None:
    ids = add_many(afterword)
    page = shown(qtbot, InterviewsPage(afterword, runner))
    qtbot.keyClicks(page.search, "chen")
    assert shown_companies(page) == ["Initech"]
    bo = afterword.store.contact_ids("bo chen")[0]
    afterword.store.set_participants(ids["Globex"], [(bo, Role.INTERVIEWER)])
    page.refresh()
    assert shown_companies(page) == ["Initech", "Globex"]
