"""Outbox & Sent with a long list: the first rows at once, the rest from a worker, and a
list read again (a batch has ended) that stays where the user was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import ui.dialogs
from composer import sent_list
from composer.afterword import Afterword
from composer.errors import AfterwordError, StorageError
from composer.records import Contact, Interview, Message
from composer.sent_list import Listing
from tests.ui.helpers import answer, shown
from ui.export_dialog import ExportDialog
from ui.runner import Done, Failed, Runner
from ui.sent import SentPage


class HeldRunner(Runner):
    """Keeps the work it is given until told to run it: shows what the page does while a
    worker is still reading."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[Callable[[], Any], Done | None, Failed | None]] = []

    def run(
        self,
        work: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        **_: Any,
    ) -> None:
        self.held.append((work, on_done, on_error))

    def release(self) -> None:
        while self.held:
            work, on_done, on_error = self.held.pop(0)
            try:
                result = work()
            except AfterwordError as error:  # delivered, as the real runner delivers it
                assert on_error is not None
                on_error(error)
            else:
                if on_done is not None:
                    on_done(result)


def drafts(afterword: Afterword, count: int, **values: Any) -> list[int]:
    """Saved one after the other: the last one saved is listed first."""
    saved = [
        afterword.outbox.save_draft(Message(f"Draft {n}", "…", ["ana@acme.example"], **values))
        for n in range(count)
    ]
    return [message.id for message in reversed(saved) if message.id is not None]


def listed(page: SentPage) -> list[int | None]:
    return [page.model.id_at(row) for row in range(page.model.rowCount())]


def still_loading(page: SentPage) -> bool:
    """Read afresh: after ``assert page.loading`` mypy holds the property at True."""
    return page.loading


def top_row(page: SentPage) -> int | None:
    return page.model.id_at(page.table.rowAt(0))


def in_view(page: SentPage) -> list[int | None]:
    first, last = page.table.rowAt(0), page.table.rowAt(page.table.viewport().height() - 1)
    return [page.model.id_at(row) for row in range(first, last + 1)]


@pytest.fixture
def held() -> HeldRunner:
    return HeldRunner()


@pytest.fixture
def page_of(qtbot: QtBot, afterword: Afterword) -> Callable[[Runner], SentPage]:
    """The page, shown at a size where 80 rows need scrolling."""

    def make(runner: Runner) -> SentPage:
        page = shown(qtbot, SentPage(afterword, runner))
        page.resize(900, 700)
        qtbot.waitExposed(page)
        return page

    return make


# --- the first rows at once -------------------------------------------------------------


