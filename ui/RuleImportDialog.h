#pragma once

#include "RuleListImporter.h"

#include <QByteArray>
#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Switchyard {

class RouteActionCombo;
class SettingsController;

/// The report of a rule list import (AutoProxy/gfwlist, plain or hosts-file
/// lists, see RuleListImporter): how many rules the list gives, which lines
/// were skipped and why, and the action the new rules take. Accepting it means
/// "append these rules"; the caller does the appending.
class RuleImportDialog : public QDialog
{
    Q_OBJECT
public:
    /// source names the list in the report and in each rule's comment.
    RuleImportDialog(const QByteArray& data, const QString& source, SettingsController* controller,
                     QWidget* parent = nullptr);

    /// The import as it stands (format and action as chosen).
    const RuleListImporter::Result& result() const { return m_result; }
    /// The rules to append.
    QList<Rule> rules() const { return m_result.rules; }
    /// The summary and the skipped lines, as shown.
    QString reportText() const;

    QComboBox* formatBox() const { return m_format; }
    RouteActionCombo* actionBox() const { return m_action; }
    QPushButton* okButton() const;

private:
    void runImport();

    QByteArray m_data;
    QString m_source;
    QComboBox* m_format;
    RouteActionCombo* m_action;
    QLabel* m_summary;
    QPlainTextEdit* m_issues;
    QDialogButtonBox* m_buttons;
    RuleListImporter::Result m_result;
};

} // namespace Switchyard
