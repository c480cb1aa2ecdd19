#pragma once

#include "Rule.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QList>

namespace Switchyard {

class SettingsController;

/// The rule list of the settings, as a table in rule order: enabled (a check
/// box), matcher, pattern, action, comment.
///
/// The controller owns the rules; this model shows them and turns every edit
/// (check box, drag and drop, and the editing calls below) into one
/// SettingsController::setRules call, so that each change is saved and reaches
/// the engine at once, or is refused with the reason and changes nothing. It
/// follows rulesChanged/profilesChanged, whoever made the change.
///
/// Rules that can never match (invalid pattern) and rules whose exit is gone
/// (their traffic is blocked) are marked with an icon, a tooltip naming the
/// reason and problemRole().
class RuleTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        EnabledColumn,
        MatcherColumn,
        PatternColumn,
        ActionColumn,
        CommentColumn,
        ColumnCount
    };
    enum class Problem { None, InvalidPattern, MissingExit };
    enum Role {
        ProblemRole = Qt::UserRole + 1, ///< int(Problem) of the row, on every column
        ProblemReasonRole,              ///< why, or an empty string
    };

    explicit RuleTableModel(SettingsController* controller, QObject* parent = nullptr);

    /// Icons for the two kinds of problem (the model draws nothing itself).
    void setProblemIcons(const QIcon& invalidPattern, const QIcon& missingExit);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // Reordering by drag and drop, within this model only.
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    /// Moves the dragged rules before row (or to the end). The rows are moved
    /// here, not copied: a view must not remove the source rows afterwards
    /// (removeRows is not supported, so it cannot).
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    const QList<Rule>& rules() const { return m_rules; }
    Problem problem(int row) const;
    QString problemReason(int row) const;
    /// What the action column says for action ("Direct", "Through Work", ...).
    QString actionText(const RouteAction& action) const;

    // Edits. Each is one setRules call; false with *error when the controller
    // refused it (nothing changed then). rows are 0-based; order does not matter.
    bool appendRules(const QList<Rule>& rules, QString* error = nullptr);
    bool insertRule(int row, const Rule& rule, QString* error = nullptr);
    bool replaceRule(int row, const Rule& rule, QString* error = nullptr);
    /// Copies of the rules, each placed right after the last of rows; *newRows
    /// gets where the copies are.
    bool duplicateRules(const QList<int>& rows, QList<int>* newRows = nullptr,
                        QString* error = nullptr);
    bool removeRules(const QList<int>& rows, QString* error = nullptr);
    bool setRulesEnabled(const QList<int>& rows, bool enabled, QString* error = nullptr);
    /// Moves the rules, in their order, so that they sit before the rule that
    /// is at destination now (rowCount(): at the end). *newRows gets where they
    /// are afterwards.
    bool moveRules(const QList<int>& rows, int destination, QList<int>* newRows = nullptr,
                   QString* error = nullptr);

    static QString mimeType();

Q_SIGNALS:
    /// Rules moved by a drop are now at rows (so a view can select them again).
    void rulesDropped(const QList<int>& rows);
    /// An edit made through the model's own interface (check box, drop) was
    /// refused by the controller.
    void editRefused(const QString& error);

private:
    void reload();
    void refreshProblems();
    bool commit(const QList<Rule>& rules, QString* error);
    QList<int> validRows(const QList<int>& rows) const;

    SettingsController* m_controller;
    QList<Rule> m_rules;
    QHash<int, Problem> m_problems;
    QHash<int, QString> m_reasons;
    QIcon m_invalidIcon;
    QIcon m_missingIcon;
};

} // namespace Switchyard
