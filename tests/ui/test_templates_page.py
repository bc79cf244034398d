"""Templates: customize, edit and save as files; problems by line and a live, sandboxed preview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.compose import draft_from_template
from composer.dates import choose_locale
from composer.paths import Paths
from composer.records import Contact, Interview, InterviewStatus, Profile, Role
from composer.templates import DESCRIPTIONS
from tests.ui.conftest import Dialogs
from tests.ui.helpers import reachable_controls, tab_order
from ui import dialogs
from ui.runner import Runner
from ui.templates_page import CHECK_DELAY_MS, READ_ONLY_NOTE, SAMPLE_DATA, TemplatesPage

EDIT = "With warm thanks from the test suite"
ESCAPE = (
    "{% block subject %}Hello{% endblock %}\n"
    "{% block body %}\n"
    "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}\n"
    "{% endblock %}\n"
)


def open_page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> TemplatesPage:
    """Shown; before qtbot closes it, the last preview render is delivered."""
    page = TemplatesPage(afterword, runner)

    def finish_renders(_: TemplatesPage) -> None:
        runner.wait()

    qtbot.addWidget(page, before_close_func=finish_renders)
    page.show()
    return page


@pytest.fixture
def page(qtbot: QtBot, afterword: Afterword, runner: Runner) -> TemplatesPage:
    return open_page(qtbot, afterword, runner)


def listed(page: TemplatesPage) -> dict[str, str]:
    """Each template's id with what the list shows for it."""
    items = [page.list.item(row) for row in range(page.list.count())]
    return {str(item.data(Qt.ItemDataRole.UserRole)): item.text() for item in items}


def choose(page: TemplatesPage, template_id: str) -> None:
    page.list.setCurrentRow(list(listed(page)).index(template_id))
    assert page.current_id() == template_id


def type_on_line(qtbot: QtBot, page: TemplatesPage, line: int, text: str) -> None:
    """Types at the end of ``line`` (from 1), as a user would."""
    cursor = QTextCursor(page.editor.document().findBlockByNumber(line - 1))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    page.editor.setTextCursor(cursor)
    qtbot.keyClicks(page.editor, text)


def rendered(qtbot: QtBot, runner: Runner, condition: Callable[[], object]) -> None:
    """Waits for the debounce and the render off the GUI thread, then checks."""
    qtbot.waitUntil(lambda: runner.busy == 0 and bool(condition()), timeout=5000)


def problems_shown(page: TemplatesPage) -> list[str]:
    return page.problem_list.shown()


def new_called(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch, title: str
) -> None:
    monkeypatch.setattr(dialogs, "ask_text", lambda *args, **kwargs: title)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)


def customized_with_edit(qtbot: QtBot, page: TemplatesPage) -> None:
    choose(page, "thank_you")
    qtbot.mouseClick(page.customize_button, Qt.MouseButton.LeftButton)
    type_on_line(qtbot, page, 13, f" {EDIT}")


# --- built-ins and mine --------------------------------------------------------------------


def test_a_built_in_is_read_only_until_customized(page: TemplatesPage) -> None:
    choose(page, "thank_you")

    assert listed(page)["thank_you"] == "Thank you after an interview — built-in"
    assert page.editor.isReadOnly()
    assert page.note.isVisibleTo(page) and page.note.text() == READ_ONLY_NOTE
    assert page.customize_button.isEnabled()
    assert not page.delete_button.isEnabled()
    assert not page.rename_button.isEnabled()
    assert not page.save_button.isEnabled()


def test_customize_edit_and_save_survive_a_restart(
    qtbot: QtBot, paths: Paths, runner: Runner, answers: Dialogs
) -> None:
    first = Afterword.open(paths, keyring_backend=object())
    try:
        page = open_page(qtbot, first, runner)
        customized_with_edit(qtbot, page)
        assert not page.editor.isReadOnly() and not page.note.isVisibleTo(page)
        assert not page.customize_button.isEnabled()
        page.activateWindow()  # shortcuts reach only the active window
        qtbot.waitActive(page)
        page.editor.setFocus()
        qtbot.waitUntil(page.editor.hasFocus)
        with qtbot.waitSignal(page.changed):
            qtbot.keyClick(page.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        runner.wait()
        page.close()
    finally:
        first.close()
    saved = paths.config_dir / "templates" / "thank_you.j2"
    assert EDIT in saved.read_text(encoding="utf-8")

    second = Afterword.open(paths, keyring_backend=object())
    try:
        again = open_page(qtbot, second, runner)
        choose(again, "thank_you")
        assert listed(again)["thank_you"].endswith("— mine (replaces built-in)")
        assert EDIT in again.editor.toPlainText() and not again.editor.isReadOnly()
        rendered(qtbot, runner, lambda: EDIT in again.preview_body.toPlainText())
        assert again.preview_body.toPlainText().startswith("Dear Ana,")  # sample data
        runner.wait()
    finally:
        second.close()


def test_deleting_mine_asks_and_brings_the_built_in_back(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, answers: Dialogs
) -> None:
    customized_with_edit(qtbot, page)
    page.save()
    answers.answers = [True]

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)

    [question] = answers.asked
    assert "“Thank you after an interview”" in question
    assert "built-in template it replaces comes back" in question
    assert not afterword.templates.is_mine("thank_you")
    assert listed(page)["thank_you"].endswith("— built-in")
    assert page.current_id() == "thank_you" and page.editor.isReadOnly()
    assert EDIT not in page.editor.toPlainText()


