#include "RuleEditDialog.h"

#include "CompiledRule.h"
#include "RouteActionCombo.h"
#include "RuleMatcherNames.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace Switchyard {

RuleEditDialog::RuleEditDialog(SettingsController* controller, QWidget* parent)
    : QDialog(parent), m_enabled(new QCheckBox(tr("Enabled"), this)),
      m_matcher(new QComboBox(this)), m_matcherHint(new QLabel(this)),
      m_pattern(new QLineEdit(this)), m_message(new QLabel(this)),
      m_action(new RouteActionCombo(controller, this)), m_comment(new QLineEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Rule"));
    for (Rule::Matcher matcher : RuleMatcherNames::all())
        m_matcher->addItem(RuleMatcherNames::label(matcher), static_cast<int>(matcher));
    m_matcherHint->setWordWrap(true);
    m_pattern->setClearButtonEnabled(true);
    m_patternMark = m_pattern->addAction(style()->standardIcon(QStyle::SP_MessageBoxWarning),
                                         QLineEdit::TrailingPosition);
    m_patternMark->setVisible(false);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);
    m_comment->setPlaceholderText(tr("Optional note for yourself"));

    auto* form = new QFormLayout;
    form->addRow(QString(), m_enabled);
    form->addRow(tr("&Matcher:"), m_matcher);
    form->addRow(QString(), m_matcherHint);
    form->addRow(tr("&Pattern:"), m_pattern);
    form->addRow(QString(), m_message);
    form->addRow(tr("&Action:"), m_action);
    form->addRow(tr("&Comment:"), m_comment);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &RuleEditDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RuleEditDialog::reject);
    connect(m_matcher, &QComboBox::currentIndexChanged, this, [this] {
        m_matcherHint->setText(RuleMatcherNames::description(matcher()));
        m_pattern->setPlaceholderText(tr("e.g. %1").arg(RuleMatcherNames::example(matcher())));
        checkPattern();
    });
    connect(m_pattern, &QLineEdit::textChanged, this, &RuleEditDialog::checkPattern);

    setRule(Rule{});
}

QPushButton* RuleEditDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

Rule::Matcher RuleEditDialog::matcher() const
{
    return static_cast<Rule::Matcher>(m_matcher->currentData().toInt());
}

void RuleEditDialog::setMatcher(Rule::Matcher matcher)
{
    m_matcher->setCurrentIndex(std::max(0, m_matcher->findData(static_cast<int>(matcher))));
}

void RuleEditDialog::setRule(const Rule& rule)
{
    m_enabled->setChecked(rule.enabled);
    setMatcher(rule.matcher);
    m_pattern->setText(rule.pattern);
    m_action->setAction(rule.action);
    m_comment->setText(rule.comment);
    // The index may not have changed: make sure hint and check are current.
    m_matcherHint->setText(RuleMatcherNames::description(matcher()));
    m_pattern->setPlaceholderText(tr("e.g. %1").arg(RuleMatcherNames::example(matcher())));
    checkPattern();
}

Rule RuleEditDialog::rule() const
{
    Rule result;
    result.enabled = m_enabled->isChecked();
    result.matcher = matcher();
    result.pattern = m_pattern->text().trimmed();
    result.action = m_action->action();
    result.comment = m_comment->text().trimmed();
    return result;
}

QString RuleEditDialog::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void RuleEditDialog::checkPattern()
{
    const QString pattern = m_pattern->text().trimmed();
    m_patternError = CompiledRule::checkPattern(matcher(), pattern);
    const bool bad = !m_patternError.isEmpty();
    // An empty field is not worth a red mark while the user has not typed yet;
    // OK stays disabled all the same.
    const bool show = bad && !pattern.isEmpty();
    m_patternMark->setVisible(show);
    m_patternMark->setToolTip(show ? m_patternError : QString());
    m_pattern->setToolTip(show ? tr("Invalid pattern: %1").arg(m_patternError) : QString());
    m_message->setText(show ? tr("Invalid pattern: %1").arg(m_patternError) : QString());
    m_message->setVisible(show);
    okButton()->setEnabled(!bad);
}

void RuleEditDialog::accept()
{
    checkPattern();
    if (!m_patternError.isEmpty())
        return;
    if (m_save) {
        QString error;
        if (!m_save(rule(), &error)) {
            m_message->setText(tr("Not saved: %1").arg(error));
            m_message->setVisible(true);
            return;
        }
    }
    QDialog::accept();
}

} // namespace Switchyard
