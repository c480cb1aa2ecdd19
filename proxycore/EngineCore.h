#pragma once

#include "Engine.h"
#include "EngineContext.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace Switchyard {

class EventLogger;
class Listener;
class OriginPool;
class Resolver;
class RuleEngine;

/// The engine's worker: lives in the engine thread and owns the listener, the
/// shared services and every connection. Engine talks to it only through queued
/// calls and signals.
class EngineCore : public QObject
{
    Q_OBJECT
public:
    explicit EngineCore(QObject* parent = nullptr);
    ~EngineCore() override;

    void start(const Switchyard::EngineSettings& settings, std::shared_ptr<const RuleEngine> rules);
    void stop();
    void applySettings(const Switchyard::EngineSettings& settings,
                       std::shared_ptr<const RuleEngine> rules);

Q_SIGNALS:
    void started(const QHostAddress& address, quint16 port);
    void failed(const QString& error);
    void stopped();
    void eventsReady(const Switchyard::LogEventBatch& events);
    void statsUpdated(const Switchyard::EngineStats& stats);

private:
    void onIncoming(int descriptor);
    /// A client the listener could take only with its spare descriptor.
    void onOutOfDescriptors(int descriptor, int error);
    /// Answers response (an HTTP 503), logs a refused event and closes.
    void refuse(int descriptor, const QByteArray& response, const QString& reason);
    void onConnectionClosed(QObject* connection);
    void publishStats();
    void closeAll();

    EngineContext m_context;
    Resolver* m_resolver;
    OriginPool* m_pool;
    EventLogger* m_logger;
    Listener* m_listener = nullptr;
    QSet<QObject*> m_connections; ///< sniffers and sessions, one per client
    QTimer m_statsTimer;          // parented: moves to the engine thread with this object
};

} // namespace Switchyard
