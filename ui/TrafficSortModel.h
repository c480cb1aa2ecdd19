#pragma once

#include <QAbstractProxyModel>
#include <QPersistentModelIndex>
#include <vector>

namespace Switchyard {

/// Sorts the (filtered) traffic table by a column's TrafficModel::SortRole
/// value, ties in arrival order, and stays cheap while rows stream in.
///
/// QSortFilterProxyModel keeps a sorted table sorted by inserting every new row
/// at its place with its own beginInsertRows, and by removing dropped rows run
/// by run: for a batch of 2,000 rows that is 2,000 signals, each costing the
/// view a pass over 100,000 rows (half a second per batch). Here a batch is one
/// insertion at the end followed by one layout change that merges the new rows
/// in, and the oldest rows leave by one layout change that moves them to the
/// end followed by one removal there. Unsorted (sort column -1) it passes rows
/// through in source order.
///
/// Flat table models only (no children), with a fixed set of columns.
class TrafficSortModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit TrafficSortModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;

    /// column -1 returns to the source's order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_column; }
    Qt::SortOrder sortOrder() const { return m_order; }
    int sortRole() const { return m_role; }
    void setSortRole(int role);

private:
    /// A row's sort value, read once: numbers compare as numbers.
    struct Key
    {
        QString text;
        qint64 number = 0;
        bool isText = false;
    };

    bool sorted() const { return m_column >= 0; }
    Key keyOf(int sourceRow) const;
    bool less(int sourceA, int sourceB) const;
    void rebuildKeys();
    void sortAll();
    void rebuildSourceToProxy();

    /// Layout changes that keep persistent indexes on their source rows.
    void beginLayoutChange();
    void endLayoutChange();

    void onRowsAboutToBeInserted(const QModelIndex& parent, int first, int last);
    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void onRowsRemoved(const QModelIndex& parent, int first, int last);
    void onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                       const QList<int>& roles);
    void onSourceLayoutAboutToBeChanged();
    void onSourceLayoutChanged();
    void onSourceAboutToBeReset();
    void onSourceReset();
    void onHeaderDataChanged(Qt::Orientation orientation, int first, int last);

    int m_column = -1;
    Qt::SortOrder m_order = Qt::AscendingOrder;
    int m_role = Qt::DisplayRole;
    /// Sorted only: proxy row -> source row, source row -> proxy row, source row -> key.
    std::vector<int> m_proxyToSource;
    std::vector<int> m_sourceToProxy;
    std::vector<Key> m_keys;
    /// During a layout change: our persistent indexes and the source rows they stood on.
    QModelIndexList m_layoutProxy;
    QList<QPersistentModelIndex> m_layoutSource;
    int m_rowCount = 0;
    bool m_pendingRemovalAtEnd = false;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace Switchyard
