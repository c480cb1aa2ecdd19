#include "RuleTableModel.h"

#include "RuleEngine.h"
#include "RuleMatcherNames.h"
#include "SettingsController.h"

#include <QDataStream>
#include <QFont>
#include <QIODevice>
#include <QMimeData>
#include <algorithm>

namespace Switchyard {

RuleTableModel::RuleTableModel(SettingsController* controller, QObject* parent)
    : QAbstractTableModel(parent), m_controller(controller)
{
    m_rules = m_controller->routing().rules;
    refreshProblems();
    connect(m_controller, &SettingsController::rulesChanged, this, &RuleTableModel::reload);
    // A new, renamed or deleted exit changes the action column and the problems.
    connect(m_controller, &SettingsController::profilesChanged, this, &RuleTableModel::reload);
    connect(m_controller, &SettingsController::exitStateChanged, this, &RuleTableModel::reload);
}

QString RuleTableModel::mimeType()
{
    return QStringLiteral("application/x-switchyard-rule-rows");
}

void RuleTableModel::setProblemIcons(const QIcon& invalidPattern, const QIcon& missingExit)
{
    m_invalidIcon = invalidPattern;
    m_missingIcon = missingExit;
    if (!m_rules.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1),
                           {Qt::DecorationRole});
}

void RuleTableModel::reload()
{
    const QList<Rule>& current = m_controller->routing().rules;
    if (current.size() != m_rules.size()) {
        beginResetModel();
        m_rules = current;
        refreshProblems();
        endResetModel();
        return;
    }
    // Same number of rules: the rows stay, their contents may not (an edit, an
    // enable, a reorder, a renamed exit); a view keeps its selection.
    m_rules = current;
    refreshProblems();
    if (!m_rules.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void RuleTableModel::refreshProblems()
{
    m_problems.clear();
    m_reasons.clear();
    // The same compilation the engine does: what it would reject or block is
    // what the table marks.
    RuleList list = m_controller->routing();
    list.rules = m_rules;
    const auto engine = RuleEngine::build(list, m_controller->profiles());
    for (const RuleProblem& problem : engine->problems()) {
        if (problem.index < 0 || problem.index >= m_rules.size())
            continue;
        const Problem kind = problem.kind == RuleProblem::Kind::Invalid ? Problem::InvalidPattern
                                                                        : Problem::MissingExit;
        // An invalid pattern is the worse problem: the rule never matches at all.
        if (m_problems.value(problem.index, Problem::None) == Problem::InvalidPattern)
            continue;
        m_problems.insert(problem.index, kind);
        m_reasons.insert(problem.index, problem.reason);
    }
}

int RuleTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int RuleTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

RuleTableModel::Problem RuleTableModel::problem(int row) const
{
    return m_problems.value(row, Problem::None);
}

QString RuleTableModel::problemReason(int row) const
{
    return m_reasons.value(row);
}

QString RuleTableModel::actionText(const RouteAction& action) const
{
    switch (action.kind) {
    case RouteAction::Kind::Direct:
        return tr("Direct");
    case RouteAction::Kind::Block:
        return tr("Block");
    case RouteAction::Kind::Profile:
        break;
    }
    const UpstreamProfile* profile = m_controller->profile(action.profileId);
    if (!profile)
        return tr("blocked: exit missing");
    if (m_controller->isFailing(profile->id))
        return tr("Through %1 (failing)").arg(profile->name);
    return tr("Through %1").arg(profile->name);
}

QVariant RuleTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const Rule& rule = m_rules.at(row);
    const Problem kind = problem(row);

    switch (role) {
    case ProblemRole:
        return static_cast<int>(kind);
    case ProblemReasonRole:
        return problemReason(row);
    case Qt::FontRole:
        if (!rule.enabled) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    default:
        break;
    }

    switch (index.column()) {
    case EnabledColumn:
        if (role == Qt::CheckStateRole)
            return rule.enabled ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return rule.enabled ? tr("Enabled: this rule takes part in matching")
                                : tr("Disabled: this rule is skipped");
        if (role == Qt::AccessibleTextRole)
            return rule.enabled ? tr("Enabled") : tr("Disabled");
        return {};
    case MatcherColumn:
        if (role == Qt::DisplayRole)
            return RuleMatcherNames::label(rule.matcher);
        if (role == Qt::ToolTipRole)
            return RuleMatcherNames::description(rule.matcher);
        return {};
    case PatternColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return rule.pattern;
        if (kind == Problem::InvalidPattern) {
            if (role == Qt::DecorationRole && !m_invalidIcon.isNull())
                return m_invalidIcon;
            if (role == Qt::ToolTipRole)
                return tr("Invalid pattern, this rule never matches: %1").arg(problemReason(row));
        }
        return {};
    case ActionColumn:
        if (role == Qt::DisplayRole)
            return actionText(rule.action);
        if (kind == Problem::MissingExit) {
            if (role == Qt::DecorationRole && !m_missingIcon.isNull())
                return m_missingIcon;
            if (role == Qt::ToolTipRole)
                return tr("The exit this rule routes through is gone, so its traffic is "
                          "blocked: %1")
                    .arg(problemReason(row));
        }
        return {};
    case CommentColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return rule.comment;
        return {};
    default:
        return {};
    }
}

QVariant RuleTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1; // rule numbers are 1-based, as in logs and --explain
    switch (section) {
    case EnabledColumn:
        return tr("On");
    case MatcherColumn:
        return tr("Matcher");
    case PatternColumn:
        return tr("Pattern");
    case ActionColumn:
        return tr("Action");
    case CommentColumn:
        return tr("Comment");
    default:
        return {};
    }
}

