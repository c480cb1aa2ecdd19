#include "RulesPage.h"

#include "RuleEditDialog.h"
#include "RuleEngine.h"
#include "RuleImportDialog.h"
#include "RuleTableModel.h"
#include "SettingsController.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace Switchyard {

namespace {
/// Bigger than any real rule list (gfwlist is about 150 kB base64-wrapped):
/// a file beyond it is almost certainly the wrong file.
constexpr qint64 kMaxImportBytes = 32 * 1024 * 1024;
} // namespace

RulesPage::RulesPage(SettingsController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_model(new RuleTableModel(controller, this)),
      m_view(new QTableView(this)), m_add(new QPushButton(tr("&Add…"), this)),
      m_edit(new QPushButton(tr("&Edit…"), this)),
      m_duplicate(new QPushButton(tr("D&uplicate"), this)),
      m_delete(new QPushButton(tr("&Delete"), this)),
      m_enable(new QPushButton(tr("E&nable"), this)),
      m_disable(new QPushButton(tr("Di&sable"), this)),
      m_moveUp(new QPushButton(tr("Move &up"), this)),
      m_moveDown(new QPushButton(tr("Move do&wn"), this)),
      m_import(new QPushButton(tr("&Import list…"), this)), m_explainEdit(new QLineEdit(this)),
      m_explain(new QPushButton(tr("E&xplain"), this)), m_explainResult(new QLabel(this)),
      m_defaultAction(new QLabel(this)), m_message(new QLabel(this))
{
    m_model->setProblemIcons(style()->standardIcon(QStyle::SP_MessageBoxWarning),
                             style()->standardIcon(QStyle::SP_MessageBoxCritical));

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    // The model moves the rules itself on a drop; overwrite mode would have the
    // view clear the source cells afterwards.
    m_view->setDragDropOverwriteMode(false);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(RuleTableModel::EnabledColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->setColumnWidth(RuleTableModel::MatcherColumn, 120);
    m_view->setColumnWidth(RuleTableModel::PatternColumn, 260);
    m_view->setColumnWidth(RuleTableModel::ActionColumn, 180);

    m_add->setToolTip(tr("Add a rule after the selected ones (or at the end)"));
    m_moveUp->setToolTip(tr("Earlier rules win: move the selected rules up"));
    m_moveDown->setToolTip(tr("Move the selected rules down"));
    m_import->setToolTip(tr("Append the rules of an AutoProxy/gfwlist or plain host list"));
    m_explainEdit->setPlaceholderText(tr("URL or host:port, e.g. https://example.com/"));
    m_explainEdit->setClearButtonEnabled(true);
    m_explainResult->setWordWrap(true);
    m_explainResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* button :
         {m_add, m_edit, m_duplicate, m_delete, m_enable, m_disable, m_moveUp, m_moveDown})
        buttons->addWidget(button);
    buttons->addStretch(1);
    buttons->addWidget(m_import);

    auto* explainRow = new QHBoxLayout;
    explainRow->addWidget(new QLabel(tr("Where does this go?"), this));
    explainRow->addWidget(m_explainEdit, 1);
    explainRow->addWidget(m_explain);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_defaultAction);
    layout->addWidget(m_message);
    layout->addLayout(explainRow);
    layout->addWidget(m_explainResult);

    connect(m_add, &QPushButton::clicked, this, &RulesPage::addRule);
    connect(m_edit, &QPushButton::clicked, this, &RulesPage::editSelected);
    connect(m_duplicate, &QPushButton::clicked, this, &RulesPage::duplicateSelected);
    connect(m_delete, &QPushButton::clicked, this, &RulesPage::deleteSelected);
    connect(m_enable, &QPushButton::clicked, this, &RulesPage::enableSelected);
    connect(m_disable, &QPushButton::clicked, this, &RulesPage::disableSelected);
    connect(m_moveUp, &QPushButton::clicked, this, &RulesPage::moveSelectedUp);
    connect(m_moveDown, &QPushButton::clicked, this, &RulesPage::moveSelectedDown);
    connect(m_import, &QPushButton::clicked, this, &RulesPage::importList);
    connect(m_explain, &QPushButton::clicked, this, &RulesPage::explain);
    connect(m_explainEdit, &QLineEdit::returnPressed, this, &RulesPage::explain);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        // The check box and the comment are edited in place.
        if (index.column() != RuleTableModel::EnabledColumn &&
            index.column() != RuleTableModel::CommentColumn)
            editSelected();
    });
    m_view->installEventFilter(this);

    connect(m_model, &RuleTableModel::editRefused, this,
            [this](const QString& error) { showMessage(tr("Not changed: %1").arg(error), true); });
    connect(m_model, &RuleTableModel::rulesDropped, this, &RulesPage::selectRows);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RulesPage::updateButtons);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RulesPage::updateButtons);
    connect(m_controller, &SettingsController::defaultActionChanged, this,
            &RulesPage::updateDefaultAction);
    connect(m_controller, &SettingsController::profilesChanged, this,
            &RulesPage::updateDefaultAction);

    updateButtons();
    updateDefaultAction();
}

