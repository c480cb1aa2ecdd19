#pragma once

#include "Engine.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <functional>
#include <optional>

/// Runs one Switchyard::Engine on 127.0.0.1 with a free port for a test and keeps
/// every log event it emits. The engine works in its own thread; events arrive
/// here whenever the test's thread runs its event loop (waitForFinished does).
class EngineFixture : public QObject
{
    Q_OBJECT
public:
    using Match = std::function<bool(const Switchyard::LogEvent&)>;

    explicit EngineFixture(QObject* parent = nullptr);
    ~EngineFixture() override;

    /// Defaults for tests: 127.0.0.1, port 0, log flushed every 20 ms.
    static Switchyard::EngineSettings testSettings();
    /// testSettings() with every connection routed through one exit.
    static Switchyard::EngineSettings routedThrough(const Switchyard::UpstreamProfile& profile,
                                                    int connectTimeoutMs);

    /// Starts the engine and waits (bounded) until it is Running.
    bool start(const Switchyard::EngineSettings& settings = testSettings());
    /// Stops the engine and waits (bounded) until it is Stopped.
    bool stop();
    QString errorString() const { return m_error; }

    Switchyard::Engine& engine() { return m_engine; }
    quint16 port() const { return m_engine.boundPort(); }
    /// "http://127.0.0.1:PORT", for curl -x.
    QString proxyUrl() const;

    /// Every event in arrival order (both phases).
    QList<Switchyard::LogEvent> events() const { return m_events; }
    /// Finished events in arrival order.
    QList<Switchyard::LogEvent> finishedEvents() const;
    QList<Switchyard::LogEvent> finishedMatching(const Match& match) const;
    /// Runs the event loop until a finished event matches, at most timeoutMs.
    std::optional<Switchyard::LogEvent> waitForFinished(const Match& match, int timeoutMs = 5000);
    /// Whether a Started event with this id arrived (an exchange that ends within
    /// one flush interval is only reported finished).
    bool sawStarted(quint64 id) const { return m_started.contains(id); }
    /// Breaches of the log contract (started twice, finished twice, started after
    /// finishing, finished without a duration) since the last call; clears them.
    QStringList takeSequenceErrors();
    /// Forgets the events collected so far (not the sequence bookkeeping).
    void clearEvents();

private:
    void onEvents(const Switchyard::LogEventBatch& batch);
    bool waitForState(Switchyard::Engine::State state, int timeoutMs);

    Switchyard::Engine m_engine;
    QList<Switchyard::LogEvent> m_events;
    QList<quint64> m_finishedOrder;
    QHash<quint64, Switchyard::LogEvent> m_finished;
    QSet<quint64> m_started;
    QSet<quint64> m_finishedIds;
    QStringList m_sequenceErrors;
    QString m_error;
};
