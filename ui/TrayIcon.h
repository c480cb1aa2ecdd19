#pragma once

#include "ProxyController.h"

#include <QIcon>
#include <QObject>

class QMenu;
class QSystemTrayIcon;

namespace Switchyard {

class AppActions;

/// The tray icon: its picture shows the proxy's state (off, on direct, on
/// through an exit, error), its tooltip the exit and the live speed, and its
/// menu holds the shared actions: Proxy enabled, System proxy, Exit ▸, Open
/// Switchyard, Quit. Everything in the menu works with the window closed.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    TrayIcon(AppActions* actions, ProxyController* proxy, QObject* parent = nullptr);
    ~TrayIcon() override;

    /// Whether the desktop has a tray to show the icon in.
    static bool isAvailable();
    void show();
    bool isVisible() const;
    /// The context menu (tests trigger its actions).
    QMenu* menu() const { return m_menu; }
    /// The icon file shown for a status (":/icons/tray-….svg").
    static QString iconName(ProxyController::Status status);
    QString toolTip() const;
    /// A balloon message, where the tray supports them.
    void showMessage(const QString& title, const QString& text);

Q_SIGNALS:
    /// A left click: the owner opens or raises the window.
    void activated();

private:
    void updateIcon();
    void updateToolTip();

    AppActions* m_actions;
    ProxyController* m_proxy;
    QMenu* m_menu;
    QSystemTrayIcon* m_tray;
    ProxyController::Status m_shownStatus = ProxyController::Status::Off;
    bool m_iconSet = false;
};

} // namespace Switchyard
