#include "DesktopSession.h"

#include "AppActions.h"
#include "AutostartEntry.h"
#include "Engine.h"
#include "ExitsPage.h"
#include "MainWindow.h"
#include "ProxyController.h"
#include "RulesPage.h"
#include "SettingsPage.h"
#include "SettingsStore.h"
#include "TrafficPage.h"
#include "TrayIcon.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QHostAddress>

namespace Switchyard {

using namespace Qt::StringLiterals;

DesktopSession::DesktopSession(Engine* engine, const SettingsDocument& document,
                               SettingsStore* store, SecretStore* secrets, SecretsLoader* loader,
                               SettingsController::Overrides overrides,
                               const QString& systemProxyJournal, QObject* parent)
    : QObject(parent), m_engine(engine), m_store(store),
      m_settings(std::make_unique<SettingsController>(document, store, secrets, loader,
                                                      std::move(overrides))),
      m_systemProxy(std::make_unique<SystemProxyController>(systemProxyJournal)),
      m_proxy(std::make_unique<ProxyController>(engine, m_settings.get(), m_systemProxy.get())),
      m_actions(std::make_unique<AppActions>(m_proxy.get(), m_settings.get())),
      m_window(std::make_unique<MainWindow>(m_proxy.get(), m_settings.get(), m_actions.get()))
{
    m_window->addPage(new RulesPage(m_settings.get()), tr("Rules"));
    m_window->addPage(new ExitsPage(m_settings.get()), tr("Exits"));
    m_settingsPage = new SettingsPage(m_settings.get());
    m_window->addPage(m_settingsPage, tr("Settings"));
    connect(m_settingsPage, &SettingsPage::autostartRequested, this, &DesktopSession::setAutostart);

    if (TrayIcon::isAvailable())
        m_tray = std::make_unique<TrayIcon>(m_actions.get(), m_proxy.get());
    m_window->setHideOnClose(m_tray && m_settings->uiPreferences().closeToTray);
    connect(m_settings.get(), &SettingsController::uiPreferencesChanged, this, [this] {
        m_window->setHideOnClose(m_tray && m_settings->uiPreferences().closeToTray);
    });
    connect(m_settings.get(), &SettingsController::notice, m_window.get(),
            &MainWindow::showStatusMessage);

    connect(m_actions->openWindow(), &QAction::triggered, this, &DesktopSession::showWindow);
    connect(m_actions->quit(), &QAction::triggered, this, &DesktopSession::quit);
    if (m_tray)
        connect(m_tray.get(), &TrayIcon::activated, this, &DesktopSession::showWindow);
    connect(m_window.get(), &MainWindow::hiddenToTray, this, &DesktopSession::onHiddenToTray);
    connect(m_window.get(), &MainWindow::closeRequested, this, &DesktopSession::quit);
    connect(m_window->trafficPage(), &TrafficPage::routeRequested, this,
            &DesktopSession::onRouteRequested);
    // Only the user's switch is remembered, not an engine that failed to start.
    connect(m_actions->proxyEnabled(), &QAction::triggered, this,
            &DesktopSession::rememberProxyState);
    connect(m_actions->systemProxy(), &QAction::triggered, this,
            &DesktopSession::rememberSystemProxyState);
    connect(m_proxy.get(), &ProxyController::errorOccurred, m_window.get(),
            &MainWindow::showStatusMessage);
    connect(m_systemProxy.get(), &SystemProxyController::noticeIssued, m_window.get(),
            &MainWindow::showStatusMessage);

    m_quitDeadline.setSingleShot(true);
    m_quitDeadline.setInterval(5'000);
    connect(&m_quitDeadline, &QTimer::timeout, this, &DesktopSession::finishQuit);
    connect(m_engine, &Engine::stateChanged, this, [this](Engine::State state) {
        if (m_quitting && (state == Engine::State::Stopped || state == Engine::State::Failed))
            finishQuit();
    });
}

DesktopSession::~DesktopSession() = default;

void DesktopSession::start(bool hidden)
{
    const UiPreferences ui = m_settings->uiPreferences();
    if (!ui.windowGeometry.isEmpty())
        m_window->restoreGeometry(ui.windowGeometry);
    if (!ui.windowState.isEmpty())
        m_window->restoreState(ui.windowState);
    if (m_tray)
        m_tray->show();
    else
        m_window->showStatusMessage(
            tr("This desktop has no system tray: closing the window quits Switchyard."));
    if (!hidden || !m_tray)
        showWindow();
    // A Switchyard that died with the system proxy on left the desktop
    // pointing at a dead port: put back what was there first.
    m_systemProxy->restoreLeftover();
    syncAutostart();
    if (ui.proxyEnabled || ui.systemProxyEnabled)
        m_proxy->setProxyEnabled(true);
    if (ui.systemProxyEnabled)
        m_proxy->setSystemProxyEnabled(true);
}

void DesktopSession::showWindow()
{
    m_window->show();
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->raise();
    m_window->activateWindow();
}

void DesktopSession::quit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    saveWindowState();
    m_window->hide();
    // Before the engine goes: the desktop must never point at nothing.
    m_proxy->restoreSystemProxy();
    const Engine::State state = m_engine->state();
    if (state == Engine::State::Stopped || state == Engine::State::Failed) {
        finishQuit();
        return;
    }
    m_quitDeadline.start();
    // The saved switch (UiPreferences::proxyEnabled) only follows the user's
    // clicks, so the next start still finds the proxy on.
    m_proxy->setProxyEnabled(false);
}

void DesktopSession::finishQuit()
{
    if (!m_quitting)
        return;
    m_quitting = false;
    m_quitDeadline.stop();
    Q_EMIT finished(0);
}

void DesktopSession::onHiddenToTray()
{
    UiPreferences ui = m_settings->uiPreferences();
    if (ui.closeToTrayNoticeShown || !m_tray)
        return;
    m_tray->showMessage(QCoreApplication::applicationName(),
                        tr("Switchyard keeps running in the tray. Use Quit in its menu to "
                           "stop it; the Settings page can make closing the window quit."));
    ui.closeToTrayNoticeShown = true;
    m_settings->setUiPreferences(ui);
}

void DesktopSession::onRouteRequested(const QString& pattern, bool wholeDomain,
                                      const RouteAction& action)
{
    Rule rule;
    rule.matcher = wholeDomain ? Rule::Matcher::Domain : Rule::Matcher::ExactHost;
    rule.pattern = pattern;
    // Host rules never match an address: an IP literal gets a one-address range.
    if (const QHostAddress address(pattern); !address.isNull()) {
        rule.matcher = Rule::Matcher::IpCidr;
        rule.pattern = u"%1/%2"_s.arg(address.toString())
                           .arg(address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
    }
    rule.action = action;
    rule.comment = tr("added from the traffic view");
    QString error;
    if (!m_settings->addRuleFirst(rule, &error)) {
        m_window->showStatusMessage(error);
        return;
    }
    m_window->showStatusMessage(tr("%1 now goes: %2 (rule 1 on the Rules page)")
                                    .arg(pattern, m_settings->routeName(action)));
}

void DesktopSession::rememberProxyState()
{
    if (m_quitting)
        return;
    UiPreferences ui = m_settings->uiPreferences();
    if (ui.proxyEnabled == m_proxy->isProxyEnabled())
        return;
    ui.proxyEnabled = m_proxy->isProxyEnabled();
    m_settings->setUiPreferences(ui);
}

AutostartEntry DesktopSession::autostartEntry() const
{
    // At login: this binary, into the tray, with this run's settings file.
    QStringList arguments{u"--hidden"_s};
    if (m_store->filePath() != SettingsStore::defaultFilePath())
        arguments << u"--config"_s << m_store->filePath();
    AutostartEntry entry(QCoreApplication::applicationFilePath(), arguments);
    if (!m_autostartDirectory.isEmpty())
        entry.setDirectory(m_autostartDirectory);
    return entry;
}

void DesktopSession::syncAutostart()
{
    // The entry on disk is the truth (the user may have removed it by hand);
    // one written by a build elsewhere is pointed at this binary.
    AutostartEntry entry = autostartEntry();
    const bool enabled = entry.isEnabled();
    if (enabled && !entry.isCurrent())
        entry.setEnabled(true);
    if (enabled != m_settings->uiPreferences().autostart) {
        UiPreferences ui = m_settings->uiPreferences();
        ui.autostart = enabled;
        m_settings->setUiPreferences(ui);
    }
}

void DesktopSession::setAutostart(bool enabled)
{
    AutostartEntry entry = autostartEntry();
    if (const QString error = entry.setEnabled(enabled); !error.isEmpty()) {
        m_window->showStatusMessage(tr("Start at login could not be changed: %1").arg(error));
        m_settingsPage->setAutostartShown(m_settings->uiPreferences().autostart);
        return;
    }
    UiPreferences ui = m_settings->uiPreferences();
    ui.autostart = enabled;
    m_settings->setUiPreferences(ui);
    m_window->showStatusMessage(
        enabled
            ? tr("Switchyard starts at login (%1).").arg(QDir::toNativeSeparators(entry.location()))
            : tr("Switchyard no longer starts at login."));
}

void DesktopSession::rememberSystemProxyState()
{
    UiPreferences ui = m_settings->uiPreferences();
    if (ui.systemProxyEnabled == m_proxy->isSystemProxyWanted())
        return;
    ui.systemProxyEnabled = m_proxy->isSystemProxyWanted();
    m_settings->setUiPreferences(ui);
}

void DesktopSession::saveWindowState()
{
    UiPreferences ui = m_settings->uiPreferences();
    ui.windowGeometry = m_window->saveGeometry();
    ui.windowState = m_window->saveState();
    m_settings->setUiPreferences(ui);
}

} // namespace Switchyard
