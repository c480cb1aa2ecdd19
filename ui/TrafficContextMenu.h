#pragma once

#include "LogEvent.h"
#include "RouteAction.h"

#include <QList>
#include <QMenu>
#include <QPair>

namespace Switchyard {

/// The context menu of one traffic row: copy the URL, the request as a curl
/// command or the response body, and route this host or its whole domain
/// directly, through an exit or not at all. It only asks for a rule
/// (routeRequested); whoever owns the rules adds it.
class TrafficContextMenu : public QMenu
{
    Q_OBJECT
public:
    /// Exits by id and name, in the order the user knows them.
    using ExitList = QList<QPair<QString, QString>>;

    TrafficContextMenu(const LogEvent& event, const ExitList& exits, QWidget* parent = nullptr);

    QAction* copyUrlAction() const { return m_copyUrl; }
    QAction* copyCurlAction() const { return m_copyCurl; }
    QAction* copyBodyAction() const { return m_copyBody; }
    /// Rules for the exact host; null when the row has no host.
    QMenu* hostMenu() const { return m_hostMenu; }
    /// Rules for the host's domain and its subdomains; null for IP addresses.
    QMenu* domainMenu() const { return m_domainMenu; }

    /// The registrable domain of host ("www.example.co.uk" → "example.co.uk"),
    /// by a rule of thumb rather than the public suffix list; empty for IP
    /// addresses and single labels.
    static QString domainOf(const QString& host);

Q_SIGNALS:
    /// pattern is a host name; wholeDomain: it and every subdomain (a domain
    /// rule), otherwise that host exactly.
    void routeRequested(const QString& pattern, bool wholeDomain,
                        const Switchyard::RouteAction& action);

private:
    QMenu* addRouteMenu(const QString& title, const QString& pattern, bool wholeDomain,
                        const ExitList& exits);
    void copyResponseBody();

    LogEvent m_event;
    QAction* m_copyUrl = nullptr;
    QAction* m_copyCurl = nullptr;
    QAction* m_copyBody = nullptr;
    QMenu* m_hostMenu = nullptr;
    QMenu* m_domainMenu = nullptr;
};

} // namespace Switchyard
