#include "TrafficPage.h"

#include "HarReader.h"
#include "HarWriter.h"
#include "TrafficDetailsPane.h"
#include "TrafficFilterBar.h"
#include "TrafficFilterModel.h"
#include "TrafficModel.h"
#include "TrafficSortModel.h"
#include "TrafficStyle.h"
#include "TrafficView.h"

#include <QAction>
#include <QDataStream>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QIODevice>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace Switchyard {

namespace {

constexpr quint32 stateMagic = 0x54524146; // "TRAF"
constexpr quint32 stateVersion = 1;

} // namespace

TrafficPage::TrafficPage(QWidget* parent) : QWidget(parent)
{
    m_model = new TrafficModel(this);
    m_filter = new TrafficFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_sort = new TrafficSortModel(this);
    m_sort->setSourceModel(m_filter);

    m_pauseAction = new QAction(this);
    m_pauseAction->setCheckable(true);
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) { setCapturing(!paused); });
    m_clearAction = new QAction(tr("Clear"), this);
    m_clearAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_clearAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_clearAction->setToolTip(tr("Remove every entry (Ctrl+L)"));
    connect(m_clearAction, &QAction::triggered, this, &TrafficPage::clear);
    addAction(m_clearAction);

    auto* findAction = new QAction(tr("Filter"), this);
    findAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    findAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(findAction);

    m_exportVisibleAction = new QAction(tr("Export visible entries as HAR…"), this);
    connect(m_exportVisibleAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportScope::Visible); });
    m_exportSelectedAction = new QAction(tr("Export selected entries as HAR…"), this);
    connect(m_exportSelectedAction, &QAction::triggered, this,
            [this] { exportWithDialog(ExportScope::Selected); });
    m_maskAction = new QAction(tr("Mask secrets in exported files"), this);
    m_maskAction->setCheckable(true);
    m_maskAction->setChecked(true);
    m_maskAction->setToolTip(
        tr("Replace Authorization, Proxy-Authorization, Cookie and Set-Cookie values"));
    m_importAction = new QAction(tr("Import HAR…"), this);
    m_importAction->setToolTip(tr("Add the entries of a HAR file to the table, for reading"));
    connect(m_importAction, &QAction::triggered, this, &TrafficPage::importWithDialog);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* actions = new QHBoxLayout;
    actions->addWidget(toolButton(m_pauseAction));
    actions->addWidget(toolButton(m_clearAction));
    auto* exportMenu = new QMenu(this);
    exportMenu->addAction(m_exportVisibleAction);
    exportMenu->addAction(m_exportSelectedAction);
    exportMenu->addSeparator();
    exportMenu->addAction(m_maskAction);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setToolTip(tr("Save entries as HAR 1.2, for browsers' developer tools"));
    exportButton->setMenu(exportMenu);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    actions->addWidget(exportButton);
    actions->addWidget(toolButton(m_importAction));
    actions->addStretch(1);
    m_messageLabel = new QLabel(this);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    actions->addWidget(m_messageLabel);
    m_countLabel = new QLabel(this);
    actions->addWidget(m_countLabel);
    layout->addLayout(actions);

    m_filterBar = new TrafficFilterBar(m_filter, this);
    layout->addWidget(m_filterBar);
    connect(findAction, &QAction::triggered, m_filterBar, &TrafficFilterBar::focusSearch);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setChildrenCollapsible(true);
    m_view = new TrafficView(m_splitter);
    m_view->setModel(m_sort);
    m_details = new TrafficDetailsPane(m_splitter);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    // Relative weights: the table gets the larger share whatever the window size.
    m_splitter->setSizes({600, 400});
    layout->addWidget(m_splitter, 1);
    setFocusProxy(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrafficPage::onCurrentChanged);
    connect(m_view, &TrafficView::activated, this, &TrafficPage::openDetails);
    connect(m_view, &TrafficView::doubleClicked, this, &TrafficPage::openDetails);
    connect(m_view, &TrafficView::customContextMenuRequested, this, &TrafficPage::showContextMenu);
    connect(m_model, &TrafficModel::dataChanged, this, &TrafficPage::onSourceDataChanged);
    connect(m_model, &TrafficModel::countChanged, this, &TrafficPage::updateCountLabel);
    connect(m_sort, &QAbstractItemModel::rowsInserted, this, &TrafficPage::updateCountLabel);
    connect(m_sort, &QAbstractItemModel::rowsRemoved, this, &TrafficPage::updateCountLabel);
    connect(m_sort, &QAbstractItemModel::modelReset, this, &TrafficPage::updateCountLabel);
    connect(m_sort, &QAbstractItemModel::layoutChanged, this, &TrafficPage::updateCountLabel);

    applyStyle();
    updatePauseAction();
    updateCountLabel();
}

