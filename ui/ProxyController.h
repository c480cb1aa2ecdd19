#pragma once

#include "Engine.h"
#include "SpeedMeter.h"

#include <QObject>
#include <QString>

namespace Switchyard {

class SettingsController;
class SystemProxyController;

/// What the toolbar, the tray and the status bar show and switch: the proxy on
/// or off, and where traffic goes by default. It starts and stops the engine
/// with the settings controller's current settings, passes every later change
/// on to the running engine, and sums the engine's state and the exit picker's
/// choice into one Status for the tray icon.
///
/// The window and the tray share one ProxyController, so whatever is switched
/// in one shows in the other.
class ProxyController : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Off,         ///< the engine is stopped
        Starting,    ///< starting or stopping
        Direct,      ///< running; traffic no rule matches goes direct
        ThroughExit, ///< running; by default through an exit
        Blocking,    ///< running; traffic no rule matches is blocked
        Error,       ///< the engine could not listen, or the default exit is failing
    };
    Q_ENUM(Status)

    /// engine, settings and systemProxy must outlive the controller.
    ProxyController(Engine* engine, SettingsController* settings,
                    SystemProxyController* systemProxy, QObject* parent = nullptr);

    /// Whether the user wants the proxy on (the engine may still be starting).
    bool isProxyEnabled() const { return m_wanted; }
    void setProxyEnabled(bool enabled);

    /// Whether the user wants the desktop pointed at Switchyard. Turning it on
    /// turns the proxy on first; turning the proxy off turns it off too, so
    /// that the desktop never points at a proxy that is not there.
    bool isSystemProxyWanted() const { return m_systemProxyWanted; }
    /// Whether the desktop points at Switchyard now.
    bool isSystemProxyOn() const;
    void setSystemProxyEnabled(bool enabled);
    /// Puts back what the system proxy replaced (Quit, a signal). Returns false
    /// when that failed (the journal stays for the next start).
    bool restoreSystemProxy();

    Status status() const;
    /// One line for the tray tooltip and the status bar: the state and the exit.
    QString statusText() const;
    /// Why the engine failed, if it did.
    QString errorText() const { return m_engine->lastError(); }
    /// "127.0.0.1:8877", the address listened on (or to be listened on).
    QString listenText() const;
    int activeConnections() const { return m_activeConnections; }
    SpeedMeter* speed() { return &m_speed; }
    Engine* engine() const { return m_engine; }

Q_SIGNALS:
    /// status(), statusText(), isProxyEnabled() or listenText() may have changed.
    void statusChanged();
    /// New connection count or speeds.
    void trafficChanged();
    /// Something failed that the user should read (system proxy, mostly).
    void errorOccurred(const QString& text);

private:
    void onEngineStateChanged(Engine::State state);
    void onStats(const EngineStats& stats);
    void onEngineSettingsChanged(const EngineSettings& settings);
    /// Points the desktop at the engine's current address, if wanted and running.
    void syncSystemProxy();

    Engine* m_engine;
    SettingsController* m_settings;
    SystemProxyController* m_systemProxy;
    SpeedMeter m_speed;
    bool m_wanted = false;
    bool m_systemProxyWanted = false;
    int m_activeConnections = 0;
};

} // namespace Switchyard
