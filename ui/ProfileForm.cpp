#include "ProfileForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

namespace Switchyard {

ProfileForm::ProfileForm(QWidget* parent)
    : QWidget(parent), m_uri(new QLineEdit(this)),
      m_fill(new QPushButton(tr("&Fill from URI"), this)), m_uriError(new QLabel(this)),
      m_name(new QLineEdit(this)), m_type(new QComboBox(this)), m_host(new QLineEdit(this)),
      m_port(new QSpinBox(this)), m_username(new QLineEdit(this)), m_password(new QLineEdit(this)),
      m_removePassword(new QCheckBox(tr("&Remove the stored password"), this)),
      m_resolveAtExit(new QCheckBox(tr("Resolve names at the exit (no local DNS lookup)"), this)),
      m_allowSelfSigned(new QCheckBox(tr("Accept any certificate (self-signed)"), this)),
      m_selfSignedWarning(new QLabel(this)), m_error(new QLabel(this))
{
    m_uri->setPlaceholderText(tr("Paste a proxy URI, e.g. socks5h://user:pass@host:1080"));
    m_uri->setClearButtonEnabled(true);
    m_uriError->setWordWrap(true);
    m_uriError->setVisible(false);
    for (UpstreamProfile::Type kind :
         {UpstreamProfile::Type::Http, UpstreamProfile::Type::Https, UpstreamProfile::Type::Socks5,
          UpstreamProfile::Type::Socks4a})
        m_type->addItem(UpstreamProfile::typeName(kind), static_cast<int>(kind));
    m_host->setPlaceholderText(tr("proxy.example.net or 192.0.2.10"));
    // 0 is "no port yet": validate() says so rather than guessing one.
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("(none)"));
    m_password->setEchoMode(QLineEdit::Password);
    m_selfSignedWarning->setWordWrap(true);
    m_selfSignedWarning->setText(
        tr("Warning: any certificate is accepted, so anyone between you and this exit can "
           "pretend to be it and read your traffic. Use this only for an exit you run "
           "yourself on a network you trust."));
    m_selfSignedWarning->setVisible(false);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setVisible(false);

    auto* uriRow = new QHBoxLayout;
    uriRow->addWidget(m_uri, 1);
    uriRow->addWidget(m_fill);
    auto* form = new QFormLayout(this);
    // A row holding a layout gets no buddy of its own: name the field here, so
    // that the mnemonic works and no '&' is shown.
    auto* uriLabel = new QLabel(tr("&URI:"), this);
    uriLabel->setBuddy(m_uri);
    form->addRow(uriLabel, uriRow);
    form->addRow(QString(), m_uriError);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("User na&me:"), m_username);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(QString(), m_removePassword);
    form->addRow(QString(), m_resolveAtExit);
    form->addRow(QString(), m_allowSelfSigned);
    form->addRow(QString(), m_selfSignedWarning);
    form->addRow(QString(), m_error);

    connect(m_fill, &QPushButton::clicked, this, &ProfileForm::fillFromUri);
    connect(m_uri, &QLineEdit::returnPressed, this, &ProfileForm::fillFromUri);
    connect(m_type, &QComboBox::currentIndexChanged, this, &ProfileForm::onTypeChanged);
    connect(m_allowSelfSigned, &QCheckBox::toggled, this, &ProfileForm::updateOptions);
    // Only what the user types counts as a new password (see passwordEdited()).
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordEdited = true; });
    // Removing and typing a new one at once would contradict each other.
    connect(m_removePassword, &QCheckBox::toggled, this, [this](bool remove) {
        if (remove) {
            m_password->clear();
            m_passwordEdited = false;
        }
        updateOptions();
    });

    clear();
}

UpstreamProfile::Type ProfileForm::type() const
{
    return static_cast<UpstreamProfile::Type>(m_type->currentData().toInt());
}

void ProfileForm::setType(UpstreamProfile::Type kind)
{
    const QSignalBlocker blocker(m_type);
    m_type->setCurrentIndex(std::max(0, m_type->findData(static_cast<int>(kind))));
    m_previousType = kind;
    updateOptions();
}

void ProfileForm::onTypeChanged()
{
    // Follow the type's usual port unless the user chose another one.
    if (m_port->value() == 0 || m_port->value() == UpstreamProfile::defaultPort(m_previousType))
        m_port->setValue(UpstreamProfile::defaultPort(type()));
    m_previousType = type();
    updateOptions();
}