Qt::ItemFlags RuleTableModel::flags(const QModelIndex& index) const
{
    // Drops land between rows (on the root), never on a rule.
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    Qt::ItemFlags result = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
    if (index.column() == EnabledColumn)
        result |= Qt::ItemIsUserCheckable;
    if (index.column() == CommentColumn)
        result |= Qt::ItemIsEditable;
    return result;
}

bool RuleTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        !value.isValid())
        return false;
    Rule rule = m_rules.at(index.row());
    if (index.column() == EnabledColumn && role == Qt::CheckStateRole) {
        rule.enabled = value.value<Qt::CheckState>() == Qt::Checked;
    } else if (index.column() == CommentColumn && role == Qt::EditRole) {
        rule.comment = value.toString().trimmed();
    } else {
        return false;
    }
    if (rule == m_rules.at(index.row()))
        return true;
    QString error;
    if (!replaceRule(index.row(), rule, &error)) {
        Q_EMIT editRefused(error);
        return false;
    }
    return true;
}

Qt::DropActions RuleTableModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

Qt::DropActions RuleTableModel::supportedDragActions() const
{
    return Qt::MoveAction;
}

QStringList RuleTableModel::mimeTypes() const
{
    return {mimeType()};
}

QMimeData* RuleTableModel::mimeData(const QModelIndexList& indexes) const
{
    QList<int> rows;
    for (const QModelIndex& index : indexes) {
        if (index.isValid() && index.model() == this && !rows.contains(index.row()))
            rows.append(index.row());
    }
    std::sort(rows.begin(), rows.end());
    QByteArray payload;
    QDataStream stream(&payload, QIODevice::WriteOnly);
    // Which model the rows belong to: a drop into another model (another window,
    // another process) must not move this one's rules.
    stream << quint64(reinterpret_cast<quintptr>(this)) << rows;
    auto* mime = new QMimeData;
    mime->setData(mimeType(), payload);
    return mime;
}

namespace {

bool decodeRows(const QMimeData* data, const void* model, QList<int>* rows)
{
    if (!data || !data->hasFormat(RuleTableModel::mimeType()))
        return false;
    QDataStream stream(data->data(RuleTableModel::mimeType()));
    quint64 source = 0;
    stream >> source >> *rows;
    return stream.status() == QDataStream::Ok &&
           source == quint64(reinterpret_cast<quintptr>(model));
}

} // namespace

bool RuleTableModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                     const QModelIndex&) const
{
    QList<int> rows;
    return action == Qt::MoveAction && decodeRows(data, this, &rows) && !validRows(rows).isEmpty();
}