int TrafficPage::modelRow(const QModelIndex& viewIndex) const
{
    const QModelIndex source = m_filter->mapToSource(m_sort->mapToSource(viewIndex));
    return source.isValid() ? source.row() : -1;
}

QToolButton* TrafficPage::toolButton(QAction* action)
{
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    return button;
}

void TrafficPage::addEvents(const LogEventBatch& events)
{
    m_model->addEvents(events);
}

void TrafficPage::setExits(const ExitList& exits)
{
    m_exits = exits;
    QStringList names;
    for (const auto& exit : exits)
        names.append(exit.second);
    m_filterBar->setExitNames(names);
}

void TrafficPage::setMaxEntries(int maxEntries)
{
    m_model->setMaxEntries(maxEntries);
}

bool TrafficPage::isCapturing() const
{
    return m_model->isCapturing();
}

void TrafficPage::setCapturing(bool capturing)
{
    m_model->setCapturing(capturing);
    updatePauseAction();
    updateCountLabel();
}

void TrafficPage::updatePauseAction()
{
    const bool paused = !m_model->isCapturing();
    {
        const QSignalBlocker blocker(m_pauseAction);
        m_pauseAction->setChecked(paused);
    }
    m_pauseAction->setText(paused ? tr("Resume") : tr("Pause"));
    m_pauseAction->setToolTip(paused ? tr("Show new requests again")
                                     : tr("Stop adding new requests to the table; those "
                                          "shown still complete"));
}

void TrafficPage::clear()
{
    m_model->clear();
    m_details->clearEvent();
    m_messageLabel->clear();
    m_view->followTail();
}

void TrafficPage::updateCountLabel()
{
    const QLocale locale;
    const int total = m_model->rowCount();
    const int shown = m_sort->rowCount();
    QString text = shown == total
                       ? tr("%Ln entries", nullptr, total)
                       : tr("%1 of %Ln entries", nullptr, total).arg(locale.toString(shown));
    if (!m_model->isCapturing())
        text += QLatin1String(" · ") + tr("paused");
    m_countLabel->setText(text);
}

void TrafficPage::onCurrentChanged(const QModelIndex& current)
{
    const int row = modelRow(current);
    if (row < 0) {
        m_details->clearEvent();
        return;
    }
    m_details->setEvent(m_model->eventAt(row));
}

void TrafficPage::onSourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight)
{
    // The exchange on display finished (or changed): show its final state.
    if (!m_details->hasEvent())
        return;
    const int current = modelRow(m_view->currentIndex());
    if (current < topLeft.row() || current > bottomRight.row())
        return;
    const LogEvent& event = m_model->eventAt(current);
    if (event.id == m_details->eventId())
        m_details->setEvent(event);
}

QList<LogEvent> TrafficPage::events(ExportScope scope) const
{
    QList<LogEvent> out;
    if (scope == ExportScope::Visible) {
        const int rows = m_sort->rowCount();
        out.reserve(rows);
        for (int row = 0; row < rows; ++row)
            out.append(m_model->eventAt(modelRow(m_sort->index(row, 0))));
        return out;
    }
    QModelIndexList selected = m_view->selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    out.reserve(selected.size());
    for (const QModelIndex& index : std::as_const(selected))
        out.append(m_model->eventAt(modelRow(index)));
    return out;
}

