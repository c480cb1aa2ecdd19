#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace Switchyard {

class RuleEditDialog;
class RuleImportDialog;
class RuleTableModel;
class SettingsController;

/// The rules editor: the rule table (first enabled rule that matches wins),
/// buttons to add, edit, duplicate, delete, enable, disable and move rules,
/// drag and drop to reorder, import of AutoProxy/gfwlist and plain lists, and
/// an "explain" box that shows which rule decides a URL and selects it.
///
/// Every change goes through SettingsController::setRules (via RuleTableModel),
/// so it is saved and applies to the running engine at once; what the
/// controller refuses is shown with its reason.
///
/// Dialogs are opened through the virtual functions below, so that tests can
/// drive the real dialogs without a modal loop.
class RulesPage : public QWidget
{
    Q_OBJECT
public:
    explicit RulesPage(SettingsController* controller, QWidget* parent = nullptr);

    RuleTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QLineEdit* explainEdit() const { return m_explainEdit; }
    /// The explanation of the last "Explain", or why it could not be given.
    QLabel* explainResult() const { return m_explainResult; }
    /// Errors and confirmations of the last action.
    QLabel* messageLabel() const { return m_message; }
    QLabel* defaultActionLabel() const { return m_defaultAction; }

    QPushButton* addButton() const { return m_add; }
    QPushButton* editButton() const { return m_edit; }
    QPushButton* duplicateButton() const { return m_duplicate; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* enableButton() const { return m_enable; }
    QPushButton* disableButton() const { return m_disable; }
    QPushButton* moveUpButton() const { return m_moveUp; }
    QPushButton* moveDownButton() const { return m_moveDown; }
    QPushButton* importButton() const { return m_import; }
    QPushButton* explainButton() const { return m_explain; }

    /// Selected rule rows, ascending.
    QList<int> selectedRows() const;
    void selectRows(const QList<int>& rows);

public Q_SLOTS:
    void addRule();
    void editSelected();
    void duplicateSelected();
    void deleteSelected();
    void enableSelected() { setSelectedEnabled(true); }
    void disableSelected() { setSelectedEnabled(false); }
    void moveSelectedUp() { moveSelected(-1); }
    void moveSelectedDown() { moveSelected(+1); }
    void importList();
    /// Explains the text in the explain box and selects the deciding rule.
    void explain();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    /// Shows the rule dialog; true when it was accepted (and so saved).
    virtual bool runRuleDialog(RuleEditDialog* dialog);
    /// The list file to import, or an empty string.
    virtual QString chooseImportFile();
    /// Shows the import report; true when the user chose to append the rules.
    virtual bool runImportDialog(RuleImportDialog* dialog);

private:
    void setSelectedEnabled(bool enabled);
    void moveSelected(int step);
    void showMessage(const QString& text, bool error);
    void updateButtons();
    void updateDefaultAction();

    SettingsController* m_controller;
    RuleTableModel* m_model;
    QTableView* m_view;
    QPushButton* m_add;
    QPushButton* m_edit;
    QPushButton* m_duplicate;
    QPushButton* m_delete;
    QPushButton* m_enable;
    QPushButton* m_disable;
    QPushButton* m_moveUp;
    QPushButton* m_moveDown;
    QPushButton* m_import;
    QLineEdit* m_explainEdit;
    QPushButton* m_explain;
    QLabel* m_explainResult;
    QLabel* m_defaultAction;
    QLabel* m_message;
};

} // namespace Switchyard
