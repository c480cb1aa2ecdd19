#include "AppActions.h"

#include "ProxyController.h"
#include "SettingsController.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QStyle>

namespace Switchyard {

AppActions::AppActions(ProxyController* proxy, SettingsController* settings, QObject* parent)
    : QObject(parent), m_proxy(proxy), m_settings(settings),
      m_proxyEnabled(new QAction(tr("Proxy enabled"), this)),
      m_systemProxy(new QAction(tr("System proxy"), this)),
      m_openWindow(new QAction(tr("Open Switchyard"), this)), m_quit(new QAction(tr("Quit"), this)),
      m_exitGroup(new QActionGroup(this))
{
    m_proxyEnabled->setObjectName(QStringLiteral("proxyEnabledAction"));
    m_proxyEnabled->setCheckable(true);
    m_proxyEnabled->setToolTip(tr("Start or stop listening for proxy clients"));
    // triggered, not toggled: only the user's clicks switch; setChecked() from
    // the controller's state merely shows it.
    connect(m_proxyEnabled, &QAction::triggered, m_proxy, &ProxyController::setProxyEnabled);

    m_systemProxy->setObjectName(QStringLiteral("systemProxyAction"));
    m_systemProxy->setCheckable(true);
    m_systemProxy->setToolTip(tr("Point the desktop's proxy settings at Switchyard; switching "
                                 "off restores what was there before"));
    connect(m_systemProxy, &QAction::triggered, m_proxy, &ProxyController::setSystemProxyEnabled);

    m_openWindow->setObjectName(QStringLiteral("openWindowAction"));
    m_quit->setObjectName(QStringLiteral("quitAction"));
    m_quit->setMenuRole(QAction::QuitRole);
    m_quit->setShortcut(QKeySequence::Quit);

    m_exitGroup->setExclusive(true);
    connect(m_proxy, &ProxyController::statusChanged, this, &AppActions::updateProxyAction);
    connect(m_settings, &SettingsController::profilesChanged, this,
            &AppActions::rebuildExitActions);
    connect(m_settings, &SettingsController::exitStateChanged, this,
            &AppActions::rebuildExitActions);
    connect(m_settings, &SettingsController::defaultActionChanged, this,
            &AppActions::updateExitChecks);
    rebuildExitActions();
    updateProxyAction();
}

QList<QAction*> AppActions::exitActions() const
{
    return m_exitGroup->actions();
}

void AppActions::attachExitMenu(QMenu* menu)
{
    m_exitMenus.append(menu);
    connect(menu, &QObject::destroyed, this, [this, menu] { m_exitMenus.removeAll(menu); });
    fillMenu(menu);
}

void AppActions::rebuildExitActions()
{
    for (QAction* action : m_exitGroup->actions())
        delete action;
    const QIcon warning = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const RouteAction& choice : m_settings->pickerChoices()) {
        auto* action = new QAction(m_settings->pickerText(choice), m_exitGroup);
        action->setCheckable(true);
        if (m_settings->isUnusable(choice))
            action->setIcon(warning);
        connect(action, &QAction::triggered, this, [this, choice] {
            QString error;
            if (!m_settings->setDefaultAction(choice, &error)) {
                updateExitChecks();
                Q_EMIT failed(error);
            }
        });
        action->setData(QVariant::fromValue(choice.profileId));
        action->setProperty("routeKind", int(choice.kind));
    }
    updateExitChecks();
    for (QMenu* menu : std::as_const(m_exitMenus))
        fillMenu(menu);
}

void AppActions::updateExitChecks()
{
    const RouteAction current = m_settings->defaultAction();
    for (QAction* action : m_exitGroup->actions()) {
        const RouteAction choice{RouteAction::Kind(action->property("routeKind").toInt()),
                                 action->data().toString()};
        action->setChecked(choice == current);
    }
}

void AppActions::updateProxyAction()
{
    m_proxyEnabled->setChecked(m_proxy->isProxyEnabled());
    m_systemProxy->setChecked(m_proxy->isSystemProxyOn());
}

void AppActions::fillMenu(QMenu* menu) const
{
    menu->clear();
    menu->addActions(m_exitGroup->actions());
}

} // namespace Switchyard
