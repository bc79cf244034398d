"""Templates: the built-ins and the user's own, with problems and a preview as they type.

Built-ins are read-only: Customize copies one into the user's templates, where it replaces
the built-in until deleted. A template with problems can still be saved, so no work is
lost, but it cannot be used to send until they are fixed. The preview renders off the GUI
thread: a template's code may run for up to the sandbox's time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QHideEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from composer.afterword import Afterword
from composer.dates import chosen_locale
from composer.errors import AfterwordError
from composer.templates import (
    Problem,
    Rendered,
    Template,
    TemplateLibrary,
    clean_title,
    parse_meta,
    questions,
    render_source,
    sample_fields,
    stop,
    template_fields,
)
from composer.templates.library import problems
from ui import dialogs, spelling
from ui.field_palette import FieldPalette
from ui.models import INTERVIEWS_LISTED, interview_label
from ui.problem_list import ProblemList
from ui.runner import Runner
from ui.template_editor import TemplateEditor
from ui.widgets import named, push_button, status_label

CHECK_DELAY_MS = 300  # a pause in typing this long updates problems and preview
SAMPLE_DATA = "Sample data"
READ_ONLY_NOTE = "Built-in: Customize to edit a copy of your own."
TEMPLATE_FILES = "Templates (*.j2);;All files (*)"
PREVIEW_CONTACTS = 50  # besides the interview's people
FieldValues = Mapping[str, Any]


def kind_of(template: Template, library: TemplateLibrary) -> str:
    if template.builtin:
        return "built-in"
    return "mine (replaces built-in)" if library.has_builtin(template.id) else "mine"


class TemplatesPage(QWidget):
    changed = Signal()  # templates were added, removed, renamed or saved

    def __init__(self, afterword: Afterword, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.afterword = afterword
        self.library = afterword.templates
        self.runner = runner
        self.template: Template | None = None
        self._render_count = 0  # only the latest render is shown
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_list())
        split.addWidget(self._build_editor())
        split.addWidget(self._build_preview())
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._connect()

    def _build_list(self) -> QWidget:
        self.list = named(QListWidget(), "Templates")
        self.new_button = push_button("&New…", "New template", self.new_template)
        self.customize_button = push_button("Customi&ze", "Customize", self.customize)
        self.duplicate_button = push_button("D&uplicate", "Duplicate", self.duplicate)
        self.rename_button = push_button("&Rename…", "Rename", self.rename)
        self.delete_button = push_button("&Delete", "Delete", self.delete)
        self.import_button = push_button("Import…", "Import", self.import_template)
        self.export_button = push_button("Export…", "Export", self.export)
        buttons = QGridLayout()
        for number, button in enumerate(self._list_buttons()):
            buttons.addWidget(button, number // 2, number % 2)
        return _column(_labelled("Templates:", self.list), self.list, buttons)

    def _list_buttons(self) -> list[QWidget]:
        return [
            self.new_button,
            self.customize_button,
            self.duplicate_button,
            self.rename_button,
            self.delete_button,
            self.import_button,
            self.export_button,
        ]

    def _build_editor(self) -> QWidget:
        self.note = status_label("Built-in note")
        self.note.setText(READ_ONLY_NOTE)
        self.editor = TemplateEditor("Template text")
        spelling.attach(self.editor, self.afterword)
        self.save_button = push_button("&Save", "Save template", self.save)
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)
        self.status = status_label("Template status", selectable=True)
        self.problem_list = ProblemList()
        self.problem_label = _labelled("Pro&blems:", self.problem_list)
        saving = QHBoxLayout()
        saving.addWidget(self.status, 1)
        saving.addWidget(self.save_button)
        return _column(
            self.note,
            _labelled("Template te&xt:", self.editor),
            self.editor,
            saving,
            self._build_defaults(),
            self.problem_label,
            self.problem_list,
            stretch={self.editor: 3, self.problem_list: 1},
        )

    def _build_defaults(self) -> QHBoxLayout:
        """Files that come with every message from this template (a CV, say)."""
        self.defaults = named(QListWidget(), "Files attached by default")
        self.defaults.setMaximumHeight(48)
        self.defaults.setToolTip("Attached to every message written with this template")
        self.add_default_button = push_button(
            "Attach by default…", "Attach a file by default", self.add_default_attachment
        )
        self.remove_default_button = push_button(
            "Remove file", "Remove default file", self.remove_default_attachment
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("Files:"))
        row.addWidget(self.defaults, 1)
        row.addWidget(self.add_default_button)
        row.addWidget(self.remove_default_button)
        return row

    def _show_defaults(self) -> None:
        mine = self.template is not None and not self.template.builtin
        self.defaults.clear()
        if self.template is not None:
            self.defaults.addItems(self.library.default_attachment_names(self.template.id))
        self.add_default_button.setEnabled(mine)
        self.remove_default_button.setEnabled(mine and self.defaults.count() > 0)

    def add_default_attachment(self) -> None:
        if self.template is None or self.template.builtin:
            return
        template_id = self.template.id
        for chosen in dialogs.choose_files(self, "Attach by default"):
            path = Path(chosen)
            self._library_call(partial(self.library.add_default_attachment, template_id, path))
        self._show_defaults()

    def remove_default_attachment(self) -> None:
        item = self.defaults.currentItem() or self.defaults.item(0)
        if self.template is not None and item is not None:
            template_id, name = self.template.id, item.text()
            self._library_call(lambda: self.library.remove_default_attachment(template_id, name))
            self._show_defaults()

    def _build_preview(self) -> QWidget:
        self.preview_interview = named(QComboBox(), "Preview with interview")
        self.preview_contact = named(QComboBox(), "Preview with contact")
        self.preview_subject = named(QLineEdit(), "Preview subject")
        self.preview_subject.setReadOnly(True)
        self.preview_body = named(QPlainTextEdit(), "Preview text")
        self.preview_body.setReadOnly(True)
        self.preview_body.setTabChangesFocus(True)
        self.preview_problem = status_label("Preview problem", selectable=True)
        self.fields = FieldPalette()
        choices = QFormLayout()
        choices.addRow(_labelled("Preview &with:", self.preview_interview), self.preview_interview)
        choices.addRow("Contact:", self.preview_contact)
        choices.addRow("Subject:", self.preview_subject)
        return _column(
            choices,
            self.preview_problem,
            self.preview_body,
            _labelled("&Available fields (Enter inserts):", self.fields),
            self.fields,
            stretch={self.preview_body: 2, self.fields: 1},
        )

    def _connect(self) -> None:
        self.list.currentItemChanged.connect(self._selected)
        self.editor.textChanged.connect(self._check_timer.start)
        self.problem_list.line_chosen.connect(self.editor.go_to_line)
        self.fields.chosen.connect(self._insert_field)
        self.preview_interview.currentIndexChanged.connect(self._interview_chosen)
        self.preview_contact.currentIndexChanged.connect(lambda _: self.check())

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reloads the templates and the records to preview with; unsaved text stays."""
        self._fill_list(self.current_id())
        self._fill_preview_choices()
        self._show(self.current_id())

    def showEvent(self, event: QShowEvent) -> None:
        """Interviews and contacts change on other pages: offer the current ones."""
        super().showEvent(event)
        self._fill_preview_choices()
        self.check()

    def hideEvent(self, event: QHideEvent) -> None:
        """Nothing to preview while hidden: drop pending checks and renders in flight."""
        super().hideEvent(event)
        self._check_timer.stop()
        self._render_count += 1

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _fill_list(self, select: str | None) -> None:
        try:
            found = self.library.templates()
        except AfterwordError as error:
            self.status.setText(str(error))
            found = []
        if self.library.notices:  # e.g. a file of mine that is not UTF-8, now set aside
            dialogs.tell(self, "\n\n".join(self.library.notices), error=True)
            self.library.notices.clear()
        self.list.blockSignals(True)
        self.list.clear()
        for template in found:
            item = QListWidgetItem(f"{template.title} — {kind_of(template, self.library)}")
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            item.setToolTip(template.when)
            self.list.addItem(item)
        ids = [template.id for template in found]
        self.list.setCurrentRow(ids.index(select) if select in ids else (0 if ids else -1))
        self.list.blockSignals(False)

    def select(self, template_id: str) -> None:
        """Shows the template, reloading the list (its title or kind may have changed)."""
        self._fill_list(template_id)
        self._show(self.current_id(), reload=True)

    def _selected(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._may_leave():
            self._show(self.current_id(), reload=True)
            return
        if previous is not None:
            self.list.blockSignals(True)
            self.list.setCurrentItem(previous)
            self.list.blockSignals(False)

    def _may_leave(self) -> bool:
        if self.template is None or not self.has_unsaved_changes():
            return True
        question = f"Your changes to “{self.template.title}” are not saved. Discard them?"
        return dialogs.ask(self, question, yes="Discard", no="Keep editing")

    def has_unsaved_changes(self) -> bool:
        return self.editor.document().isModified()

    def _show(self, template_id: str | None, *, reload: bool = False) -> None:
        same = self.template is not None and self.template.id == template_id
        if same and self.has_unsaved_changes() and not reload:
            return
        self.status.setText("")
        try:
            self.template = self.library.get(template_id) if template_id else None
        except AfterwordError as error:
            self.template = None
            self.status.setText(str(error))
        self.editor.setPlainText(self.template.source if self.template else "")
        self._set_editable(self.template is not None and not self.template.builtin)
        self.note.setVisible(self.template is not None and self.template.builtin)
        self._show_defaults()
        self._update_buttons()
        self.check()

    def _set_editable(self, editable: bool) -> None:
        self.editor.setReadOnly(not editable)
        if not editable:  # still readable from the keyboard
            self.editor.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )

    def _update_buttons(self) -> None:
        chosen = self.template is not None
        mine = self.template is not None and not self.template.builtin
        self.customize_button.setEnabled(chosen and not mine)
        for button in (self.duplicate_button, self.export_button):
            button.setEnabled(chosen)
        for button in (self.rename_button, self.delete_button, self.save_button):
            button.setEnabled(mine)

    # --- problems and preview -----------------------------------------------------------

    def check(self) -> None:
        """Problems and preview of the text as it is now; typing calls this after a pause."""
        self._check_timer.stop()
        source = self.editor.toPlainText()
        found = problems(source) if self.template is not None else []
        self._show_problems(found)
        self.fields.show_questions(questions(source))
        self._preview(source, found)

    def _show_problems(self, found: list[Problem]) -> None:
        self.problem_list.show_problems(found)
        self.problem_label.setText(f"Pro&blems ({len(found)}):" if found else "Pro&blems: none")
        self.editor.mark_lines([problem.line for problem in found])

    def problem_lines(self) -> list[int]:
        """The lines marked in the editor, counted from 1."""
        return self.editor.marked_lines()

    def _preview(self, source: str, found: list[Problem]) -> None:
        self._render_count += 1
        if self.template is None:
            self._show_rendered(None, "")
        elif found:
            listed = "; ".join(str(problem) for problem in found[:3])
            self._show_rendered(None, f"The preview waits until this is fixed: {stop(listed)}")
        else:
            self._render(source, self.template)

    def _render(self, source: str, template: Template) -> None:
        try:
            fields = self._preview_fields()
        except AfterwordError as error:  # the interview or contact was deleted meanwhile
            self._show_rendered(None, str(error))
            return
        title = parse_meta(source).get("title") or template.title
        number = self._render_count
        self.runner.run(
            lambda: render_source(source, fields, name=template.id, title=title),
            lambda rendered: self._rendered(number, rendered, ""),
            lambda error: self._rendered(number, None, _message(error)),
        )

    def _rendered(self, number: int, rendered: Rendered | None, problem: str) -> None:
        if number == self._render_count:  # else the text changed since: a newer one comes
            self._show_rendered(rendered, problem)

    def _show_rendered(self, rendered: Rendered | None, problem: str) -> None:
        self.preview_subject.setText(rendered.subject if rendered else "")
        self.preview_body.setPlainText(rendered.body if rendered else "")
        self.preview_problem.setText(problem)
        self.preview_problem.setVisible(bool(problem))

    def _preview_fields(self) -> FieldValues:
        interview_id = self.preview_interview.currentData()
        store = self.afterword.store
        if interview_id is None:
            return sample_fields(chosen_locale(store), self.afterword.clock())
        contact_id = self.preview_contact.currentData()
        return template_fields(
            store.profile(),
            store.contact(contact_id) if contact_id is not None else None,
            store.interview(interview_id),
            store.participants(interview_id),
            date_locale=chosen_locale(store),
        )

    def _fill_preview_choices(self) -> None:
        box = self.preview_interview
        chosen = box.currentData()
        choices = self.afterword.store.interview_choices(INTERVIEWS_LISTED, chosen)
        box.blockSignals(True)
        box.clear()
        box.addItem(SAMPLE_DATA, None)
        for item in choices:
            box.addItem(interview_label(item, chosen_locale(self.afterword.store)), item.id)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
        box.blockSignals(False)
        self._fill_contacts(self.preview_contact.currentData())

    def _fill_contacts(self, chosen: int | None) -> None:
        """The interview's people first, then everyone else; none for sample data."""
        interview_id = self.preview_interview.currentData()
        store = self.afterword.store
        people = store.participants(interview_id) if interview_id is not None else []
        first = [p.contact.id for p in people if p.contact.id is not None]
        others = store.contact_ids() if interview_id is not None else []
        ids = first + [i for i in others if i not in first][:PREVIEW_CONTACTS]
        if chosen is not None and chosen not in ids and chosen in others:
            ids.append(chosen)
        contacts = store.contacts_by_id(ids)
        box = self.preview_contact
        box.blockSignals(True)
        box.clear()
        for contact_id in ids:
            box.addItem(contacts[contact_id].name, contact_id)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
        box.setEnabled(bool(ids))
        box.blockSignals(False)

    def _interview_chosen(self) -> None:
        self._fill_contacts(None)
        self.check()

    def _insert_field(self, path: str) -> None:
        if self.editor.isReadOnly():
            self.status.setText(READ_ONLY_NOTE)
            return
        self.editor.insert_field(path)

    # --- actions ------------------------------------------------------------------------

    def save(self) -> None:
        """Saves even with problems: the note says it cannot be used to send yet."""
        template = self.template
        if template is None or template.builtin:
            self.status.setText(READ_ONLY_NOTE if template else "")
            return
        source = self.editor.toPlainText()
        if not self._library_call(lambda: self.library.save(template.id, source)):
            return
        self.editor.document().setModified(False)
        found = problems(source)
        self._fill_list(template.id)
        self.template = self.library.get(template.id)
        self.status.setText(_saved_note(found))
        self.changed.emit()

    def new_template(self) -> None:
        title = dialogs.ask_text(self, "New template", "Title of the new template:")
        if title is None or not clean_title(title) or not self._may_leave():
            return
        self._change(lambda: self.library.new_template(title))

    def customize(self) -> None:
        template = self.template
        if template is not None and template.builtin:
            self._change(lambda: self.library.customize(template.id))
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def duplicate(self) -> None:
        template = self.template
        if template is not None and self._may_leave():
            self._change(lambda: self.library.duplicate(template.id))

    def rename(self) -> None:
        template = self.template
        if template is None or template.builtin:
            return
        title = dialogs.ask_text(self, "Rename template", "New title:", template.title)
        if title is None or not clean_title(title) or not self._may_leave():
            return
        self._change(lambda: self.library.retitle(template.id, title))

    def delete(self) -> None:
        template = self.template
        if template is None or template.builtin:
            return
        question = f"Delete your template “{template.title}”?"
        if self.library.has_builtin(template.id):
            question += " The built-in template it replaces comes back in its place."
        if not dialogs.ask(self, question, yes="Delete"):
            return
        if self._library_call(lambda: self.library.delete(template.id)):
            self.editor.document().setModified(False)
            self.select(template.id)
            self.changed.emit()

    def import_template(self) -> None:
        path = dialogs.choose_file(self, "Import a template", TEMPLATE_FILES)
        if path is not None and self._may_leave():
            self._change(lambda: self.library.import_file(Path(path)))

    def export(self) -> None:
        template = self.template
        if template is None:
            return
        path = dialogs.choose_save_file(self, f"Export “{template.title}”", TEMPLATE_FILES)
        if path is None:
            return
        target = dialogs.save_target(self, path, TEMPLATE_FILES)  # "thanks.v2" is thanks.v2.j2
        if target is None:
            return
        if self._library_call(lambda: self.library.export(template.id, target)):
            unsaved = " (as last saved)" if self.has_unsaved_changes() else ""
            self.status.setText(f"Exported{unsaved} to {target}.")

    def _change(self, work: Callable[[], Template]) -> None:
        """Runs a library change, then shows the template it made or changed."""
        changed: list[Template] = []
        if self._library_call(lambda: changed.append(work())):
            self.editor.document().setModified(False)
            self.select(changed[0].id)
            self.changed.emit()

    def _library_call(self, work: Callable[[], object]) -> bool:
        """Small local files: quick enough for the GUI thread. False if it failed."""
        try:
            work()
        except AfterwordError as error:
            dialogs.tell(self, str(error), error=True)
            return False
        return True


def _saved_note(found: list[Problem]) -> str:
    if not found:
        return "Saved."
    return f"Saved, but it cannot be used to send until it is fixed: {stop(str(found[0]))}"


def _message(error: BaseException) -> str:
    """A render's failure as the preview shows it; a bug stays loud."""
    if not isinstance(error, AfterwordError):
        raise error
    return str(error)


def _labelled(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _column(*parts: QWidget | QLayout, stretch: Mapping[QWidget, int] | None = None) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part, (stretch or {}).get(part, 0))
        else:
            layout.addLayout(part)
    return box
