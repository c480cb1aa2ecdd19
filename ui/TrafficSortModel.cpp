#include "TrafficSortModel.h"

#include "TrafficModel.h"

#include <algorithm>
#include <limits>

namespace Switchyard {

TrafficSortModel::TrafficSortModel(QObject* parent)
    : QAbstractProxyModel(parent), m_role(TrafficModel::SortRole)
{}

void TrafficSortModel::setSourceModel(QAbstractItemModel* sourceModel)
{
    beginResetModel();
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    QAbstractProxyModel::setSourceModel(sourceModel);
    if (sourceModel) {
        using M = QAbstractItemModel;
        m_sourceConnections
            << connect(sourceModel, &M::rowsAboutToBeInserted, this,
                       &TrafficSortModel::onRowsAboutToBeInserted)
            << connect(sourceModel, &M::rowsInserted, this, &TrafficSortModel::onRowsInserted)
            << connect(sourceModel, &M::rowsAboutToBeRemoved, this,
                       &TrafficSortModel::onRowsAboutToBeRemoved)
            << connect(sourceModel, &M::rowsRemoved, this, &TrafficSortModel::onRowsRemoved)
            << connect(sourceModel, &M::dataChanged, this, &TrafficSortModel::onDataChanged)
            << connect(sourceModel, &M::layoutAboutToBeChanged, this,
                       &TrafficSortModel::onSourceLayoutAboutToBeChanged)
            << connect(sourceModel, &M::layoutChanged, this,
                       &TrafficSortModel::onSourceLayoutChanged)
            << connect(sourceModel, &M::modelAboutToBeReset, this,
                       &TrafficSortModel::onSourceAboutToBeReset)
            << connect(sourceModel, &M::modelReset, this, &TrafficSortModel::onSourceReset)
            << connect(sourceModel, &M::headerDataChanged, this,
                       &TrafficSortModel::onHeaderDataChanged)
            // The traffic table never changes its columns or moves rows; should a
            // source do so, start over.
            << connect(sourceModel, &M::columnsAboutToBeInserted, this,
                       &TrafficSortModel::onSourceAboutToBeReset)
            << connect(sourceModel, &M::columnsInserted, this, &TrafficSortModel::onSourceReset)
            << connect(sourceModel, &M::columnsAboutToBeRemoved, this,
                       &TrafficSortModel::onSourceAboutToBeReset)
            << connect(sourceModel, &M::columnsRemoved, this, &TrafficSortModel::onSourceReset)
            << connect(sourceModel, &M::rowsAboutToBeMoved, this,
                       &TrafficSortModel::onSourceAboutToBeReset)
            << connect(sourceModel, &M::rowsMoved, this, &TrafficSortModel::onSourceReset);
    }
    m_rowCount = sourceModel ? sourceModel->rowCount() : 0;
    if (sorted()) {
        rebuildKeys();
        sortAll();
    }
    endResetModel();
}

QModelIndex TrafficSortModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || row >= m_rowCount || column < 0 || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex TrafficSortModel::parent(const QModelIndex&) const
{
    return {};
}

QModelIndex TrafficSortModel::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

int TrafficSortModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int TrafficSortModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !sourceModel())
        return 0;
    return sourceModel()->columnCount();
}

bool TrafficSortModel::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && m_rowCount > 0;
}

QModelIndex TrafficSortModel::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.model() != this)
        return {};
    const int row = proxyIndex.row();
    if (!sorted())
        return sourceModel()->index(row, proxyIndex.column());
    if (row >= int(m_proxyToSource.size()))
        return {};
    return sourceModel()->index(m_proxyToSource[size_t(row)], proxyIndex.column());
}

QModelIndex TrafficSortModel::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != sourceModel())
        return {};
    const int row = sourceIndex.row();
    if (!sorted())
        return index(row, sourceIndex.column());
    if (row >= int(m_sourceToProxy.size()))
        return {};
    return index(m_sourceToProxy[size_t(row)], sourceIndex.column());
}

void TrafficSortModel::setSortRole(int role)
{
    if (role == m_role)
        return;
    m_role = role;
    if (sorted()) {
        beginLayoutChange();
        rebuildKeys();
        sortAll();
        endLayoutChange();
    }
}

void TrafficSortModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0)
        column = -1;
    if (column == m_column && (order == m_order || column < 0))
        return;
    beginLayoutChange();
    m_column = column;
    m_order = order;
    if (sorted()) {
        rebuildKeys();
        sortAll();
    } else {
        m_proxyToSource = {};
        m_sourceToProxy = {};
        m_keys = {};
    }
    endLayoutChange();
}

