#pragma once

#include "RouteAction.h"

#include <QList>
#include <QObject>

class QAction;
class QActionGroup;
class QMenu;

namespace Switchyard {

class ProxyController;
class SettingsController;

/// The actions the main window's toolbar and the tray menu share, so that a
/// switch flipped in one shows in the other: proxy on/off, system proxy on/off,
/// the exit (a radio group: Direct, every exit, Block), open the window, quit.
/// openWindow and quit only emit triggered(); whoever owns the window and the
/// application's lifetime connects them.
class AppActions : public QObject
{
    Q_OBJECT
public:
    AppActions(ProxyController* proxy, SettingsController* settings, QObject* parent = nullptr);

    QAction* proxyEnabled() const { return m_proxyEnabled; }
    QAction* systemProxy() const { return m_systemProxy; }
    QAction* openWindow() const { return m_openWindow; }
    QAction* quit() const { return m_quit; }
    /// The exit choices in picker order; the checked one is the current default.
    QList<QAction*> exitActions() const;
    /// Fills menu with the exit choices (and keeps it filled as exits change).
    void attachExitMenu(QMenu* menu);

Q_SIGNALS:
    /// Something the user asked for could not be done; text says why.
    void failed(const QString& text);

private:
    void rebuildExitActions();
    void updateProxyAction();
    void updateExitChecks();
    void fillMenu(QMenu* menu) const;

    ProxyController* m_proxy;
    SettingsController* m_settings;
    QAction* m_proxyEnabled;
    QAction* m_systemProxy;
    QAction* m_openWindow;
    QAction* m_quit;
    QActionGroup* m_exitGroup;
    QList<QMenu*> m_exitMenus;
};

} // namespace Switchyard
