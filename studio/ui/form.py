"""A labelled input with its own error line, so a message sits next to the field it is about."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class FormField(QWidget):
    """Label above, input, then a hint or the error (the error wins while there is one)."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.label = QLabel()
        self.label.setObjectName("fieldLabel")
        self.label.setBuddy(editor)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)

    def set_texts(self, label: str, hint: str = "") -> None:
        self.label.setText(label)
        self.editor.setAccessibleName(label)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint) and self.error.isHidden())

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.hint.setVisible(bool(self.hint.text()) and not message)
        self.editor.setProperty("invalid", bool(message))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)

    @property
    def error_text(self) -> str:
        """The message a user sees under the field ('' when there is none)."""
        return "" if self.error.isHidden() else self.error.text()
