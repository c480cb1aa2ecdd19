#pragma once

#include "LogEvent.h"
#include "RouteAction.h"
#include "TrafficContextMenu.h"

#include <QWidget>

class QAction;
class QLabel;
class QSplitter;
class QToolButton;

namespace Switchyard {

class TrafficDetailsPane;
class TrafficFilterBar;
class TrafficFilterModel;
class TrafficModel;
class TrafficSortModel;
class TrafficView;

/// The live traffic page: a filter bar, the traffic table and the details of
/// the selected entry, with pause/resume, clear, HAR export and import.
/// Keyboard: Ctrl+F filters, Ctrl+L clears, arrows move, Enter opens the
/// details, Escape lets go of the selection so the table follows the tail.
///
/// It knows nothing of the engine: connect Engine::eventsReady to addEvents(),
/// and routeRequested() to whatever keeps the rules.
class TrafficPage : public QWidget
{
    Q_OBJECT
public:
    enum class ExportScope { Visible, Selected };
    using ExitList = TrafficContextMenu::ExitList;

    explicit TrafficPage(QWidget* parent = nullptr);

    TrafficModel* model() const { return m_model; }
    TrafficFilterModel* filterModel() const { return m_filter; }
    /// The model the view shows: the filtered rows, sorted as the header says.
    TrafficSortModel* sortModel() const { return m_sort; }
    TrafficView* view() const { return m_view; }
    TrafficDetailsPane* detailsPane() const { return m_details; }
    TrafficFilterBar* filterBar() const { return m_filterBar; }
    QAction* pauseAction() const { return m_pauseAction; }
    QAction* clearAction() const { return m_clearAction; }
    QAction* maskSecretsAction() const { return m_maskAction; }

    /// One batch from Engine::eventsReady.
    void addEvents(const Switchyard::LogEventBatch& events);
    /// The exits offered by "route this host" and the route filter (id, name).
    void setExits(const ExitList& exits);
    void setMaxEntries(int maxEntries);
    bool isCapturing() const;
    void setCapturing(bool capturing);
    void clear();

    /// The entries in view order: every row the filter lets through, or the
    /// selected ones.
    QList<LogEvent> events(ExportScope scope) const;
    /// Writes those entries as HAR 1.2 (secrets masked as maskSecretsAction()
    /// says). Returns an empty string on success, otherwise why not.
    QString exportHar(const QString& path, ExportScope scope) const;
    /// Adds a HAR file's entries for reading and pauses the capture so they
    /// stay in view. Returns an empty string on success, otherwise why not.
    QString importHar(const QString& path);

    /// Shows the context menu for the row at pos (view viewport coordinates);
    /// null when there is no row there. The menu deletes itself when closed.
    TrafficContextMenu* showContextMenu(const QPoint& pos);
    /// Brings the details pane into view and gives it the focus (Enter).
    void openDetails();

    /// Splitter sizes and the table's columns (order, widths, sort).
    QByteArray saveState() const;
    bool restoreState(const QByteArray& state);

Q_SIGNALS:
    /// The user asked for a rule from the context menu ("route this host").
    void routeRequested(const QString& pattern, bool wholeDomain,
                        const Switchyard::RouteAction& action);

protected:
    void changeEvent(QEvent* event) override;

private:
    QToolButton* toolButton(QAction* action);
    /// The TrafficModel row of a view index, or -1.
    int modelRow(const QModelIndex& viewIndex) const;
    void onCurrentChanged(const QModelIndex& current);
    void onSourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight);
    void updateCountLabel();
    void updatePauseAction();
    void exportWithDialog(ExportScope scope);
    void importWithDialog();
    void applyStyle();

    TrafficModel* m_model = nullptr;
    TrafficFilterModel* m_filter = nullptr;
    TrafficSortModel* m_sort = nullptr;
    TrafficFilterBar* m_filterBar = nullptr;
    TrafficView* m_view = nullptr;
    TrafficDetailsPane* m_details = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_messageLabel = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_clearAction = nullptr;
    QAction* m_exportVisibleAction = nullptr;
    QAction* m_exportSelectedAction = nullptr;
    QAction* m_maskAction = nullptr;
    QAction* m_importAction = nullptr;
    ExitList m_exits;
};

} // namespace Switchyard
