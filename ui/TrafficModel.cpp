#include "TrafficModel.h"

#include <QDateTime>
#include <QThreadPool>
#include <iterator>
#include <memory>

namespace Switchyard {

namespace {

bool isSocks(const LogEvent& event)
{
    return event.protocol == LogProtocol::Socks5 || event.protocol == LogProtocol::Socks4;
}

} // namespace

TrafficModel::TrafficModel(QObject* parent) : QAbstractTableModel(parent) {}

QModelIndex TrafficModel::index(int row, int column, const QModelIndex& parent) const
{
    // The base class asks the virtual rowCount()/columnCount() first; filtering
    // and sorting create 100,000 indexes in a row.
    if (parent.isValid() || row < 0 || row >= int(m_rows.size()) || column < 0 ||
        column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

int TrafficModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool TrafficModel::isFailure(const LogEvent& event)
{
    // A block is the rules working, not a failure: it has its own filter and colour.
    if (trafficRouteKind(event.route) == TrafficRouteKind::Blocked)
        return false;
    if (!event.error.isEmpty() || event.status >= 400)
        return true;
    return isSocks(event) && event.phase == LogPhase::Finished && event.socksReply != 0;
}

QString TrafficModel::pathOrTarget(const LogEvent& event)
{
    if (event.isTunnel() && event.protocol != LogProtocol::WebSocket)
        return event.target;
    // Cheaper than QUrl for every painted cell: skip "scheme://authority".
    const qsizetype scheme = event.target.indexOf(QLatin1String("://"));
    if (scheme < 0)
        return event.target;
    const qsizetype path = event.target.indexOf(QLatin1Char('/'), scheme + 3);
    return path < 0 ? QStringLiteral("/") : event.target.mid(path);
}

QVariant TrafficModel::data(const QModelIndex& index, int role) const
{
    // Not checkIndex(): its virtual rowCount()/columnCount() calls cost more than
    // the lookup itself, and filtering calls this 100,000 times in a row.
    if (!index.isValid() || index.model() != this || index.row() >= int(m_rows.size()) ||
        index.column() >= ColumnCount)
        return {};
    const LogEvent& event = m_rows[size_t(index.row())].event;
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(event, column);
    case Qt::ToolTipRole:
        return toolTip(event, column);
    case Qt::TextAlignmentRole:
        switch (column) {
        case NumberColumn:
        case StatusColumn:
        case BytesUpColumn:
        case BytesDownColumn:
        case DurationColumn:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return int(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ForegroundRole:
        return foreground(event);
    case Qt::DecorationRole:
        if (column == RouteColumn) {
            const QIcon icon = m_style.routeIcon(trafficRouteKind(event.route));
            if (!icon.isNull())
                return icon;
        }
        return {};
    case SortRole:
        return sortValue(event, column);
    case IdRole:
        return QVariant::fromValue(event.id);
    case HostRole:
        return event.host;
    case UrlRole:
        return event.target;
    case MethodRole:
        return QString::fromLatin1(event.method);
    case ProtocolRole:
        return int(event.protocol);
    case StatusRole:
        return event.status;
    case RouteRole:
        return event.route;
    case RouteKindRole:
        return int(trafficRouteKind(event.route));
    case FailedRole:
        return isFailure(event);
    case BlockedRole:
        return trafficRouteKind(event.route) == TrafficRouteKind::Blocked;
    case FinishedRole:
        return event.phase == LogPhase::Finished;
    case StartedAtRole:
        return event.startedAtMs;
    default:
        return {};
    }
}

QString TrafficModel::durationText(qint64 us) const
{
    if (us < 0)
        return QStringLiteral("…");
    if (us < 10'000)
        return tr("%1 ms").arg(m_locale.toString(double(us) / 1000.0, 'f', 1));
    if (us < 1'000'000)
        return tr("%1 ms").arg(m_locale.toString(us / 1000));
    return tr("%1 s").arg(m_locale.toString(double(us) / 1e6, 'f', 2));
}

QString TrafficModel::displayText(const LogEvent& event, int column) const
{
    const bool finished = event.phase == LogPhase::Finished;
    switch (column) {
    case NumberColumn:
        return QString::number(event.id);
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(event.startedAtMs)
            .time()
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case ClientColumn:
        return event.clientAddress;
    case ProtocolColumn:
        return protocolName(event.protocol);
    case MethodColumn:
        return QString::fromLatin1(event.method);
    case HostColumn:
        return event.host;
    case TargetColumn:
        return pathOrTarget(event);
    case StatusColumn:
        if (event.status > 0)
            return QString::number(event.status);
        if (isSocks(event) && finished)
            return event.socksReply == 0
                       ? tr("OK")
                       : QStringLiteral("0x%1").arg(event.socksReply, 2, 16, QLatin1Char('0'));
        if (!event.error.isEmpty())
            return tr("error");
        return finished ? QString() : QStringLiteral("…");
    case RouteColumn:
        switch (trafficRouteKind(event.route)) {
        case TrafficRouteKind::Direct:
            return tr("direct");
        case TrafficRouteKind::Blocked:
            return tr("blocked");
        case TrafficRouteKind::Local:
            return tr("local");
        case TrafficRouteKind::Refused:
            return tr("refused");
        case TrafficRouteKind::Exit:
        case TrafficRouteKind::Unknown:
            return event.route;
        }
        return event.route;
    case RuleColumn:
        if (event.rule.isEmpty() && !event.route.isEmpty())
            return tr("default");
        return event.rule;
    case BytesUpColumn:
        return m_locale.formattedDataSize(qint64(event.bytesUp), 1,
                                          QLocale::DataSizeTraditionalFormat);
    case BytesDownColumn:
        return m_locale.formattedDataSize(qint64(event.bytesDown), 1,
                                          QLocale::DataSizeTraditionalFormat);
    case DurationColumn:
        return durationText(finished ? event.durationUs : -1);
    default:
        return {};
    }
}

QVariant TrafficModel::sortValue(const LogEvent& event, int column) const
{
    switch (column) {
    case NumberColumn:
        return QVariant::fromValue(event.id);
    case TimeColumn:
        return event.startedAtMs;
    case ClientColumn:
        return event.clientAddress;
    case ProtocolColumn:
        return int(event.protocol);
    case MethodColumn:
        return QString::fromLatin1(event.method);
    case HostColumn:
        return event.host;
    case TargetColumn:
        return event.target;
    case StatusColumn:
        return isSocks(event) ? int(event.socksReply) : event.status;
    case RouteColumn:
        return event.route;
    case RuleColumn:
        return event.rule;
    case BytesUpColumn:
        return QVariant::fromValue(event.bytesUp);
    case BytesDownColumn:
        return QVariant::fromValue(event.bytesDown);
    case DurationColumn:
        return event.durationUs;
    default:
        return {};
    }
}

QVariant TrafficModel::toolTip(const LogEvent& event, int column) const
{
    switch (column) {
    case TargetColumn:
        return event.target;
    case StatusColumn:
        if (!event.error.isEmpty())
            return event.error;
        if (!event.responseReason.isEmpty())
            return QStringLiteral("%1 %2")
                .arg(event.status)
                .arg(QString::fromLatin1(event.responseReason));
        return {};
    case RouteColumn:
    case RuleColumn:
        if (event.rule.isEmpty())
            return tr("Route %1, by the default action").arg(event.route);
        return tr("Route %1, by the rule %2").arg(event.route, event.rule);
    case BytesUpColumn:
        return tr("%1 bytes sent").arg(m_locale.toString(qulonglong(event.bytesUp)));
    case BytesDownColumn:
        return tr("%1 bytes received").arg(m_locale.toString(qulonglong(event.bytesDown)));
    default:
        if (!event.error.isEmpty())
            return event.error;
        return {};
    }
}

QVariant TrafficModel::foreground(const LogEvent& event) const
{
    QColor color;
    if (isFailure(event))
        color = m_style.errorText();
    else if (trafficRouteKind(event.route) == TrafficRouteKind::Blocked)
        color = m_style.blockedText();
    else if (event.phase == LogPhase::Started)
        color = m_style.runningText();
    if (!color.isValid())
        return {};
    return color;
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NumberColumn:
            return tr("#");
        case TimeColumn:
            return tr("Time");
        case ClientColumn:
            return tr("Client");
        case ProtocolColumn:
            return tr("Protocol");
        case MethodColumn:
            return tr("Method");
        case HostColumn:
            return tr("Host");
        case TargetColumn:
            return tr("Path or target");
        case StatusColumn:
            return tr("Status");
        case RouteColumn:
            return tr("Route");
        case RuleColumn:
            return tr("Rule");
        case BytesUpColumn:
            return tr("Sent");
        case BytesDownColumn:
            return tr("Received");
        case DurationColumn:
            return tr("Duration");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NumberColumn:
            return tr("Exchange number");
        case ClientColumn:
            return tr("The client's address and port");
        case TargetColumn:
            return tr("Path and query of a request, or host:port of a tunnel");
        case RuleColumn:
            return tr("The rule that chose the route (\"default\": no rule matched)");
        case BytesUpColumn:
            return tr("Body bytes sent by the client (everything relayed, for tunnels)");
        case BytesDownColumn:
            return tr("Body bytes received by the client (everything relayed, for tunnels)");
        default:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QHash<int, QByteArray> TrafficModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(IdRole, "id");
    names.insert(HostRole, "host");
    names.insert(UrlRole, "url");
    names.insert(MethodRole, "method");
    names.insert(ProtocolRole, "protocol");
    names.insert(StatusRole, "status");
    names.insert(RouteRole, "route");
    names.insert(RouteKindRole, "routeKind");
    names.insert(FailedRole, "failed");
    names.insert(BlockedRole, "blocked");
    names.insert(FinishedRole, "finished");
    names.insert(StartedAtRole, "startedAt");
    return names;
}

void TrafficModel::setMaxEntries(int maxEntries)
{
    maxEntries = qMax(1, maxEntries);
    if (maxEntries == m_maxEntries)
        return;
    m_maxEntries = maxEntries;
    if (qsizetype(m_rows.size()) > m_maxEntries) {
        dropOldest(qsizetype(m_rows.size()) - m_maxEntries);
        Q_EMIT countChanged(rowCount());
    }
}

void TrafficModel::setCapturing(bool capturing)
{
    m_capturing = capturing;
}

void TrafficModel::setStyle(const TrafficStyle& style)
{
    m_style = style;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1),
                           {Qt::ForegroundRole, Qt::DecorationRole});
}

void TrafficModel::addEvents(const LogEventBatch& events)
{
    if (events.isEmpty())
        return;
    QList<Entry> fresh;
    QHash<quint64, qsizetype> freshById; // an id twice in one batch updates its new row
    qsizetype firstChanged = qsizetype(m_rows.size());
    qsizetype lastChanged = -1;
    for (const LogEvent& event : events) {
        const auto known = m_sequenceById.constFind(event.id);
        if (known != m_sequenceById.constEnd()) {
            const qsizetype row = qsizetype(*known - m_firstSequence);
            m_rows[size_t(row)].event = event;
            firstChanged = qMin(firstChanged, row);
            lastChanged = qMax(lastChanged, row);
        } else if (const auto pending = freshById.constFind(event.id);
                   pending != freshById.constEnd()) {
            fresh[*pending].event = event;
        } else if (m_capturing) {
            freshById.insert(event.id, fresh.size());
            fresh.append(Entry{event, true});
        }
    }
    // Updated rows lie near the tail (exchanges still running), so one range
    // over them touches few rows the view must look at again.
    if (lastChanged >= 0)
        Q_EMIT dataChanged(index(int(firstChanged), 0), index(int(lastChanged), ColumnCount - 1));
    if (!fresh.isEmpty())
        append(std::move(fresh));
}

void TrafficModel::addImported(const QList<LogEvent>& events)
{
    QList<Entry> fresh;
    fresh.reserve(events.size());
    for (const LogEvent& event : events)
        fresh.append(Entry{event, false});
    if (!fresh.isEmpty())
        append(std::move(fresh));
}

void TrafficModel::append(QList<Entry>&& fresh)
{
    if (fresh.size() > m_maxEntries) {
        // More new rows than fit: the oldest of them would be dropped at once.
        m_dropped += quint64(fresh.size() - m_maxEntries);
        fresh.remove(0, fresh.size() - m_maxEntries);
    }
    const qsizetype overflow = qsizetype(m_rows.size()) + fresh.size() - m_maxEntries;
    if (overflow > 0)
        dropOldest(overflow);

    const int first = rowCount();
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (Entry& entry : fresh) {
        if (entry.live)
            m_sequenceById.insert(entry.event.id, m_firstSequence + qint64(m_rows.size()));
        m_rows.push_back(std::move(entry));
    }
    endInsertRows();
    Q_EMIT countChanged(rowCount());
}

void TrafficModel::dropOldest(qsizetype count)
{
    count = qMin(count, qsizetype(m_rows.size()));
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, int(count) - 1);
    const auto end = m_rows.begin() + count;
    for (auto entry = m_rows.begin(); entry != end; ++entry, ++m_firstSequence) {
        if (entry->live) {
            const auto it = m_sequenceById.find(entry->event.id);
            if (it != m_sequenceById.end() && *it == m_firstSequence)
                m_sequenceById.erase(it);
        }
    }
    discard(
        std::vector<Entry>(std::make_move_iterator(m_rows.begin()), std::make_move_iterator(end)));
    m_rows.erase(m_rows.begin(), end);
    m_dropped += quint64(count);
    endRemoveRows();
}

void TrafficModel::discard(std::vector<Entry>&& entries)
{
    // Freeing thousands of captured headers and bodies is most of the cost of
    // dropping rows; the UI thread need not wait for it. (Implicitly shared data
    // is freed safely from any thread.)
    // The task must hold the only reference: with a copy left here, whichever
    // side let go last did the freeing, often this thread.
    auto doomed = std::make_shared<std::vector<Entry>>(std::move(entries));
    QThreadPool::globalInstance()->start(
        [doomed = std::move(doomed)]() mutable { doomed.reset(); });
}

void TrafficModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    discard(std::vector<Entry>(std::make_move_iterator(m_rows.begin()),
                               std::make_move_iterator(m_rows.end())));
    m_rows.clear();
    m_sequenceById.clear();
    m_firstSequence = 0;
    endResetModel();
    Q_EMIT countChanged(0);
}

const LogEvent& TrafficModel::eventAt(int row) const
{
    Q_ASSERT(row >= 0 && row < rowCount());
    return m_rows[size_t(row)].event;
}

int TrafficModel::rowOfId(quint64 id) const
{
    const auto it = m_sequenceById.constFind(id);
    if (it == m_sequenceById.constEnd())
        return -1;
    return int(*it - m_firstSequence);
}

} // namespace Switchyard
