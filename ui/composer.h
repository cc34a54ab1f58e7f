#pragma once
// Where a message is written: Enter sends, Shift+Enter starts a new line. Up on an empty
// composer asks to edit the user's last message; Esc cancels that edit.

#include <QPlainTextEdit>

namespace confab {

class Composer : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit Composer(QWidget *parent = nullptr);

    // Sends what is written (if anything) and clears the field; text over the limit stays.
    void submit();
    void setMaxLength(int characters);
    QSize sizeHint() const override;

signals:
    void submitted(const QString &text);
    void typing(); // the user changed the text
    void tooLong(int characters, int limit);
    void editLastRequested(); // Up arrow with nothing written
    void cancelRequested(); // Esc
    // Files dropped or pasted (local paths) and a pasted image: sent as files, not as text.
    void filesOffered(const QStringList &paths);
    void imageOffered(const QImage &image);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    int m_maxLength = 0; // 0: no limit
};

} // namespace confab
