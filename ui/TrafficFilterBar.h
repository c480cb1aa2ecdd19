#pragma once

#include "TrafficFilterModel.h"

#include <QList>
#include <QTimer>
#include <QWidget>
#include <optional>

class QComboBox;
class QLineEdit;
class QToolButton;

namespace Switchyard {

/// The controls above the traffic table: a search field over host, URL and
/// method, and quick filters (errors only, blocked only, route, protocol,
/// status class). It sets them on a TrafficFilterModel; typing is applied a
/// moment after the last key so a long table is filtered once, not per key.
class TrafficFilterBar : public QWidget
{
    Q_OBJECT
public:
    static constexpr int typingDelayMs = 150;

    explicit TrafficFilterBar(TrafficFilterModel* filter, QWidget* parent = nullptr);

    QLineEdit* searchField() const { return m_search; }
    QToolButton* errorsButton() const { return m_errors; }
    QToolButton* blockedButton() const { return m_blocked; }
    QComboBox* routeBox() const { return m_route; }
    QComboBox* protocolBox() const { return m_protocol; }
    QComboBox* statusBox() const { return m_status; }

    /// Focuses the search field with its text selected (Ctrl+F).
    void focusSearch();
    /// The exits' names for the route filter.
    void setExitNames(const QStringList& names);
    /// Every filter back to "all".
    void reset();

private:
    void applyText();
    void applyRoute();

    TrafficFilterModel* m_filter;
    QLineEdit* m_search = nullptr;
    QToolButton* m_errors = nullptr;
    QToolButton* m_blocked = nullptr;
    QComboBox* m_route = nullptr;
    QComboBox* m_protocol = nullptr;
    QComboBox* m_status = nullptr;
    QTimer m_typingTimer;
    QList<std::optional<LogProtocol>> m_protocols;          ///< per m_protocol index
    QList<TrafficFilterModel::StatusClass> m_statusClasses; ///< per m_status index
};

} // namespace Switchyard