QString TrafficPage::exportHar(const QString& path, ExportScope scope) const
{
    const HarWriter writer(m_maskAction->isChecked());
    return writer.writeFile(path, events(scope));
}

QString TrafficPage::importHar(const QString& path)
{
    const HarImport imported = HarReader::readFile(path);
    if (!imported.ok())
        return imported.error;
    setCapturing(false);
    m_model->addImported(imported.events);
    QString message =
        tr("Imported %Ln entries from %1; capture paused", nullptr, int(imported.events.size()))
            .arg(QFileInfo(path).fileName());
    if (!imported.warnings.isEmpty())
        message += QLatin1String(" · ") +
                   tr("%Ln entries skipped", nullptr, int(imported.warnings.size()));
    m_messageLabel->setText(message);
    m_messageLabel->setToolTip(imported.warnings.join(QLatin1Char('\n')));
    return {};
}

void TrafficPage::exportWithDialog(ExportScope scope)
{
    const qsizetype count = scope == ExportScope::Visible
                                ? m_sort->rowCount()
                                : m_view->selectionModel()->selectedRows().size();
    if (count == 0) {
        QMessageBox::information(this, tr("Export HAR"),
                                 scope == ExportScope::Visible
                                     ? tr("There are no entries in view to export.")
                                     : tr("Select the entries to export first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export HAR"), QDir::home().filePath(QStringLiteral("switchyard.har")),
        tr("HAR files (*.har);;All files (*)"));
    if (path.isEmpty())
        return;
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = exportHar(path, scope);
    QGuiApplication::restoreOverrideCursor();
    if (!error.isEmpty()) {
        QMessageBox::warning(this, tr("Export HAR"), error);
        return;
    }
    m_messageLabel->setText(
        tr("Exported %Ln entries to %1", nullptr, int(count)).arg(QFileInfo(path).fileName()));
}

void TrafficPage::importWithDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import HAR"), QDir::homePath(),
                                                      tr("HAR files (*.har);;All files (*)"));
    if (path.isEmpty())
        return;
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = importHar(path);
    QGuiApplication::restoreOverrideCursor();
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Import HAR"), error);
}

TrafficContextMenu* TrafficPage::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return nullptr;
    if (!m_view->selectionModel()->isRowSelected(index.row(), {}))
        m_view->setCurrentIndex(index);
    const LogEvent& event = m_model->eventAt(modelRow(index));
    auto* menu = new TrafficContextMenu(event, m_exits, this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    connect(menu, &TrafficContextMenu::routeRequested, this, &TrafficPage::routeRequested);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
    return menu;
}

void TrafficPage::openDetails()
{
    const QList<int> sizes = m_splitter->sizes();
    if (sizes.value(1) == 0) {
        const int total = sizes.value(0) + sizes.value(1);
        m_splitter->setSizes({total * 3 / 5, total - total * 3 / 5});
    }
    m_details->tabs()->setFocus(Qt::OtherFocusReason);
}

QByteArray TrafficPage::saveState() const
{
    QByteArray state;
    QDataStream stream(&state, QIODevice::WriteOnly);
    stream << stateMagic << stateVersion << m_splitter->saveState() << m_view->saveColumnState();
    return state;
}

bool TrafficPage::restoreState(const QByteArray& state)
{
    QDataStream stream(state);
    quint32 magic = 0;
    quint32 version = 0;
    QByteArray splitter;
    QByteArray columns;
    stream >> magic >> version >> splitter >> columns;
    if (stream.status() != QDataStream::Ok || magic != stateMagic || version != stateVersion)
        return false;
    return m_splitter->restoreState(splitter) && m_view->restoreColumnState(columns);
}

void TrafficPage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyStyle();
}

void TrafficPage::applyStyle()
{
    m_model->setStyle(TrafficStyle::fromPalette(m_view->palette()));
}

} // namespace Switchyard