TrafficSortModel::Key TrafficSortModel::keyOf(int sourceRow) const
{
    const QVariant value = sourceModel()->index(sourceRow, m_column).data(m_role);
    Key key;
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Bool:
        key.number = value.toLongLong();
        break;
    case QMetaType::Double:
    case QMetaType::Float:
        key.number = qRound64(value.toDouble() * 1000.0);
        break;
    case QMetaType::UnknownType:
        key.number = std::numeric_limits<qint64>::min();
        break;
    default:
        // Folded once here, so that comparing is a plain comparison.
        key.text = value.toString().toCaseFolded();
        key.isText = true;
        break;
    }
    return key;
}

bool TrafficSortModel::less(int sourceA, int sourceB) const
{
    const Key& a = m_keys[size_t(sourceA)];
    const Key& b = m_keys[size_t(sourceB)];
    int order = 0;
    if (a.isText != b.isText)
        order = a.isText ? 1 : -1; // numbers before text
    else if (a.isText)
        order = a.text.compare(b.text);
    else
        order = a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
    if (order == 0)
        return sourceA < sourceB; // ties keep arrival order, in either direction
    return m_order == Qt::AscendingOrder ? order < 0 : order > 0;
}

void TrafficSortModel::rebuildKeys()
{
    m_keys.clear();
    m_keys.reserve(size_t(m_rowCount));
    for (int row = 0; row < m_rowCount; ++row)
        m_keys.push_back(keyOf(row));
}

void TrafficSortModel::sortAll()
{
    m_proxyToSource.resize(size_t(m_rowCount));
    for (int row = 0; row < m_rowCount; ++row)
        m_proxyToSource[size_t(row)] = row;
    std::sort(m_proxyToSource.begin(), m_proxyToSource.end(),
              [this](int a, int b) { return less(a, b); });
    rebuildSourceToProxy();
}

void TrafficSortModel::rebuildSourceToProxy()
{
    m_sourceToProxy.assign(m_keys.size(), -1);
    for (size_t proxy = 0; proxy < m_proxyToSource.size(); ++proxy)
        m_sourceToProxy[size_t(m_proxyToSource[proxy])] = int(proxy);
}

void TrafficSortModel::beginLayoutChange()
{
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    m_layoutProxy = persistentIndexList();
    m_layoutSource.clear();
    m_layoutSource.reserve(m_layoutProxy.size());
    for (const QModelIndex& index : std::as_const(m_layoutProxy))
        m_layoutSource.append(QPersistentModelIndex(mapToSource(index)));
}

void TrafficSortModel::endLayoutChange()
{
    QModelIndexList to;
    to.reserve(m_layoutProxy.size());
    for (const QPersistentModelIndex& source : std::as_const(m_layoutSource))
        to.append(source.isValid() ? mapFromSource(source) : QModelIndex());
    changePersistentIndexList(m_layoutProxy, to);
    m_layoutProxy.clear();
    m_layoutSource.clear();
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void TrafficSortModel::onRowsAboutToBeInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid() || sorted())
        return; // sorted: announced once the rows are there to be compared
    beginInsertRows({}, first, last);
}

void TrafficSortModel::onRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    if (!sorted()) {
        m_rowCount += count;
        endInsertRows();
        return;
    }
    // The rows after the insertion point moved down in the source.
    for (int& source : m_proxyToSource) {
        if (source >= first)
            source += count;
    }
    std::vector<Key> keys;
    keys.reserve(size_t(count));
    for (int row = first; row <= last; ++row)
        keys.push_back(keyOf(row));
    m_keys.insert(m_keys.begin() + first, std::make_move_iterator(keys.begin()),
                  std::make_move_iterator(keys.end()));

    // One insertion at the end...
    const int oldCount = m_rowCount;
    beginInsertRows({}, oldCount, oldCount + count - 1);
    for (int row = first; row <= last; ++row)
        m_proxyToSource.push_back(row);
    m_rowCount += count;
    rebuildSourceToProxy();
    endInsertRows();

    // ...then one layout change that merges them into place, unless they belong
    // at the end already (sorted by number or time, ascending).
    const auto begin = m_proxyToSource.begin();
    const auto tail = begin + oldCount;
    const auto lessThan = [this](int a, int b) {
        return less(a, b);
    };
    const bool tailSorted = std::is_sorted(tail, m_proxyToSource.end(), lessThan);
    const bool inPlace = tailSorted && (oldCount == 0 || !less(*tail, *(tail - 1)));
    if (inPlace)
        return;
    beginLayoutChange();
    std::sort(tail, m_proxyToSource.end(), lessThan);
    std::inplace_merge(begin, tail, m_proxyToSource.end(), lessThan);
    rebuildSourceToProxy();
    endLayoutChange();
}