void ProfileForm::updateOptions()
{
    const UpstreamProfile::Type kind = type();
    m_resolveAtExit->setEnabled(kind == UpstreamProfile::Type::Socks5);
    m_allowSelfSigned->setEnabled(kind == UpstreamProfile::Type::Https);
    m_selfSignedWarning->setVisible(kind == UpstreamProfile::Type::Https &&
                                    m_allowSelfSigned->isChecked());
    // SOCKS4a carries a user id and no password.
    const bool socks4a = kind == UpstreamProfile::Type::Socks4a;
    m_password->setEnabled(!socks4a && !m_removePassword->isChecked());
    m_username->setPlaceholderText(socks4a ? tr("user id (optional)") : tr("optional"));
}

void ProfileForm::setProfile(const UpstreamProfile& profile, bool hasStoredPassword)
{
    m_id = profile.id;
    m_name->setText(profile.name);
    setType(profile.type);
    m_host->setText(profile.host);
    m_port->setValue(profile.port);
    m_username->setText(profile.username);
    m_password->clear();
    m_password->setPlaceholderText(hasStoredPassword
                                       ? tr("unchanged (in the system keychain); type to replace")
                                       : tr("optional; kept in the system keychain"));
    m_passwordEdited = false;
    m_removePassword->setChecked(false);
    m_removePassword->setVisible(hasStoredPassword);
    m_resolveAtExit->setChecked(profile.resolveAtExit);
    m_allowSelfSigned->setChecked(profile.allowSelfSigned);
    updateOptions();
    setError({});
}

void ProfileForm::clear()
{
    UpstreamProfile empty;
    empty.port = UpstreamProfile::defaultPort(empty.type);
    setProfile(empty);
    m_uri->clear();
    m_uriError->setVisible(false);
}

UpstreamProfile ProfileForm::profile() const
{
    UpstreamProfile result;
    result.id = m_id;
    result.name = m_name->text().trimmed();
    result.type = type();
    result.host = m_host->text().trimmed();
    result.port = quint16(m_port->value());
    result.username = m_username->text();
    if (result.type != UpstreamProfile::Type::Socks4a)
        result.password = m_password->text();
    result.resolveAtExit = m_resolveAtExit->isChecked();
    result.allowSelfSigned = m_allowSelfSigned->isChecked();
    return result;
}

bool ProfileForm::removePasswordRequested() const
{
    return m_removePassword->isVisibleTo(this) && m_removePassword->isChecked();
}

void ProfileForm::forgetPassword()
{
    m_password->clear();
    m_passwordEdited = false;
}

QString ProfileForm::validate()
{
    const UpstreamProfile current = profile();
    QString problem;
    if (current.name.isEmpty())
        problem = tr("Give the exit a name.");
    else if (const QString invalid = current.validate(); !invalid.isEmpty())
        problem = tr("This exit cannot be used: %1").arg(invalid);
    setError(problem);
    return problem;
}

void ProfileForm::setError(const QString& error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

QString ProfileForm::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString ProfileForm::uriError() const
{
    return m_uriError->isHidden() ? QString() : m_uriError->text();
}

bool ProfileForm::fillFromUri()
{
    const QString text = m_uri->text().trimmed();
    QString problem;
    const UpstreamProfile parsed =
        text.isEmpty() ? UpstreamProfile{} : UpstreamProfile::fromUri(text, &problem);
    if (text.isEmpty())
        problem = tr("paste a URI such as http://proxy.example:3128 first");
    if (!problem.isEmpty()) {
        m_uriError->setText(tr("Not a usable proxy URI: %1").arg(problem));
        m_uriError->setVisible(true);
        return false;
    }
    m_uriError->setVisible(false);
    const QString name = m_name->text().trimmed();
    setType(parsed.type);
    m_host->setText(parsed.host);
    m_port->setValue(parsed.port);
    m_username->setText(parsed.username);
    m_resolveAtExit->setChecked(parsed.resolveAtExit);
    m_allowSelfSigned->setChecked(parsed.allowSelfSigned);
    if (name.isEmpty())
        m_name->setText(parsed.host);
    if (!parsed.password.isEmpty()) {
        m_password->setText(parsed.password);
        m_passwordEdited = true;
    }
    // The URI may carry a password: do not leave it lying in the field.
    m_uri->clear();
    updateOptions();
    setError({});
    return true;
}

} // namespace Switchyard
