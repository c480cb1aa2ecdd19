#include "Engine.h"

#include "EngineCore.h"
#include "EngineEventDispatcher.h"

namespace Switchyard {

Engine::Engine(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<LogEvent>();
    qRegisterMetaType<LogEventBatch>();
    qRegisterMetaType<EngineStats>();
    m_thread.setObjectName(QStringLiteral("switchyard-engine"));
    if (auto* dispatcher = EngineEventDispatcher::create())
        m_thread.setEventDispatcher(dispatcher);
    m_core = new EngineCore;
    m_core->moveToThread(&m_thread);
    connect(m_core, &EngineCore::started, this, &Engine::onCoreStarted);
    connect(m_core, &EngineCore::failed, this, &Engine::onCoreFailed);
    connect(m_core, &EngineCore::stopped, this, &Engine::onCoreStopped);
    connect(m_core, &EngineCore::eventsReady, this, &Engine::eventsReady);
    connect(m_core, &EngineCore::statsUpdated, this, &Engine::statsUpdated);
    m_rules = RuleEngine::build(m_settings.routing, m_settings.profiles);
    m_thread.start();
}

Engine::~Engine()
{
    // Sockets must be closed in the thread that owns them.
    EngineCore* core = m_core;
    QMetaObject::invokeMethod(
        core, [core] { delete core; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void Engine::start(const EngineSettings& settings)
{
    m_settings = settings;
    // Compiled here, not in the engine thread, so a big list never stalls traffic.
    m_rules = RuleEngine::build(settings.routing, settings.profiles);
    setState(State::Starting);
    EngineCore* core = m_core;
    QMetaObject::invokeMethod(
        core, [core, settings, rules = m_rules] { core->start(settings, rules); },
        Qt::QueuedConnection);
}

void Engine::stop()
{
    if (m_state == State::Stopped || m_state == State::Failed) {
        setState(State::Stopped);
        return;
    }
    setState(State::Stopping);
    QMetaObject::invokeMethod(m_core, &EngineCore::stop, Qt::QueuedConnection);
}

void Engine::applySettings(const EngineSettings& settings)
{
    const bool relisten = settings.listenAddress != m_settings.listenAddress ||
                          settings.listenPort != m_settings.listenPort;
    m_settings = settings;
    m_rules = RuleEngine::build(settings.routing, settings.profiles);
    if (m_state != State::Running && m_state != State::Starting)
        return;
    if (relisten) {
        start(settings);
        return;
    }
    EngineCore* core = m_core;
    QMetaObject::invokeMethod(
        core, [core, settings, rules = m_rules] { core->applySettings(settings, rules); },
        Qt::QueuedConnection);
}

void Engine::onCoreStarted(const QHostAddress& address, quint16 port)
{
    m_boundAddress = address;
    m_boundPort = port;
    setState(State::Running);
}

void Engine::onCoreFailed(const QString& error)
{
    setState(State::Failed, error);
}

void Engine::onCoreStopped()
{
    if (m_state == State::Stopping)
        setState(State::Stopped);
}

void Engine::setState(State state, const QString& error)
{
    m_state = state;
    m_lastError = error;
    Q_EMIT stateChanged(state, error);
}

} // namespace Switchyard