def test_saying_no_to_delete_keeps_it(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, answers: Dialogs
) -> None:
    customized_with_edit(qtbot, page)
    page.save()
    answers.answers = [False]

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)

    assert afterword.templates.is_mine("thank_you")
    assert EDIT in page.editor.toPlainText()


def test_new_makes_a_template_of_mine_from_the_title_asked(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Checking in")

    assert page.current_id() == "checking_in"
    assert listed(page)["checking_in"] == "Checking in — mine"
    assert afterword.templates.get("checking_in").title == "Checking in"
    assert not page.editor.isReadOnly() and page.delete_button.isEnabled()
    assert problems_shown(page) == []


def test_cancelling_new_makes_nothing(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = listed(page)
    monkeypatch.setattr(dialogs, "ask_text", lambda *args, **kwargs: None)

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)

    assert listed(page) == before
    assert not (afterword.paths.config_dir / "templates").exists()


def test_duplicate_makes_an_editable_copy(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, answers: Dialogs
) -> None:
    choose(page, "thank_you")

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.duplicate_button, Qt.MouseButton.LeftButton)

    assert page.current_id() == "thank_you_copy"
    assert listed(page)["thank_you_copy"] == "Thank you after an interview (copy) — mine"
    assert listed(page)["thank_you"].endswith("— built-in")
    assert not page.editor.isReadOnly()


