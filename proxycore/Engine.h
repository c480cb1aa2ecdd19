#pragma once

#include "EngineSettings.h"
#include "LogEvent.h"
#include "RuleEngine.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

namespace Switchyard {

class EngineCore;

/// Counters the engine publishes with every log flush.
struct EngineStats
{
    int activeConnections = 0;
    quint64 totalBytesUp = 0;
    quint64 totalBytesDown = 0;
    quint64 totalRequests = 0;
    /// Lookups handed to the system resolver (names resolved at an exit never count).
    quint64 systemDnsLookups = 0;
};

/// The proxy engine as the application sees it. It owns a worker thread in which
/// every socket lives; all calls here return at once and every result comes back
/// as a queued signal in the caller's thread. Create and use it from one thread.
class Engine : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    explicit Engine(QObject* parent = nullptr);
    ~Engine() override;

    /// Starts listening with these settings; ends in stateChanged(Running) or
    /// stateChanged(Failed) with a reason.
    void start(const EngineSettings& settings);
    /// Closes the listener and every connection; ends in stateChanged(Stopped).
    void stop();
    /// New limits and options take effect for new connections at once. A changed
    /// listen address restarts the listener.
    void applySettings(const EngineSettings& settings);

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    EngineSettings settings() const { return m_settings; }
    /// The address actually listened on (port resolved when 0 was asked for).
    QHostAddress boundAddress() const { return m_boundAddress; }
    quint16 boundPort() const { return m_boundPort; }
    /// The rules as compiled for the current settings (shared with the engine thread).
    std::shared_ptr<const RuleEngine> ruleEngine() const { return m_rules; }
    /// Which rule decides a URL or host:port, and where it goes.
    RouteExplanation explain(const QString& urlOrHostPort) const
    {
        return m_rules->explain(urlOrHostPort);
    }

Q_SIGNALS:
    void stateChanged(Switchyard::Engine::State state, const QString& error);
    /// Log events, in the order they happened, at most every logFlushIntervalMs.
    void eventsReady(const Switchyard::LogEventBatch& events);
    void statsUpdated(const Switchyard::EngineStats& stats);

private:
    void onCoreStarted(const QHostAddress& address, quint16 port);
    void onCoreFailed(const QString& error);
    void onCoreStopped();
    void setState(State state, const QString& error = {});

    QThread m_thread;
    EngineCore* m_core = nullptr; // lives in m_thread
    EngineSettings m_settings;
    std::shared_ptr<const RuleEngine> m_rules;
    State m_state = State::Stopped;
    QString m_lastError;
    QHostAddress m_boundAddress;
    quint16 m_boundPort = 0;
};

} // namespace Switchyard

Q_DECLARE_METATYPE(Switchyard::EngineStats)
