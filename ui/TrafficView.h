#pragma once

#include <QPersistentModelIndex>
#include <QTableView>

namespace Switchyard {

/// The traffic table. It follows the tail while the user is at the bottom with
/// nothing selected, and holds still once they scroll up or select a row, also
/// while the oldest rows are dropped above them. Rows have one fixed height so
/// that a hundred thousand of them lay out in no time.
class TrafficView : public QTableView
{
    Q_OBJECT
public:
    explicit TrafficView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;

    /// Whether new rows scroll the view to the bottom.
    bool isFollowingTail() const { return m_following; }
    /// Scrolls to the bottom, clears the selection and follows again.
    void followTail();

    /// Column order, widths, visibility and sort column, for restoreColumnState().
    QByteArray saveColumnState() const;
    bool restoreColumnState(const QByteArray& state);

Q_SIGNALS:
    void followingTailChanged(bool following);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void setFollowing(bool following);
    void updateFollowingFromUser();
    void onRowsInserted();
    void onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void onRowsRemoved();
    void onLayoutAboutToBeChanged();
    void onLayoutChanged();
    void restoreAnchor();
    void applyRowHeight();
    void setDefaultColumnWidths();

    bool m_following = true;
    bool m_programmaticScroll = false;
    /// The top visible row while rows above it are removed or the rows reorder.
    QPersistentModelIndex m_anchor;
    QList<QMetaObject::Connection> m_modelConnections;
};

} // namespace Switchyard