bool RulesPage::eventFilter(QObject* watched, QEvent* event)
{
    // Delete in the table deletes the selected rules. (A comment being edited
    // has its own editor, which takes the key first.)
    if (watched == m_view && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Delete)) {
        deleteSelected();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

QList<int> RulesPage::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void RulesPage::selectRows(const QList<int>& rows)
{
    QItemSelection selection;
    for (int row : rows) {
        if (row >= 0 && row < m_model->rowCount())
            selection.select(m_model->index(row, 0),
                             m_model->index(row, RuleTableModel::ColumnCount - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.isEmpty() && rows.constFirst() < m_model->rowCount()) {
        const QModelIndex first = m_model->index(rows.constFirst(), RuleTableModel::PatternColumn);
        m_view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        m_view->scrollTo(first);
    }
}

void RulesPage::updateButtons()
{
    const QList<int> rows = selectedRows();
    const bool any = !rows.isEmpty();
    m_edit->setEnabled(rows.size() == 1);
    m_duplicate->setEnabled(any);
    m_delete->setEnabled(any);
    bool anyEnabled = false;
    bool anyDisabled = false;
    for (int row : rows)
        (m_model->rules().at(row).enabled ? anyEnabled : anyDisabled) = true;
    m_enable->setEnabled(anyDisabled);
    m_disable->setEnabled(anyEnabled);
    m_moveUp->setEnabled(any && rows.constFirst() > 0);
    m_moveDown->setEnabled(any && rows.constLast() < m_model->rowCount() - 1);
}

void RulesPage::updateDefaultAction()
{
    m_defaultAction->setText(tr("Traffic no rule matches: %1")
                                 .arg(m_controller->routeName(m_controller->defaultAction())));
}

void RulesPage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_message->setVisible(!text.isEmpty());
}

bool RulesPage::runRuleDialog(RuleEditDialog* dialog)
{
    return dialog->exec() == QDialog::Accepted;
}

QString RulesPage::chooseImportFile()
{
    return QFileDialog::getOpenFileName(this, tr("Import a rule list"), QString(),
                                        tr("Rule lists (*.txt *.list *.conf);;All files (*)"));
}

bool RulesPage::runImportDialog(RuleImportDialog* dialog)
{
    return dialog->exec() == QDialog::Accepted;
}

void RulesPage::addRule()
{
    const QList<int> rows = selectedRows();
    const int insertAt = rows.isEmpty() ? m_model->rowCount() : rows.constLast() + 1;
    RuleEditDialog dialog(m_controller, this);
    dialog.setWindowTitle(tr("Add a rule"));
    Rule rule;
    // Most rules send a site somewhere else than the default.
    rule.action = m_controller->defaultAction().kind == RouteAction::Kind::Direct
                      ? RouteAction::block()
                      : RouteAction::direct();
    dialog.setRule(rule);
    dialog.setSaveFunction([this, insertAt](const Rule& added, QString* error) {
        return m_model->insertRule(insertAt, added, error);
    });
    if (!runRuleDialog(&dialog))
        return;
    showMessage({}, false);
    selectRows({insertAt});
}

void RulesPage::editSelected()
{
    const QList<int> rows = selectedRows();
    if (rows.size() != 1)
        return;
    const int row = rows.constFirst();
    RuleEditDialog dialog(m_controller, this);
    dialog.setWindowTitle(tr("Edit rule #%1").arg(row + 1));
    dialog.setRule(m_model->rules().at(row));
    dialog.setSaveFunction([this, row](const Rule& edited, QString* error) {
        return m_model->replaceRule(row, edited, error);
    });
    if (!runRuleDialog(&dialog))
        return;
    showMessage({}, false);
    selectRows({row});
}

void RulesPage::duplicateSelected()
{
    QList<int> copies;
    QString error;
    if (!m_model->duplicateRules(selectedRows(), &copies, &error)) {
        if (!error.isEmpty())
            showMessage(tr("Not duplicated: %1").arg(error), true);
        return;
    }
    showMessage({}, false);
    selectRows(copies);
}

void RulesPage::deleteSelected()
{
    const QList<int> rows = selectedRows();
    QString error;
    if (!m_model->removeRules(rows, &error)) {
        if (!error.isEmpty())
            showMessage(tr("Not deleted: %1").arg(error), true);
        return;
    }
    showMessage(tr("Deleted %Ln rule(s).", nullptr, int(rows.size())), false);
    // Keep the user's place: select what now sits where the first one was.
    if (m_model->rowCount() > 0)
        selectRows({std::min(rows.constFirst(), m_model->rowCount() - 1)});
    updateButtons();
}

void RulesPage::setSelectedEnabled(bool enabled)
{
    const QList<int> rows = selectedRows();
    QString error;
    if (!m_model->setRulesEnabled(rows, enabled, &error)) {
        if (!error.isEmpty())
            showMessage(tr("Not changed: %1").arg(error), true);
        return;
    }
    showMessage({}, false);
    selectRows(rows);
    updateButtons();
}

void RulesPage::moveSelected(int step)
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    // As a block: one place up (before the rule above the first) or down
    // (after the rule below the last).
    const int destination = step < 0 ? rows.constFirst() - 1 : rows.constLast() + 2;
    if (destination < 0 || destination > m_model->rowCount())
        return;
    QList<int> moved;
    QString error;
    if (!m_model->moveRules(rows, destination, &moved, &error)) {
        if (!error.isEmpty())
            showMessage(tr("Not moved: %1").arg(error), true);
        return;
    }
    showMessage({}, false);
    selectRows(moved);
}

void RulesPage::importList()
{
    const QString path = chooseImportFile();
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showMessage(tr("Cannot read %1: %2").arg(path, file.errorString()), true);
        return;
    }
    if (file.size() > kMaxImportBytes) {
        showMessage(tr("%1 is too big for a rule list (%2 bytes).").arg(path).arg(file.size()),
                    true);
        return;
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        showMessage(tr("Cannot read %1: %2").arg(path, file.errorString()), true);
        return;
    }
    const QString source = QFileInfo(path).fileName();
    RuleImportDialog dialog(data, source, m_controller, this);
    if (!runImportDialog(&dialog))
        return;
    const QList<Rule> imported = dialog.rules();
    const int firstNew = m_model->rowCount();
    QString error;
    if (!m_model->appendRules(imported, &error)) {
        showMessage(tr("Nothing imported: %1").arg(error), true);
        return;
    }
    showMessage(
        tr("Imported %Ln rule(s) from %1; %2 line(s) skipped.", nullptr, int(imported.size()))
            .arg(source)
            .arg(dialog.result().issues.size()),
        false);
    QList<int> rows;
    for (int row = firstNew; row < m_model->rowCount(); ++row)
        rows.append(row);
    selectRows(rows);
}

