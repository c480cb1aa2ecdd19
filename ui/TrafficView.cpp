#include "TrafficView.h"

#include "LeftToRightDelegate.h"
#include "TrafficModel.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QScrollBar>

namespace Switchyard {

TrafficView::TrafficView(QWidget* parent) : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setShowGrid(false);
    setWordWrap(false);
    setAlternatingRowColors(true);
    setTabKeyNavigation(false);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Per item: the scroll bar's value is the top row, which keeps the view still
    // exactly when rows above it go.
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setContextMenuPolicy(Qt::CustomContextMenu);

    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setMinimumSectionSize(1);
    applyRowHeight();

    QHeaderView* header = horizontalHeader();
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    // Unsorted until the user clicks a header; a third click returns to arrival order.
    header->setSortIndicator(-1, Qt::AscendingOrder);
    header->setSortIndicatorClearable(true);
    setSortingEnabled(true);

    auto* leftToRight = new LeftToRightDelegate(this);
    for (const int column : {TrafficModel::TimeColumn, TrafficModel::ClientColumn,
                             TrafficModel::HostColumn, TrafficModel::TargetColumn})
        setItemDelegateForColumn(column, leftToRight);

    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this] {
        if (!m_programmaticScroll)
            updateFollowingFromUser();
    });
}

void TrafficView::setModel(QAbstractItemModel* model)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_modelConnections))
        disconnect(connection);
    m_modelConnections.clear();
    QTableView::setModel(model);
    if (!model)
        return;
    m_modelConnections
        << connect(model, &QAbstractItemModel::rowsInserted, this, &TrafficView::onRowsInserted)
        << connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                   &TrafficView::onRowsAboutToBeRemoved)
        << connect(model, &QAbstractItemModel::rowsRemoved, this, &TrafficView::onRowsRemoved)
        << connect(model, &QAbstractItemModel::modelReset, this, &TrafficView::onRowsInserted)
        << connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this,
                   &TrafficView::onLayoutAboutToBeChanged)
        << connect(model, &QAbstractItemModel::layoutChanged, this, &TrafficView::onLayoutChanged)
        << connect(selectionModel(), &QItemSelectionModel::selectionChanged, this,
                   &TrafficView::updateFollowingFromUser);
    setDefaultColumnWidths();
}

void TrafficView::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    Q_EMIT followingTailChanged(following);
}

void TrafficView::updateFollowingFromUser()
{
    const QScrollBar* bar = verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum();
    const bool selected = selectionModel() && selectionModel()->hasSelection();
    setFollowing(atBottom && !selected);
}

void TrafficView::followTail()
{
    if (selectionModel())
        selectionModel()->clear();
    m_programmaticScroll = true;
    scrollToBottom();
    m_programmaticScroll = false;
    setFollowing(true);
}

void TrafficView::onRowsInserted()
{
    if (!m_following)
        return;
    m_programmaticScroll = true;
    scrollToBottom(); // lays out the pending rows first
    m_programmaticScroll = false;
}

void TrafficView::onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (m_following || parent.isValid() || m_anchor.isValid())
        return;
    const int top = rowAt(0);
    if (top < 0 || first > top)
        return; // nothing above or at the top row goes: the view does not move
    const int anchorRow = top > last ? top : last + 1;
    if (anchorRow < model()->rowCount())
        m_anchor = model()->index(anchorRow, 0);
}

void TrafficView::onRowsRemoved()
{
    restoreAnchor();
}

void TrafficView::onLayoutAboutToBeChanged()
{
    // Rows reorder (sorted view) or come and go (filter): the row at the top stays.
    if (m_following || m_anchor.isValid())
        return;
    const int top = rowAt(0);
    if (top >= 0)
        m_anchor = model()->index(top, 0);
}

void TrafficView::onLayoutChanged()
{
    if (m_following) {
        onRowsInserted();
        return;
    }
    restoreAnchor();
}

void TrafficView::restoreAnchor()
{
    if (!m_anchor.isValid()) {
        m_anchor = QPersistentModelIndex();
        return;
    }
    const int row = m_anchor.row();
    m_anchor = QPersistentModelIndex();
    // The scroll range must be the new one before the value is set.
    executeDelayedItemsLayout();
    m_programmaticScroll = true;
    verticalScrollBar()->setValue(row);
    m_programmaticScroll = false;
}

void TrafficView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier &&
        selectionModel() && selectionModel()->hasSelection()) {
        // Let go of the selected row: the view follows again if it is at the bottom.
        selectionModel()->clear();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void TrafficView::changeEvent(QEvent* event)
{
    QTableView::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyRowHeight();
}

void TrafficView::applyRowHeight()
{
    // One fixed height for every row: no row is ever measured.
    // 16: the route badge.
    const int height = qMax(fontMetrics().height(), 16) + 6;
    verticalHeader()->setDefaultSectionSize(height);
}

void TrafficView::setDefaultColumnWidths()
{
    const QFontMetrics metrics = fontMetrics();
    const auto width = [&metrics](const QString& sample) {
        return metrics.horizontalAdvance(sample) + 24;
    };
    QHeaderView* header = horizontalHeader();
    header->resizeSection(TrafficModel::NumberColumn, width(QStringLiteral("0000000")));
    header->resizeSection(TrafficModel::TimeColumn, width(QStringLiteral("00:00:00.000")));
    header->resizeSection(TrafficModel::ClientColumn, width(QStringLiteral("127.0.0.1:65535")));
    header->resizeSection(TrafficModel::ProtocolColumn, width(QStringLiteral("CONNECT")));
    header->resizeSection(TrafficModel::MethodColumn, width(QStringLiteral("OPTIONS")));
    header->resizeSection(TrafficModel::HostColumn, width(QString(24, QLatin1Char('x'))));
    header->resizeSection(TrafficModel::TargetColumn, width(QString(36, QLatin1Char('x'))));
    header->resizeSection(TrafficModel::StatusColumn, width(tr("Status")));
    header->resizeSection(TrafficModel::RouteColumn, width(QString(12, QLatin1Char('x'))) + 16);
    header->resizeSection(TrafficModel::RuleColumn, width(QString(14, QLatin1Char('x'))));
    header->resizeSection(TrafficModel::BytesUpColumn, width(QStringLiteral("1023.9 KB")));
    header->resizeSection(TrafficModel::BytesDownColumn, width(QStringLiteral("1023.9 KB")));
    header->resizeSection(TrafficModel::DurationColumn, width(QStringLiteral("12345 ms")));
}

QByteArray TrafficView::saveColumnState() const
{
    return horizontalHeader()->saveState();
}

bool TrafficView::restoreColumnState(const QByteArray& state)
{
    return horizontalHeader()->restoreState(state);
}

} // namespace Switchyard