void TrafficSortModel::onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!sorted()) {
        beginRemoveRows({}, first, last);
        return;
    }
    const int count = last - first + 1;
    const int keep = m_rowCount - count;
    // Move the rows that go to the end (one layout change), then remove them there.
    const bool atEnd =
        std::all_of(m_sourceToProxy.begin() + first, m_sourceToProxy.begin() + last + 1,
                    [keep](int proxy) { return proxy >= keep; });
    if (!atEnd) {
        beginLayoutChange();
        std::stable_partition(
            m_proxyToSource.begin(), m_proxyToSource.end(),
            [first, last](int source) { return source < first || source > last; });
        rebuildSourceToProxy();
        endLayoutChange();
    }
    beginRemoveRows({}, keep, m_rowCount - 1);
    m_pendingRemovalAtEnd = true;
}

void TrafficSortModel::onRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    if (!sorted() || !m_pendingRemovalAtEnd) {
        m_rowCount -= count;
        endRemoveRows();
        return;
    }
    m_pendingRemovalAtEnd = false;
    m_proxyToSource.resize(m_proxyToSource.size() - size_t(count));
    for (int& source : m_proxyToSource) {
        if (source > last)
            source -= count;
    }
    m_keys.erase(m_keys.begin() + first, m_keys.begin() + last + 1);
    m_rowCount -= count;
    rebuildSourceToProxy();
    endRemoveRows();
}

void TrafficSortModel::onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                                     const QList<int>& roles)
{
    if (!topLeft.isValid() || !bottomRight.isValid() || topLeft.parent().isValid())
        return;
    const int first = topLeft.row();
    const int last = bottomRight.row();
    if (!sorted()) {
        Q_EMIT dataChanged(index(first, topLeft.column()), index(last, bottomRight.column()),
                           roles);
        return;
    }
    // Rows whose sort value changed (an exchange finished: its duration, size,
    // status) move to their new place in one layout change.
    std::vector<int> moved;
    if ((roles.isEmpty() || roles.contains(m_role)) && m_column >= topLeft.column() &&
        m_column <= bottomRight.column()) {
        for (int row = first; row <= last; ++row) {
            Key key = keyOf(row);
            Key& old = m_keys[size_t(row)];
            if (key.isText != old.isText || key.number != old.number || key.text != old.text) {
                old = std::move(key);
                moved.push_back(row);
            }
        }
    }
    if (!moved.empty()) {
        beginLayoutChange();
        const auto lessThan = [this](int a, int b) {
            return less(a, b);
        };
        if (moved.size() * 8 > m_proxyToSource.size()) {
            std::sort(m_proxyToSource.begin(), m_proxyToSource.end(), lessThan);
        } else {
            // Out, then back in at their places (the rest is still in order).
            std::vector<char> isMoved(m_keys.size(), 0);
            for (const int row : moved)
                isMoved[size_t(row)] = 1;
            std::erase_if(m_proxyToSource,
                          [&isMoved](int source) { return isMoved[size_t(source)]; });
            std::sort(moved.begin(), moved.end(), lessThan);
            const size_t kept = m_proxyToSource.size();
            m_proxyToSource.insert(m_proxyToSource.end(), moved.begin(), moved.end());
            std::inplace_merge(m_proxyToSource.begin(), m_proxyToSource.begin() + ptrdiff_t(kept),
                               m_proxyToSource.end(), lessThan);
        }
        rebuildSourceToProxy();
        endLayoutChange();
    }
    // The changed rows are scattered now: one range over all of them.
    int low = m_rowCount;
    int high = -1;
    for (int row = first; row <= last; ++row) {
        const int proxy = m_sourceToProxy[size_t(row)];
        low = std::min(low, proxy);
        high = std::max(high, proxy);
    }
    if (high >= 0)
        Q_EMIT dataChanged(index(low, topLeft.column()), index(high, bottomRight.column()), roles);
}

void TrafficSortModel::onSourceLayoutAboutToBeChanged()
{
    beginLayoutChange();
}

void TrafficSortModel::onSourceLayoutChanged()
{
    // The source may have gained or lost rows (a filter changed): start over.
    m_rowCount = sourceModel()->rowCount();
    if (sorted()) {
        rebuildKeys();
        sortAll();
    }
    endLayoutChange();
}

void TrafficSortModel::onSourceAboutToBeReset()
{
    beginResetModel();
}

void TrafficSortModel::onSourceReset()
{
    m_rowCount = sourceModel()->rowCount();
    m_pendingRemovalAtEnd = false;
    if (sorted()) {
        rebuildKeys();
        sortAll();
    } else {
        m_keys = {};
        m_proxyToSource = {};
        m_sourceToProxy = {};
    }
    endResetModel();
}

void TrafficSortModel::onHeaderDataChanged(Qt::Orientation orientation, int first, int last)
{
    if (orientation == Qt::Horizontal)
        Q_EMIT headerDataChanged(orientation, first, last);
    else if (m_rowCount > 0)
        Q_EMIT headerDataChanged(orientation, 0, m_rowCount - 1);
}

} // namespace Switchyard