void RulesPage::explain()
{
    const QString text = m_explainEdit->text().trimmed();
    if (text.isEmpty()) {
        m_explainResult->setText(tr("Type a URL or host:port to see which rule decides it."));
        return;
    }
    // The same rules and exits the engine runs with.
    const auto engine = RuleEngine::build(m_controller->routing(), m_controller->profiles());
    const RouteExplanation explanation = engine->explain(text);
    if (!explanation.error.isEmpty()) {
        m_explainResult->setText(tr("Cannot explain “%1”: %2").arg(text, explanation.error));
        m_view->clearSelection();
        return;
    }
    const RouteDecision& decision = explanation.decision;
    QString where = m_controller->routeName(decision.action);
    if (!decision.error.isEmpty())
        where = tr("%1 (%2)").arg(where, decision.error);
    const QString subject = explanation.query.subject();
    if (decision.isDefault()) {
        m_explainResult->setText(
            tr("No rule matches %1: the default action applies, %2.").arg(subject, where));
        m_view->clearSelection();
        return;
    }
    m_explainResult->setText(tr("Rule #%1 decides %2: %3.\n%4")
                                 .arg(decision.ruleIndex + 1)
                                 .arg(subject, where, decision.ruleText));
    selectRows({decision.ruleIndex});
}

} // namespace Switchyard
