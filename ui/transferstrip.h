#pragma once
// Above the composer: the file transfers of one conversation, one row each: which file, a
// progress bar, how much and how fast, Pause/Resume and Cancel. Finished rows go away after a
// moment; a failed one stays with the reason until dismissed. Hidden when there is nothing.

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;
class QVBoxLayout;

namespace confab {

class Transfers;

class TransferStrip : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DoneLingerMs = 4000; // a finished row stays this long

    explicit TransferStrip(QWidget *parent = nullptr);

    void setTransfers(Transfers *transfers, const QString &conversationId);
    int rowCount() const { return int(m_rows.size()); }
    // The row's widget for a transfer id (tests), or nullptr.
    QWidget *rowWidget(int id) const;

    static QString speedText(double bytesPerSecond);

    // The row's status line as shown (elided to its width; the whole text is its tooltip).
    static QString statusText(const QLabel *status);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Row
    {
        QWidget *widget = nullptr;
        QLabel *name = nullptr;
        QProgressBar *bar = nullptr;
        QLabel *status = nullptr;
        QToolButton *pause = nullptr;
        QToolButton *cancel = nullptr;
    };
    void add(int id);
    void update(int id);
    void remove(int id);
    static void setStatus(QLabel *status, const QString &text);

    QPointer<Transfers> m_transfers;
    QString m_conversationId;
    QVBoxLayout *m_layout;
    QHash<int, Row> m_rows;
};

} // namespace confab