bool RuleTableModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int,
                                  const QModelIndex& parent)
{
    QList<int> rows;
    if (action != Qt::MoveAction || !decodeRows(data, this, &rows))
        return false;
    // row -1: dropped on a rule (before it) or below the last one (the end).
    int destination = row;
    if (destination < 0)
        destination = parent.isValid() ? parent.row() : rowCount();
    QList<int> moved;
    QString error;
    if (!moveRules(rows, destination, &moved, &error)) {
        if (!error.isEmpty())
            Q_EMIT editRefused(error);
        return false;
    }
    Q_EMIT rulesDropped(moved);
    return true;
}

QList<int> RuleTableModel::validRows(const QList<int>& rows) const
{
    QList<int> result;
    for (int row : rows) {
        if (row >= 0 && row < m_rules.size() && !result.contains(row))
            result.append(row);
    }
    std::sort(result.begin(), result.end());
    return result;
}

bool RuleTableModel::commit(const QList<Rule>& rules, QString* error)
{
    QString reason;
    const bool ok = m_controller->setRules(rules, &reason);
    if (error)
        *error = reason;
    return ok;
}

bool RuleTableModel::appendRules(const QList<Rule>& rules, QString* error)
{
    return commit(m_rules + rules, error);
}

bool RuleTableModel::insertRule(int row, const Rule& rule, QString* error)
{
    QList<Rule> rules = m_rules;
    rules.insert(std::clamp(row, 0, int(rules.size())), rule);
    return commit(rules, error);
}

bool RuleTableModel::replaceRule(int row, const Rule& rule, QString* error)
{
    if (row < 0 || row >= m_rules.size()) {
        if (error)
            *error = tr("There is no rule #%1.").arg(row + 1);
        return false;
    }
    QList<Rule> rules = m_rules;
    rules[row] = rule;
    return commit(rules, error);
}

bool RuleTableModel::duplicateRules(const QList<int>& rows, QList<int>* newRows, QString* error)
{
    const QList<int> sorted = validRows(rows);
    if (sorted.isEmpty())
        return false;
    QList<Rule> rules = m_rules;
    const int insertAt = sorted.last() + 1;
    QList<int> placed;
    for (int i = 0; i < sorted.size(); ++i) {
        rules.insert(insertAt + i, m_rules.at(sorted.at(i)));
        placed.append(insertAt + i);
    }
    if (!commit(rules, error))
        return false;
    if (newRows)
        *newRows = placed;
    return true;
}

bool RuleTableModel::removeRules(const QList<int>& rows, QString* error)
{
    const QList<int> sorted = validRows(rows);
    if (sorted.isEmpty())
        return false;
    QList<Rule> rules = m_rules;
    for (auto it = sorted.crbegin(); it != sorted.crend(); ++it)
        rules.removeAt(*it);
    return commit(rules, error);
}

bool RuleTableModel::setRulesEnabled(const QList<int>& rows, bool enabled, QString* error)
{
    const QList<int> sorted = validRows(rows);
    if (sorted.isEmpty())
        return false;
    QList<Rule> rules = m_rules;
    for (int row : sorted)
        rules[row].enabled = enabled;
    if (rules == m_rules)
        return true;
    return commit(rules, error);
}

bool RuleTableModel::moveRules(const QList<int>& rows, int destination, QList<int>* newRows,
                               QString* error)
{
    const QList<int> sorted = validRows(rows);
    if (sorted.isEmpty())
        return false;
    destination = std::clamp(destination, 0, int(m_rules.size()));
    QList<Rule> moving;
    QList<Rule> rest;
    int before = 0; // moved rules that sat above the destination
    for (int i = 0; i < m_rules.size(); ++i) {
        if (sorted.contains(i)) {
            moving.append(m_rules.at(i));
            if (i < destination)
                ++before;
        } else {
            rest.append(m_rules.at(i));
        }
    }
    const int insertAt = destination - before;
    QList<Rule> rules = rest;
    QList<int> placed;
    for (int i = 0; i < moving.size(); ++i) {
        rules.insert(insertAt + i, moving.at(i));
        placed.append(insertAt + i);
    }
    if (rules != m_rules && !commit(rules, error))
        return false;
    if (newRows)
        *newRows = placed;
    return true;
}

} // namespace Switchyard
