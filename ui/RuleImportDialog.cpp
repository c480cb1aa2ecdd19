#include "RuleImportDialog.h"

#include "RouteActionCombo.h"
#include "SettingsController.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Switchyard {

RuleImportDialog::RuleImportDialog(const QByteArray& data, const QString& source,
                                   SettingsController* controller, QWidget* parent)
    : QDialog(parent), m_data(data), m_source(source), m_format(new QComboBox(this)),
      m_action(new RouteActionCombo(controller, this)), m_summary(new QLabel(this)),
      m_issues(new QPlainTextEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Import rules from %1").arg(source));
    m_format->addItem(tr("Detect"), static_cast<int>(RuleListImporter::Format::Auto));
    m_format->addItem(tr("AutoProxy / gfwlist"),
                      static_cast<int>(RuleListImporter::Format::AutoProxy));
    m_format->addItem(tr("Plain host list / hosts file"),
                      static_cast<int>(RuleListImporter::Format::HostList));
    // Lists are mostly used to send a set of sites through an exit: offer the
    // first one, else block (never silently "direct").
    if (!controller->profiles().isEmpty())
        m_action->setAction(RouteAction::through(controller->profiles().constFirst().id));
    else
        m_action->setAction(RouteAction::block());
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_issues->setReadOnly(true);
    m_issues->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_issues->setPlaceholderText(tr("Every line was used."));

    auto* form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("&New rules:"), m_action);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("Lines not imported:"), this));
    layout->addWidget(m_issues, 1);
    layout->addWidget(m_buttons);
    resize(640, 420);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &RuleImportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RuleImportDialog::reject);
    connect(m_format, &QComboBox::currentIndexChanged, this, &RuleImportDialog::runImport);
    connect(m_action, &RouteActionCombo::actionChanged, this, &RuleImportDialog::runImport);
    runImport();
}

QPushButton* RuleImportDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

QString RuleImportDialog::reportText() const
{
    return m_summary->text() + u'\n' + m_issues->toPlainText();
}

void RuleImportDialog::runImport()
{
    RuleListImporter::Options options;
    options.action = m_action->action();
    options.format = static_cast<RuleListImporter::Format>(m_format->currentData().toInt());
    options.source = m_source;
    m_result = RuleListImporter::import(m_data, options);

    QString format;
    switch (m_result.format) {
    case RuleListImporter::Format::AutoProxy:
        format = m_result.base64 ? tr("AutoProxy list (base64)") : tr("AutoProxy list");
        break;
    case RuleListImporter::Format::HostList:
    case RuleListImporter::Format::Auto:
        format = tr("plain host list");
        break;
    }
    const int skipped = int(m_result.issues.size());
    QString summary = tr("%1: %Ln rule(s) from %2 line(s).", nullptr, int(m_result.rules.size()))
                          .arg(format)
                          .arg(m_result.lines);
    summary += u' ' + tr("%Ln line(s) gave rules, ", nullptr, m_result.ruleLines) +
               tr("%Ln comment or header line(s), ", nullptr, m_result.commentLines) +
               tr("%Ln blank line(s), ", nullptr, m_result.blankLines) +
               tr("%Ln entry(ies) skipped.", nullptr, skipped);
    if (m_result.format == RuleListImporter::Format::AutoProxy)
        summary += u' ' + tr("Exceptions (@@ lines) go direct and come first.");
    m_summary->setText(summary);

    QStringList lines;
    for (const ImportIssue& issue : m_result.issues)
        lines.append(tr("line %1: %2 (%3)").arg(issue.line).arg(issue.text, issue.reason));
    m_issues->setPlainText(lines.join(u'\n'));

    okButton()->setEnabled(!m_result.rules.isEmpty());
    okButton()->setText(tr("Append %Ln rule(s)", nullptr, int(m_result.rules.size())));
}

} // namespace Switchyard
