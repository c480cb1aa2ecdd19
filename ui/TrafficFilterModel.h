#pragma once

#include "LogEvent.h"

#include <QSortFilterProxyModel>
#include <QStringMatcher>
#include <optional>

namespace Switchyard {

/// Filters a TrafficModel through its roles (never its display strings): free
/// text over host, URL and method, and quick filters for errors, blocked
/// exchanges, one route, one protocol and one status class. It never sorts
/// (rows keep arrival order): TrafficSortModel above it does, because this
/// proxy's sorting cannot keep up with rows streaming in.
class TrafficFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class StatusClass {
        Any,
        Informational, ///< 1xx
        Success,       ///< 2xx
        Redirection,   ///< 3xx
        ClientError,   ///< 4xx
        ServerError,   ///< 5xx
        None,          ///< no HTTP status (tunnels, failures before a response)
    };
    Q_ENUM(StatusClass)

    explicit TrafficFilterModel(QObject* parent = nullptr);

    QString text() const { return m_text; }
    /// Rows whose host, URL or method contains text (any case); empty: all.
    void setText(const QString& text);
    bool errorsOnly() const { return m_errorsOnly; }
    void setErrorsOnly(bool errorsOnly);
    bool blockedOnly() const { return m_blockedOnly; }
    void setBlockedOnly(bool blockedOnly);
    QString route() const { return m_route; }
    /// Only rows with this route ("direct", "blocked", an exit's name); empty: all.
    void setRoute(const QString& route);
    std::optional<LogProtocol> protocol() const { return m_protocol; }
    void setProtocol(std::optional<LogProtocol> protocol);
    StatusClass statusClass() const { return m_statusClass; }
    void setStatusClass(StatusClass statusClass);

    /// Whether any filter is set.
    bool isFiltering() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void refilter();
    bool matchesText(const QString& haystack) const;

    QString m_text;
    QStringMatcher m_matcher;       ///< m_text, any case
    QString m_asciiNeedle;          ///< m_text in lower case when it is ASCII: a faster search
    bool m_textCanBeMethod = false; ///< only letters: worth comparing with methods
    QString m_route;
    std::optional<LogProtocol> m_protocol;
    StatusClass m_statusClass = StatusClass::Any;
    bool m_errorsOnly = false;
    bool m_blockedOnly = false;
};

} // namespace Switchyard
