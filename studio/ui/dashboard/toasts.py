"""Alerts that come and go on their own: one toast per tip or new subscriber, never a modal box."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from studio.ui.banner import Banner

SHOWN_MS = 8_000
MOST_SHOWN = 4


class ToastStack(QWidget):
    """The newest alerts on top; each hides after `SHOWN_MS`, or when closed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toasts: list[Banner] = []
        self.sound = True
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)

    def show_toast(self, text: str, close_label: str = "") -> Banner:
        toast = Banner("info")
        toast.setProperty("toast", True)
        toast.set_texts(text, close_label=close_label)
        toast.show()
        self._layout.insertWidget(0, toast)
        self.toasts.insert(0, toast)
        while len(self.toasts) > MOST_SHOWN:
            self._drop(self.toasts[-1])
        QTimer.singleShot(SHOWN_MS, toast, lambda: self._drop(toast))
        if self.sound:
            QApplication.beep()
        return toast

    def texts(self) -> list[str]:
        return [toast.text.text() for toast in self.toasts if not toast.isHidden()]

    def _drop(self, toast: Banner) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
            toast.hide()
            toast.deleteLater()
