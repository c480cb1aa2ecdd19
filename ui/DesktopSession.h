#pragma once

#include "AutostartEntry.h"
#include "SettingsController.h"
#include "SystemProxyController.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace Switchyard {

class AppActions;
class Engine;
class MainWindow;
class ProxyController;
class SettingsPage;
class TrayIcon;

/// One run of the app with a window: it builds the controllers, the shared
/// actions, the window with its pages and the tray icon, wires them together,
/// and owns the way out — Quit stops the engine (and restores the system
/// proxy) before the application ends.
class DesktopSession : public QObject
{
    Q_OBJECT
public:
    /// engine, store, secrets and loader must outlive the session.
    /// systemProxyJournal: where the system proxy journal lives (tests); empty
    /// is SystemProxyJournal's default place.
    DesktopSession(Engine* engine, const SettingsDocument& document, SettingsStore* store,
                   SecretStore* secrets, SecretsLoader* loader,
                   SettingsController::Overrides overrides = {},
                   const QString& systemProxyJournal = {}, QObject* parent = nullptr);
    ~DesktopSession() override;

    /// Shows the window (unless hidden is true and a tray exists) and the tray
    /// icon, and turns the proxy on if it was on when the app last quit.
    void start(bool hidden = false);
    /// Stops the engine, restores what the system proxy replaced, saves the
    /// window's state, then emits finished(). Bounded: a stuck engine does not
    /// keep the app from quitting.
    void quit();

    SettingsController* settings() const { return m_settings.get(); }
    ProxyController* proxy() const { return m_proxy.get(); }
    AppActions* actions() const { return m_actions.get(); }
    MainWindow* window() const { return m_window.get(); }
    /// nullptr where the desktop has no tray.
    TrayIcon* tray() const { return m_tray.get(); }
    /// Brings the window up (the tray's Open, a second launch).
    void showWindow();
    /// Where the start-at-login entry goes (tests); empty: the platform's place.
    void setAutostartDirectory(const QString& directory) { m_autostartDirectory = directory; }

Q_SIGNALS:
    /// Everything is stopped; the application may exit with this code.
    void finished(int exitCode);

private:
    void onHiddenToTray();
    void onRouteRequested(const QString& pattern, bool wholeDomain, const RouteAction& action);
    void rememberProxyState();
    void rememberSystemProxyState();
    /// Writes or removes the start-at-login entry (settings page).
    void setAutostart(bool enabled);
    void syncAutostart();
    AutostartEntry autostartEntry() const;
    void saveWindowState();
    void finishQuit();

    Engine* m_engine;
    SettingsStore* m_store;
    std::unique_ptr<SettingsController> m_settings;
    std::unique_ptr<SystemProxyController> m_systemProxy;
    std::unique_ptr<ProxyController> m_proxy;
    std::unique_ptr<AppActions> m_actions;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<TrayIcon> m_tray;
    SettingsPage* m_settingsPage = nullptr; // owned by the window
    QString m_autostartDirectory;
    QTimer m_quitDeadline;
    bool m_quitting = false;
};

} // namespace Switchyard
