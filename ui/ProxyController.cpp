#include "ProxyController.h"

#include "SettingsController.h"
#include "SystemProxyController.h"

namespace Switchyard {

ProxyController::ProxyController(Engine* engine, SettingsController* settings,
                                 SystemProxyController* systemProxy, QObject* parent)
    : QObject(parent), m_engine(engine), m_settings(settings), m_systemProxy(systemProxy)
{
    connect(m_systemProxy, &SystemProxyController::errorOccurred, this,
            &ProxyController::errorOccurred);
    connect(m_systemProxy, &SystemProxyController::enabledChanged, this,
            &ProxyController::statusChanged);
    connect(m_engine, &Engine::stateChanged, this, &ProxyController::onEngineStateChanged);
    connect(m_engine, &Engine::statsUpdated, this, &ProxyController::onStats);
    connect(m_settings, &SettingsController::engineSettingsChanged, this,
            &ProxyController::onEngineSettingsChanged);
    connect(m_settings, &SettingsController::defaultActionChanged, this,
            &ProxyController::statusChanged);
    connect(m_settings, &SettingsController::profilesChanged, this,
            &ProxyController::statusChanged);
    connect(m_settings, &SettingsController::checkResultChanged, this,
            &ProxyController::statusChanged);
    connect(&m_speed, &SpeedMeter::updated, this, &ProxyController::trafficChanged);
    // Manual or PAC: a changed choice re-points the desktop at once.
    connect(m_settings, &SettingsController::uiPreferencesChanged, this,
            &ProxyController::syncSystemProxy);
    m_wanted =
        m_engine->state() == Engine::State::Starting || m_engine->state() == Engine::State::Running;
}

void ProxyController::setProxyEnabled(bool enabled)
{
    m_wanted = enabled;
    const Engine::State state = m_engine->state();
    const bool active = state == Engine::State::Starting || state == Engine::State::Running;
    if (enabled && !active && state != Engine::State::Stopping) {
        m_speed.reset();
        m_engine->start(m_settings->engineSettings());
    } else if (!enabled && active) {
        // The desktop must not point at a proxy that is going away.
        m_systemProxyWanted = false;
        restoreSystemProxy();
        m_engine->stop();
    }
    Q_EMIT statusChanged();
}

bool ProxyController::isSystemProxyOn() const
{
    return m_systemProxy->isEnabled();
}

void ProxyController::setSystemProxyEnabled(bool enabled)
{
    m_systemProxyWanted = enabled;
    if (!enabled) {
        restoreSystemProxy();
        Q_EMIT statusChanged();
        return;
    }
    if (!m_wanted)
        setProxyEnabled(true); // syncSystemProxy() follows once it runs
    syncSystemProxy();
    Q_EMIT statusChanged();
}

bool ProxyController::restoreSystemProxy()
{
    if (!m_systemProxy->isEnabled())
        return true;
    return m_systemProxy->disable();
}

void ProxyController::syncSystemProxy()
{
    if (!m_systemProxyWanted || m_engine->state() != Engine::State::Running)
        return;
    const SystemProxyTarget target =
        SystemProxyTarget::forListenAddress(m_engine->boundAddress(), m_engine->boundPort(),
                                            m_settings->uiPreferences().systemProxyMode);
    if (m_systemProxy->isEnabled() && m_systemProxy->target() == target)
        return;
    if (!m_systemProxy->enable(target))
        m_systemProxyWanted = false; // errorOccurred() said why
    Q_EMIT statusChanged();
}

ProxyController::Status ProxyController::status() const
{
    switch (m_engine->state()) {
    case Engine::State::Stopped:
        return Status::Off;
    case Engine::State::Failed:
        return Status::Error;
    case Engine::State::Starting:
    case Engine::State::Stopping:
        return Status::Starting;
    case Engine::State::Running:
        break;
    }
    const RouteAction action = m_settings->defaultAction();
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return Status::Direct;
    case RouteAction::Kind::Block:
        return Status::Blocking;
    case RouteAction::Kind::Profile:
        // A missing or failing exit blocks its traffic (fail closed): an error
        // the user should see at a glance.
        if (!m_settings->profile(action.profileId) || m_settings->isFailing(action.profileId))
            return Status::Error;
        return Status::ThroughExit;
    }
    return Status::Off;
}

QString ProxyController::statusText() const
{
    const QString exit = m_settings->routeName(m_settings->defaultAction());
    switch (status()) {
    case Status::Off:
        return tr("Proxy off");
    case Status::Starting:
        return m_engine->state() == Engine::State::Stopping
                   ? tr("Stopping…")
                   : tr("Starting on %1…").arg(listenText());
    case Status::Direct:
        return tr("On, %1 — direct").arg(listenText());
    case Status::ThroughExit:
        return tr("On, %1 — through %2").arg(listenText(), exit);
    case Status::Blocking:
        return tr("On, %1 — unmatched traffic blocked").arg(listenText());
    case Status::Error:
        if (m_engine->state() == Engine::State::Failed)
            return tr("Cannot listen on %1: %2").arg(listenText(), m_engine->lastError());
        return tr("On, %1 — exit \"%2\" is failing; its traffic is blocked")
            .arg(listenText(), exit);
    }
    return {};
}

QString ProxyController::listenText() const
{
    const bool running = m_engine->state() == Engine::State::Running;
    const EngineSettings settings = m_settings->engineSettings();
    const QHostAddress address = running ? m_engine->boundAddress() : settings.listenAddress;
    const quint16 port = running ? m_engine->boundPort() : settings.listenPort;
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

void ProxyController::onEngineStateChanged(Engine::State state)
{
    if (state == Engine::State::Running)
        syncSystemProxy(); // also after a restart on a new address
    if (state == Engine::State::Failed) {
        m_systemProxyWanted = false;
        restoreSystemProxy();
    }
    if (state == Engine::State::Stopped || state == Engine::State::Failed) {
        m_activeConnections = 0;
        m_speed.reset();
        // The user asked for it on while it was stopping: start again now.
        if (state == Engine::State::Stopped && m_wanted)
            m_engine->start(m_settings->engineSettings());
        // A failed start is not retried behind the user's back: the switch
        // goes off and the next click tries again.
        if (state == Engine::State::Failed)
            m_wanted = false;
    }
    Q_EMIT statusChanged();
}

void ProxyController::onStats(const EngineStats& stats)
{
    m_activeConnections = stats.activeConnections;
    m_speed.setTotals(stats.totalBytesUp, stats.totalBytesDown);
    Q_EMIT trafficChanged();
}

void ProxyController::onEngineSettingsChanged(const EngineSettings& settings)
{
    const Engine::State state = m_engine->state();
    if (state == Engine::State::Starting || state == Engine::State::Running)
        m_engine->applySettings(settings);
    Q_EMIT statusChanged();
}

} // namespace Switchyard
