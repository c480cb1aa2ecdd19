#pragma once

#include "LogEvent.h"
#include "TrafficStyle.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QLocale>
#include <deque>
#include <vector>

namespace Switchyard {

/// The engine's log events as a table, newest at the bottom.
///
/// Events arrive in batches (Engine::eventsReady): each batch inserts its new
/// exchanges with one beginInsertRows and updates the rows of exchanges already
/// shown (a Started event followed by its Finished one, matched by id through a
/// hash) with one dataChanged over the rows it touched. The model keeps at most
/// maxEntries() rows, a ring buffer that drops the oldest before inserting, so
/// memory stays bounded however long the proxy runs. Display strings are built
/// only when a cell is painted; filters and sorting read raw values through the
/// roles below.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NumberColumn,
        TimeColumn,
        ClientColumn,
        ProtocolColumn,
        MethodColumn,
        HostColumn,
        TargetColumn, ///< path and query for HTTP, host:port for tunnels
        StatusColumn,
        RouteColumn,
        RuleColumn,
        BytesUpColumn,
        BytesDownColumn,
        DurationColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    /// Raw values, the same for every column of a row unless said otherwise.
    enum Role {
        SortRole = Qt::UserRole + 1, ///< the column's raw value (numbers as numbers)
        IdRole,                      ///< quint64 exchange id
        HostRole,                    ///< QString
        UrlRole,                     ///< QString: absolute URL, or host:port for tunnels
        MethodRole,                  ///< QString
        ProtocolRole,                ///< int: LogProtocol
        StatusRole,                  ///< int: HTTP status, 0 if none
        RouteRole,                   ///< QString as the engine named it
        RouteKindRole,               ///< int: TrafficRouteKind
        FailedRole,                  ///< bool: error, 4xx/5xx or SOCKS failure (not blocks)
        BlockedRole,                 ///< bool: refused by a rule
        FinishedRole,                ///< bool: every field final
        StartedAtRole,               ///< qint64 ms since the epoch
    };
    Q_ENUM(Role)

    static constexpr int defaultMaxEntries = 100'000;

    explicit TrafficModel(QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int maxEntries() const { return m_maxEntries; }
    /// Drops the oldest rows at once if there are more than maxEntries (≥ 1).
    void setMaxEntries(int maxEntries);
    /// While not capturing, new exchanges are ignored; rows already shown are
    /// still completed when their exchange finishes.
    bool isCapturing() const { return m_capturing; }
    void setCapturing(bool capturing);
    void setStyle(const TrafficStyle& style);

    /// One engine batch: updates in place, then inserts the new exchanges.
    void addEvents(const LogEventBatch& events);
    /// Rows for reading (a HAR import): they never match live events by id.
    void addImported(const QList<LogEvent>& events);
    void clear();

    /// The event shown in row (0 ≤ row < rowCount()).
    const LogEvent& eventAt(int row) const;
    /// The row of a live exchange by id, or -1.
    int rowOfId(quint64 id) const;
    /// Rows dropped by the cap since the model was created.
    quint64 droppedCount() const { return m_dropped; }

    /// An error, a 4xx/5xx answer or a failed SOCKS reply; blocked exchanges are not failures.
    static bool isFailure(const LogEvent& event);
    /// "/path?query" of an absolute URL; host:port for tunnels.
    static QString pathOrTarget(const LogEvent& event);

Q_SIGNALS:
    /// Rows came, went or were cleared (for counters).
    void countChanged(int rows);

private:
    struct Entry
    {
        LogEvent event;
        bool live = true; ///< reachable through m_sequenceById
    };

    void append(QList<Entry>&& fresh);
    void dropOldest(qsizetype count);
    /// Destroys rows no longer in the model on a pool thread.
    static void discard(std::vector<Entry>&& entries);
    QString displayText(const LogEvent& event, int column) const;
    QVariant sortValue(const LogEvent& event, int column) const;
    QVariant toolTip(const LogEvent& event, int column) const;
    QVariant foreground(const LogEvent& event) const;
    QString durationText(qint64 us) const;

    std::deque<Entry> m_rows;
    /// Live id -> sequence number; row = sequence - m_firstSequence, so dropping
    /// rows at the front never rewrites the hash.
    QHash<quint64, qint64> m_sequenceById;
    qint64 m_firstSequence = 0;
    int m_maxEntries = defaultMaxEntries;
    bool m_capturing = true;
    quint64 m_dropped = 0;
    TrafficStyle m_style;
    QLocale m_locale;
};

} // namespace Switchyard