def test_rename_retitles_mine_and_the_built_in_comes_back(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose(page, "thank_you")
    qtbot.mouseClick(page.customize_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(dialogs, "ask_text", lambda *args, **kwargs: "Warm thanks")

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)

    assert page.current_id() == "warm_thanks"
    assert listed(page)["warm_thanks"] == "Warm thanks — mine"
    assert listed(page)["thank_you"].endswith("— built-in")
    assert "title: Warm thanks" in afterword.templates.get("warm_thanks").source


def test_leaving_unsaved_changes_asks_first(
    qtbot: QtBot, page: TemplatesPage, answers: Dialogs
) -> None:
    customized_with_edit(qtbot, page)
    answers.answers = [False]  # keep editing

    choose_row = list(listed(page)).index("no_hard_feelings")
    page.list.setCurrentRow(choose_row)

    assert "not saved" in answers.asked[0]
    assert page.current_id() == "thank_you"
    assert EDIT in page.editor.toPlainText()

    answers.answers = [True]  # discard
    choose(page, "no_hard_feelings")
    choose(page, "thank_you")
    assert EDIT not in page.editor.toPlainText()


# --- problems as you type ------------------------------------------------------------------


def test_an_unknown_field_is_listed_by_line_marked_and_previewed(
    qtbot: QtBot, page: TemplatesPage, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Salary talk")
    line = 8  # the blank line after "Dear {{ recipient.first_name }},"

    type_on_line(qtbot, page, line, "{{ interview.salary }}")
    assert problems_shown(page) == []  # not yet: the check waits for a pause

    expected = "there is no field called interview.salary"
    qtbot.waitUntil(lambda: problems_shown(page) == [f"Line {line}: {expected}"])
    assert page.problem_lines() == [line]
    assert f"line {line}: {expected}" in page.preview_problem.text()
    assert page.preview_problem.isVisibleTo(page)
    assert page.preview_body.toPlainText() == ""


def test_an_unclosed_field_is_said_plainly_at_its_line_and_that_line_is_marked(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Broken field")
    type_on_line(qtbot, page, 8, "Thank you, {{ recipient.greeting,")

    plain = "the field started with {{ is not closed (add }})"
    qtbot.waitUntil(lambda: problems_shown(page) == [f"Line 8: {plain}"])
    assert page.problem_lines() == [8]
    assert "expected token" not in page.preview_problem.text()
    assert f"line 8: {plain}" in page.preview_problem.text()
    numbers = page.editor.line_numbers.grab().toImage()
    block = page.editor.document().findBlockByNumber(7)
    row = page.editor.blockBoundingGeometry(block).translated(page.editor.contentOffset())
    above = numbers.pixel(1, round(row.center().y() - row.height()))
    assert numbers.pixel(1, round(row.center().y())) != above, "line 8's number is tinted"

    type_on_line(qtbot, page, 8, " }}")
    qtbot.waitUntil(lambda: problems_shown(page) == [])
    assert page.problem_lines() == []


def test_clicking_a_problem_moves_the_cursor_to_its_line(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Salary talk")
    type_on_line(qtbot, page, 9, "{{ interview.salary }}")
    qtbot.waitUntil(lambda: page.problem_list.count() == 1)
    page.editor.moveCursor(QTextCursor.MoveOperation.Start)

    item = page.problem_list.item(0)
    qtbot.mouseClick(
        page.problem_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=page.problem_list.visualItemRect(item).center(),
    )

    assert page.editor.textCursor().blockNumber() + 1 == 9


def test_a_syntax_error_shows_its_line(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Broken")

    type_on_line(qtbot, page, 10, "{% if me.name %}")

    qtbot.waitUntil(lambda: page.problem_list.count() > 0)
    [problem] = problems_shown(page)
    assert (
        problem == "Line 10: {% if %} is not closed: add {% endif %} where the optional part ends"
    )
    assert page.problem_lines() == [10]
    assert "waits until this is fixed" in page.preview_problem.text()


def test_a_template_with_a_problem_saves_but_says_it_cannot_send(
    qtbot: QtBot, page: TemplatesPage, afterword: Afterword, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Salary talk")
    type_on_line(qtbot, page, 8, "{{ interview.salary }}")

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    assert "{{ interview.salary }}" in afterword.templates.get("salary_talk").source
    assert "cannot be used to send until it is fixed" in page.status.text()
    assert "line 8: there is no field called interview.salary." in page.status.text()
    assert not page.has_unsaved_changes()


def test_a_clean_save_just_says_saved(qtbot: QtBot, page: TemplatesPage, answers: Dialogs) -> None:
    customized_with_edit(qtbot, page)

    page.save()

    assert page.status.text() == "Saved."


# --- preview -------------------------------------------------------------------------------


def test_the_preview_follows_the_text_with_sample_data(
    qtbot: QtBot, page: TemplatesPage, runner: Runner, answers: Dialogs
) -> None:
    customized_with_edit(qtbot, page)

    assert page.preview_interview.currentText() == SAMPLE_DATA
    rendered(qtbot, runner, lambda: EDIT in page.preview_body.toPlainText())
    assert page.preview_subject.text() == "Thank you for meeting me about the Data Engineer role"
    assert not page.preview_problem.isVisibleTo(page)


def test_an_imported_escape_is_refused_by_the_sandbox_never_run(
    qtbot: QtBot,
    page: TemplatesPage,
    runner: Runner,
    tmp_path: Path,
    answers: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = tmp_path / "escaped"
    source = tmp_path / "Friendly Note.j2"
    source.write_text(ESCAPE.replace("{marker}", str(marker)), encoding="utf-8")
    monkeypatch.setattr(dialogs, "choose_file", lambda *args, **kwargs: str(source))

    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)

    assert page.current_id() == "friendly_note"
    rendered(qtbot, runner, lambda: page.preview_problem.text())
    assert "tried something not allowed in a template" in page.preview_problem.text()
    assert page.preview_body.toPlainText() == ""
    assert not marker.exists()
    assert answers.told == []


def test_export_writes_the_source(
    qtbot: QtBot,
    page: TemplatesPage,
    afterword: Afterword,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "out" / "thanks.v2"  # a dot in the name is not a file type
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "choose_save_file", lambda *a, **k: str(target))
    choose(page, "thank_you")

    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)

    exported = target.with_name("thanks.v2.j2")
    assert exported.read_text(encoding="utf-8") == afterword.templates.get("thank_you").source
    assert str(exported) in page.status.text()


def test_the_palette_inserts_a_field_at_the_cursor(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Short note")
    type_on_line(qtbot, page, 8, "We met on ")
    row = list(DESCRIPTIONS).index("interview.date")
    page.fields.setCurrentRow(row)
    assert page.fields.item(row).text().startswith("interview.date — the interview's date")

    qtbot.keyClick(page.fields, Qt.Key.Key_Return)

    line = page.editor.document().findBlockByNumber(7).text()
    assert line == "We met on {{ interview.date }}"


def test_the_palette_leaves_a_built_in_alone(qtbot: QtBot, page: TemplatesPage) -> None:
    choose(page, "thank_you")
    before = page.editor.toPlainText()
    page.fields.setCurrentRow(0)

    qtbot.keyClick(page.fields, Qt.Key.Key_Return)

    assert page.editor.toPlainText() == before
    assert page.status.text() == READ_ONLY_NOTE


def test_the_preview_uses_a_chosen_interview_and_contact(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    store = afterword.store
    store.save_profile(Profile("Zoë Müller", "zoe@example.org"))
    choose_locale(store, "en_US")
    interview = store.add_interview(
        Interview(
            "Globex",
            "Platform Engineer",
            datetime(2026, 11, 3, 14, 30).astimezone(),
            status=InterviewStatus.DONE,
        )
    )
    bo = store.add_contact(Contact("Bo Chen", "bo@globex.example"))
    store.add_contact(Contact("Cy Park", "cy@globex.example"))
    assert interview.id is not None and bo.id is not None
    store.set_participants(interview.id, [(bo.id, Role.INTERVIEWER)])
    page = open_page(qtbot, afterword, runner)
    choose(page, "thank_you")

    page.preview_interview.setCurrentIndex(page.preview_interview.findData(interview.id))

    assert page.preview_contact.currentText() == "Bo Chen"  # the interview's people first
    rendered(qtbot, runner, lambda: "Dear Bo," in page.preview_body.toPlainText())
    body = page.preview_body.toPlainText()
    assert "Tuesday, November 3, 2026" in body and "Globex" in body, "Settings › Dates"
    assert body.rstrip().endswith("Zoë Müller")
    assert "Platform Engineer" in page.preview_subject.text()

    page.preview_contact.setCurrentIndex(page.preview_contact.findText("Cy Park"))
    rendered(qtbot, runner, lambda: "Dear Cy," in page.preview_body.toPlainText())


def test_a_missing_field_shows_in_the_preview_not_as_an_exception(
    qtbot: QtBot, afterword: Afterword, runner: Runner
) -> None:
    store = afterword.store
    interview = store.add_interview(Interview("Globex", "Platform Engineer"))  # no date
    bo = store.add_contact(Contact("Bo Chen", "bo@globex.example"))
    assert interview.id is not None and bo.id is not None
    store.set_participants(interview.id, [(bo.id, Role.INTERVIEWER)])
    page = open_page(qtbot, afterword, runner)
    choose(page, "thank_you")

    page.preview_interview.setCurrentIndex(page.preview_interview.findData(interview.id))

    rendered(qtbot, runner, lambda: page.preview_problem.text())
    assert "(interview.date), which is not set: set it in Interviews" in (
        page.preview_problem.text()
    )
    assert page.preview_body.toPlainText() == ""


# --- accessibility -------------------------------------------------------------------------


def test_every_control_is_named_and_tab_visits_them_in_reading_order(page: TemplatesPage) -> None:
    controls = reachable_controls(page)

    assert tab_order(page.list, controls) == [
        "Templates",
        "New template",
        "Customize",
        "Duplicate",
        "Rename",
        "Delete",
        "Import",
        "Export",
        "Template text",
        "Save template",
        "Files attached by default",
        "Attach a file by default",
        "Remove default file",
        "Problems",
        "Preview with interview",
        "Preview with contact",
        "Preview subject",
        "Preview text",
        "Fields",
    ]
    for control in controls:
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()


def test_a_hidden_page_checks_nothing_until_shown_again(
    qtbot: QtBot, page: TemplatesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_called(qtbot, page, monkeypatch, "Salary talk")
    type_on_line(qtbot, page, 8, "{{ interview.salary }}")

    page.hide()
    qtbot.wait(2 * CHECK_DELAY_MS)
    assert problems_shown(page) == []

    page.show()
    qtbot.waitUntil(
        lambda: problems_shown(page) == ["Line 8: there is no field called interview.salary"]
    )


def test_a_file_attached_by_default_comes_with_every_message(
    qtbot: QtBot,
    ready: Afterword,
    answers: Dialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF my cv")
    monkeypatch.setattr(dialogs, "choose_files", lambda *args: [str(cv)])
    page = TemplatesPage(ready, Runner())
    qtbot.addWidget(page)
    page.select("feedback_request")
    assert not page.add_default_button.isEnabled(), "a built-in: Customize first"
    page.customize()
    page.add_default_button.click()
    assert [page.defaults.item(i).text() for i in range(page.defaults.count())] == ["cv.pdf"]
    cv.unlink()

    ana = ready.store.add_contact(Contact("Ana Lima", "ana@acme.example"))
    interview = ready.store.add_interview(Interview("Acme", "Data Engineer"))
    draft = draft_from_template(
        ready.store,
        ready.templates,
        "feedback_request",
        contact_id=ana.id or 0,
        interview_id=interview.id,
    )
    assert [(a.filename, a.data) for a in draft.attachments] == [("cv.pdf", b"%PDF my cv")]
    page.remove_default_button.click()
    assert page.defaults.count() == 0
