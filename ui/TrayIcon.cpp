#include "TrayIcon.h"

#include "AppActions.h"

#include <QCoreApplication>
#include <QMenu>
#include <QSystemTrayIcon>

namespace Switchyard {

TrayIcon::TrayIcon(AppActions* actions, ProxyController* proxy, QObject* parent)
    : QObject(parent), m_actions(actions), m_proxy(proxy), m_menu(new QMenu),
      m_tray(new QSystemTrayIcon(this))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_menu->addAction(m_actions->proxyEnabled());
    m_menu->addAction(m_actions->systemProxy());
    QMenu* exits = m_menu->addMenu(tr("Exit"));
    exits->setObjectName(QStringLiteral("trayExitMenu"));
    m_actions->attachExitMenu(exits);
    m_menu->addSeparator();
    m_menu->addAction(m_actions->openWindow());
    m_menu->addAction(m_actions->quit());
    m_tray->setContextMenu(m_menu);

    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    Q_EMIT activated();
            });
    connect(m_proxy, &ProxyController::statusChanged, this, [this] {
        updateIcon();
        updateToolTip();
    });
    connect(m_proxy, &ProxyController::trafficChanged, this, &TrayIcon::updateToolTip);
    updateIcon();
    updateToolTip();
}

TrayIcon::~TrayIcon()
{
    // The menu has no parent widget (a tray menu must not be a child of the
    // window, which may be gone first).
    delete m_menu;
}

bool TrayIcon::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    m_tray->show();
}

bool TrayIcon::isVisible() const
{
    return m_tray->isVisible();
}

QString TrayIcon::iconName(ProxyController::Status status)
{
    switch (status) {
    case ProxyController::Status::Off:
    case ProxyController::Status::Starting:
        return QStringLiteral(":/icons/tray-off.svg");
    case ProxyController::Status::Direct:
        return QStringLiteral(":/icons/tray-direct.svg");
    case ProxyController::Status::ThroughExit:
    case ProxyController::Status::Blocking:
        return QStringLiteral(":/icons/tray-exit.svg");
    case ProxyController::Status::Error:
        return QStringLiteral(":/icons/tray-error.svg");
    }
    return {};
}

QString TrayIcon::toolTip() const
{
    return m_tray->toolTip();
}

void TrayIcon::showMessage(const QString& title, const QString& text)
{
    m_tray->showMessage(title, text, m_tray->icon());
}

void TrayIcon::updateIcon()
{
    const ProxyController::Status status = m_proxy->status();
    if (m_iconSet && status == m_shownStatus)
        return;
    m_shownStatus = status;
    m_iconSet = true;
    m_tray->setIcon(QIcon(iconName(status)));
}

void TrayIcon::updateToolTip()
{
    QString text = QCoreApplication::applicationName() + u'\n' + m_proxy->statusText();
    if (m_proxy->isProxyEnabled()) {
        const SpeedMeter* speed = m_proxy->speed();
        text +=
            u'\n' + tr("↑ %1  ↓ %2  ·  %Ln connection(s)", nullptr, m_proxy->activeConnections())
                        .arg(SpeedMeter::formatRate(speed->bytesUpPerSecond()),
                             SpeedMeter::formatRate(speed->bytesDownPerSecond()));
    }
    m_tray->setToolTip(text);
}

} // namespace Switchyard
