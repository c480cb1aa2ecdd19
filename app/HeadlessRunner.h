#pragma once

#include "Engine.h"
#include "HarRecorder.h"

#include <QCoreApplication>
#include <QFile>
#include <QObject>
#include <QTimer>

namespace Switchyard {

/// Runs the engine without a window: announces the listen address on standard
/// error, writes one line per finished exchange to the log, and reports through
/// finished() when the engine has stopped (0) or could not run (1). With a HAR
/// file it also keeps every finished exchange and writes them as HAR 1.2 once
/// the engine has stopped, before finished().
class HeadlessRunner : public QObject
{
    Q_OBJECT
public:
    /// The runner drives this engine but does not own it.
    explicit HeadlessRunner(Engine* engine, QObject* parent = nullptr);

    /// Opens the log (logPath, or standard error when empty) and starts the
    /// engine. Returns false, having printed why, when it cannot even begin;
    /// finished() is then not emitted.
    bool start(const EngineSettings& settings, const QString& logPath);
    /// Before start(): record finished exchanges (capture should be on for
    /// headers and bodies) and write them to path as HAR 1.2 when the run ends.
    /// Every exchange is kept in memory until then. A file that cannot be
    /// written makes the exit code 1.
    void setHarFile(const QString& path, bool maskSecrets);
    /// Stops the engine; finished(0) follows once it has. A second call gives up
    /// waiting and finishes with 1 at once.
    void stop();

Q_SIGNALS:
    /// Emitted once, when the engine first listens, with the address it is bound to.
    void listening(const QHostAddress& address, quint16 port);
    /// Emitted once, always from the event loop; the argument is the exit code.
    void finished(int exitCode);

private:
    void onStateChanged(Engine::State state, const QString& error);
    void onEventsReady(const LogEventBatch& events);
    void finish(int exitCode);
    bool writeHar();

    Engine* m_engine;
    QFile m_log;
    QString m_listenText; // the address asked for, for messages
    QTimer m_stopDeadline;
    bool m_listening = false;
    bool m_stopRequested = false;
    bool m_finished = false;
    bool m_logFailed = false;
    bool m_logDiscarded = false; ///< the log is the null device: lines are not formatted
    QString m_harPath;
    HarRecorder m_har;
};

} // namespace Switchyard
