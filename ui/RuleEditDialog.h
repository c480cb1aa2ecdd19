#pragma once

#include "Rule.h"

#include <QDialog>
#include <functional>

class QAction;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Switchyard {

class RouteActionCombo;
class SettingsController;

/// Adds or edits one rule: matcher and action picked from lists, the pattern
/// checked as it is typed (CompiledRule::checkPattern). An invalid pattern is
/// marked in the field (icon and tooltip) and explained under it, and OK stays
/// disabled until it is fixed.
///
/// OK hands the rule to the save function; when that refuses (the controller
/// did, or the file could not be written) the reason is shown here and the
/// dialog stays open, so nothing typed is lost.
class RuleEditDialog : public QDialog
{
    Q_OBJECT
public:
    /// Returns false with *error when the rule could not be saved.
    using SaveFunction = std::function<bool(const Rule& rule, QString* error)>;

    RuleEditDialog(SettingsController* controller, QWidget* parent = nullptr);

    void setRule(const Rule& rule);
    Rule rule() const;
    void setSaveFunction(SaveFunction save) { m_save = std::move(save); }

    /// Why the pattern as typed cannot be used; empty when it can.
    QString patternError() const { return m_patternError; }
    /// What is shown under the pattern (the pattern's or the save's problem).
    QString message() const;

    QCheckBox* enabledBox() const { return m_enabled; }
    QComboBox* matcherBox() const { return m_matcher; }
    QLineEdit* patternEdit() const { return m_pattern; }
    RouteActionCombo* actionBox() const { return m_action; }
    QLineEdit* commentEdit() const { return m_comment; }
    QPushButton* okButton() const;

    void accept() override;

private:
    void setMatcher(Rule::Matcher matcher);
    Rule::Matcher matcher() const;
    void checkPattern();

    QCheckBox* m_enabled;
    QComboBox* m_matcher;
    QLabel* m_matcherHint;
    QLineEdit* m_pattern;
    QAction* m_patternMark;
    QLabel* m_message;
    RouteActionCombo* m_action;
    QLineEdit* m_comment;
    QDialogButtonBox* m_buttons;
    QString m_patternError;
    SaveFunction m_save;
};

} // namespace Switchyard
