#include "composer.h"

#include <QImage>
#include <QKeyEvent>
#include <QMimeData>

namespace confab {

namespace {
constexpr int VisibleLines = 3;
}

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setPlaceholderText(tr("Write a message… (Enter sends, Shift+Enter for a new line)"));
    setTabChangesFocus(true);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (!document()->isEmpty())
            emit typing();
    });
}

// Local files (a drop from the file manager, a copied file) and images (a screenshot) are
// attachments; anything else is text as before.
static QStringList localFilesIn(const QMimeData *source)
{
    QStringList paths;
    if (source->hasUrls()) {
        for (const QUrl &url : source->urls()) {
            if (url.isLocalFile())
                paths.append(url.toLocalFile());
        }
    }
    return paths;
}

bool Composer::canInsertFromMimeData(const QMimeData *source) const
{
    return source->hasImage() || !localFilesIn(source).isEmpty()
        || QPlainTextEdit::canInsertFromMimeData(source);
}

void Composer::insertFromMimeData(const QMimeData *source)
{
    if (const QStringList paths = localFilesIn(source); !paths.isEmpty()) {
        emit filesOffered(paths);
        return;
    }
    if (source->hasImage()) {
        emit imageOffered(qvariant_cast<QImage>(source->imageData()));
        return;
    }
    QPlainTextEdit::insertFromMimeData(source);
}

QSize Composer::sizeHint() const
{
    const QSize hint = QPlainTextEdit::sizeHint();
    return {hint.width(), fontMetrics().lineSpacing() * VisibleLines + 2 * frameWidth() + 8};
}

void Composer::setMaxLength(int characters)
{
    m_maxLength = characters;
}

void Composer::submit()
{
    const QString text = toPlainText().trimmed();
    if (text.isEmpty())
        return;
    if (m_maxLength > 0 && text.size() > m_maxLength) {
        emit tooLong(int(text.size()), m_maxLength);
        return;
    }
    clear();
    emit submitted(text);
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        submit();
        event->accept();
        return;
    }
    if (enter) {
        insertPlainText(QStringLiteral("\n"));
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Up && event->modifiers() == Qt::NoModifier
        && document()->isEmpty()) {
        emit editLastRequested();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        emit cancelRequested();
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace confab
