#pragma once
// Reads standard input line by line without blocking the event loop: a QSocketNotifier on POSIX,
// a reader thread on Windows (where a console handle cannot be watched by a notifier).

#include <QObject>
#include <QString>

class QSocketNotifier;
class QThread;

namespace confab {

class StdinReader : public QObject
{
    Q_OBJECT
public:
    // Longer lines are not buffered: they are dropped whole (never cut) and reported.
    static constexpr qsizetype MaxLineBytes = 64 * 1024;

    explicit StdinReader(QObject *parent = nullptr);
    ~StdinReader() override;

    void start();

signals:
    void lineRead(const QString &line); // without the line end
    void overlongLineDropped(); // a line of more than MaxLineBytes was read and dropped
    void endOfInput();

private:
    void consume(const QByteArray &bytes);
    void finish();
#ifdef Q_OS_WIN
    QThread *m_thread = nullptr;
#else
    void readAvailable();
    QSocketNotifier *m_notifier = nullptr;
#endif
    QByteArray m_pending;
    bool m_overlong = false;
};

} // namespace confab