def test_the_first_rows_show_while_the_rest_is_read(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    newest_first = drafts(afterword, 10)
    monkeypatch.setattr(SentPage, "first_page_rows", 4)

    page = page_of(held)

    assert listed(page) == newest_first[:4]
    assert page.loading
    assert page.model.index(0, 3).data() == "Draft 9"
    page.select(newest_first[8])  # not listed yet: selected once it is
    held.release()
    assert listed(page) == newest_first
    assert not still_loading(page)
    assert page.selected_ids() == [newest_first[8]]


def test_a_message_chosen_beyond_the_first_rows_is_selected_once_read(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ana = afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    older = drafts(afterword, 6, contact_id=ana.id)
    drafts(afterword, 6)
    monkeypatch.setattr(SentPage, "first_page_rows", 4)
    page = page_of(held)
    held.release()
    page.contact_filter.setCurrentIndex(page.contact_filter.findData(ana.id))
    held.release()
    page.select(older[5])  # the last of Ana's: row 12 of all
    assert "Draft 0" in page.reader.toPlainText()

    page.contact_filter.setCurrentIndex(0)  # everyone's again: it is not on the first page
    assert older[5] not in listed(page)
    held.release()

    assert page.selected_ids() == [older[5]]
    assert "Draft 0" in page.reader.toPlainText()


def test_an_export_of_everything_waits_for_the_whole_list(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts(afterword, 10)
    monkeypatch.setattr(SentPage, "first_page_rows", 4)
    page = page_of(held)
    offered: list[str] = []
    answer(monkeypatch, lambda dialog: offered.append(dialog.listed_choice.text()), ExportDialog)
    monkeypatch.setattr(ui.dialogs, "choose_save_file", lambda *_: None)

    page.export_button.click()

    assert offered == ["&All 10 messages (everything)"]
    assert page.model.rowCount() == 10 and not page.loading
    held.release()  # the worker's list, not needed now, changes nothing
    assert page.model.rowCount() == 10


def test_a_list_that_cannot_be_read_says_why(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts(afterword, 10)
    monkeypatch.setattr(SentPage, "first_page_rows", 4)
    page = page_of(held)

    def broken(*_: object, **__: object) -> Listing:
        raise StorageError("The data file is damaged.")

    monkeypatch.setattr(sent_list, "listing", broken)
    held.release()

    assert page.list_stack.currentWidget() is page.no_match
    assert page.no_match.text() == "The list could not be read: The data file is damaged."
    assert not page.loading


def test_the_rows_are_read_only_as_they_are_shown(
    afterword: Afterword, page_of: Callable[[Runner], SentPage], qtbot: QtBot
) -> None:
    drafts(afterword, 30)
    page = page_of(Runner())
    qtbot.waitUntil(lambda: page.model.cached > 0)
    assert page.model.rowCount() == 30


def test_a_delegate_gets_each_cells_text_and_nothing_else(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    """What a delegate paints: every role it asks for at once (Qt's ``multiData``); the
    table's own delegate, which takes only the text, sees the same."""
    drafts(afterword, 2)
    page = page_of(Runner())
    option, ours = QStyleOptionViewItem(), QStyleOptionViewItem()

    QStyledItemDelegate().initStyleOption(option, page.model.index(0, 3))
    delegate = page.table.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(ours, page.model.index(0, 3))

    assert option.text == "Draft 1" == page.model.index(0, 3).data() == ours.text
    assert option.features == ours.features
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Draft"
    assert page.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None


# --- a list read again ------------------------------------------------------------------


@pytest.mark.parametrize("first_page", [200, 15], ids=["read at once", "rest from a worker"])
def test_when_a_batch_ends_the_list_stays_where_it_was(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
    first_page: int,
) -> None:
    monkeypatch.setattr(SentPage, "first_page_rows", first_page)
    older = drafts(afterword, 80)
    page = page_of(held)
    held.release()
    page.table.scrollTo(page.model.index(40, 0), page.table.ScrollHint.PositionAtTop)
    page.select_ids([older[44]], scroll=False)
    top = top_row(page)
    assert top == older[40]

    newer = drafts(afterword, 20)  # a batch has been written and sent meanwhile
    page.refresh()  # what the end of a batch does
    held.release()

    assert listed(page) == newer + older
    assert top_row(page) == top
    assert page.selected_ids() == [older[44]]
    assert "Draft 35" in page.reader.toPlainText()


def test_at_the_top_of_the_list_new_messages_show(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    older = drafts(afterword, 50)
    page = page_of(Runner())
    page.select(older[2])

    newer = drafts(afterword, 3)
    page.refresh()

    assert top_row(page) == newer[0]
    assert page.selected_ids() == [older[2]]


def test_at_the_end_of_the_list_the_same_messages_stay_in_view(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    older = drafts(afterword, 60)
    page = page_of(Runner())
    page.table.scrollToBottom()
    top = top_row(page)
    assert top is not None and top != older[0]

    drafts(afterword, 30)
    page.refresh()

    assert top in in_view(page)  # the last row is shown whole, the first maybe in part
    assert older[-1] in in_view(page)


@pytest.mark.parametrize("first_page", [200, 15], ids=["read at once", "rest from a worker"])
def test_a_list_read_again_unchanged_does_not_move(
    qtbot: QtBot,
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
    first_page: int,
) -> None:
    monkeypatch.setattr(SentPage, "first_page_rows", first_page)
    drafts(afterword, 60)
    page = page_of(held)
    held.release()
    bar = page.table.verticalScrollBar()
    for wanted in (bar.maximum(), bar.maximum() // 2):
        bar.setValue(wanted)
        qtbot.wait(1)  # laid out, painted
        value = bar.value()

        page.refresh()
        held.release()

        assert bar.value() == value


def test_a_message_that_moved_stays_selected(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    older = drafts(afterword, 20)
    page = page_of(Runner())
    page.select(older[10])
    draft = afterword.store.message(older[10])
    draft.subject = "Edited, so now the newest"

    afterword.outbox.save_draft(draft)
    page.refresh()

    assert listed(page)[0] == older[10]
    assert page.selected_ids() == [older[10]]
    assert page.model.index(0, 3).data() == "Edited, so now the newest"
    assert "Subject: Edited, so now the newest" in page.reader.toPlainText()


def test_a_message_deleted_meanwhile_goes_once_the_whole_list_is_read(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SentPage, "first_page_rows", 4)
    older = drafts(afterword, 10)
    page = page_of(held)
    held.release()
    page.select(older[7])

    afterword.store.delete_message(older[7])  # elsewhere: Compose, say
    page.refresh()  # below the first rows, it is still listed for now

    assert page.reader.toPlainText() == ""
    held.release()
    assert listed(page) == older[:7] + older[8:]
    assert page.selected_ids() == []


def test_the_model_stays_sound_as_the_list_changes(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    qtmodeltester: ModelTester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SentPage, "first_page_rows", 5)
    drafts(afterword, 12)
    page = page_of(held)
    qtmodeltester.check(page.model)
    held.release()

    ana = afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    drafts(afterword, 7, contact_id=ana.id)
    page.refresh()
    held.release()
    page.contact_filter.setCurrentIndex(page.contact_filter.findData(ana.id))
    held.release()

    assert page.model.rowCount() == 7


# --- the filters ------------------------------------------------------------------------


def test_the_filters_offer_the_contacts_and_interviews_that_have_messages(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    store.add_contact(Contact("Bo Chen", "bo@beta.example"))  # never written to
    acme = store.add_interview(Interview(company="Acme", position="Data Engineer"))
    store.add_interview(Interview(company="Beta", position="Analyst"))
    drafts(afterword, 2, contact_id=ana.id, interview_id=acme.id)
    drafts(afterword, 1)

    page = page_of(Runner())

    names = [page.contact_filter.itemText(i) for i in range(page.contact_filter.count())]
    assert names == ["All", "Ana Lima"]
    interviews = [page.interview_filter.itemText(i) for i in range(page.interview_filter.count())]
    assert interviews == ["All", "Acme, Data Engineer"]


def test_a_chosen_filter_stays_chosen_when_the_list_is_read_again(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    bo = store.add_contact(Contact("Bo Chen", "bo@beta.example"))
    anas = drafts(afterword, 2, contact_id=ana.id)
    page = page_of(Runner())
    page.contact_filter.setCurrentIndex(page.contact_filter.findData(ana.id))
    assert listed(page) == anas

    drafts(afterword, 1, contact_id=bo.id)  # Bo is offered from now on
    page.refresh()

    assert page.contact_filter.currentData() == ana.id
    assert page.contact_filter.findData(bo.id) > 0
    assert listed(page) == anas


def test_a_filter_on_a_deleted_contact_lists_everything_again(
    afterword: Afterword, page_of: Callable[[Runner], SentPage]
) -> None:
    store = afterword.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    assert ana.id is not None
    drafts(afterword, 2, contact_id=ana.id)
    everyone = drafts(afterword, 1)
    page = page_of(Runner())
    page.contact_filter.setCurrentIndex(page.contact_filter.findData(ana.id))

    store.delete_contact(ana.id)
    page.refresh()

    assert page.contact_filter.currentIndex() == 0
    assert set(everyone) < set(listed(page)) and len(listed(page)) == 3


def test_the_choices_of_a_long_list_come_from_the_worker(
    afterword: Afterword,
    held: HeldRunner,
    page_of: Callable[[Runner], SentPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SentPage, "first_page_rows", 3)
    ana = afterword.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    drafts(afterword, 5, contact_id=ana.id)

    page = page_of(held)
    assert page.contact_filter.count() == 1  # "All", until the worker has read them
    held.release()

    assert page.contact_filter.findData(ana.id) == 1
