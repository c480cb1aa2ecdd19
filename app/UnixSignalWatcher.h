#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace Switchyard {

/// Turns Unix signals (SIGINT, SIGTERM) into a Qt signal in the thread that
/// created the watcher. The handler only writes the signal number into a
/// socketpair, which is all a signal handler may safely do; a QSocketNotifier
/// on the other end emits signalReceived() from the event loop.
/// Only one watcher may exist at a time.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

    /// Catches this signal from now on. Returns false (errno set) if it cannot.
    bool watch(int signal);

Q_SIGNALS:
    void signalReceived(int signal);

private:
    void onReadable();
    static void handleSignal(int signal);

    int m_readFd = -1;
    int m_writeFd = -1;
    QSocketNotifier* m_notifier = nullptr;
    QList<int> m_watched;
};

} // namespace Switchyard
