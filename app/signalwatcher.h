#pragma once
// Turns SIGINT/SIGTERM (Ctrl+C / console close on Windows) into a Qt signal delivered on the
// main thread, so shutdown runs as ordinary code instead of inside a signal handler.

#include <QObject>

class QSocketNotifier;

namespace confab {

class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace confab
