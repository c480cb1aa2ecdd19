#include "SettingsPage.h"

#include "SettingsController.h"
#include "SettingsStore.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Switchyard {

namespace {

QString listenTextOf(const QHostAddress& address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace

SettingsPage::SettingsPage(SettingsController* settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_listenEdit(new QLineEdit(this)),
      m_systemProxyMode(new QButtonGroup(this)), m_authRequired(new QCheckBox(this)),
      m_authUser(new QLineEdit(this)), m_authPassword(new QLineEdit(this)),
      m_authState(new QLabel(this)), m_closeToTray(new QCheckBox(this)),
      m_autostart(new QCheckBox(this)), m_language(new QComboBox(this)),
      m_maxEntries(new QSpinBox(this)), m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsPage"));
    auto* layout = new QVBoxLayout(this);

    auto* network = new QGroupBox(tr("Proxy"), this);
    auto* networkForm = new QFormLayout(network);
    auto* listenRow = new QHBoxLayout;
    m_listenEdit->setObjectName(QStringLiteral("listenEdit"));
    m_listenEdit->setPlaceholderText(QStringLiteral("127.0.0.1:8877"));
    m_listenEdit->setToolTip(tr("Address and port for HTTP, SOCKS5 and SOCKS4a clients. "
                                "Anything but loopback needs inbound authentication."));
    auto* applyListen = new QPushButton(tr("Apply"), network);
    applyListen->setObjectName(QStringLiteral("applyListenButton"));
    listenRow->addWidget(m_listenEdit, 1);
    listenRow->addWidget(applyListen);
    networkForm->addRow(tr("Listen on:"), listenRow);
    auto* manual =
        new QRadioButton(tr("Manual: HTTP, HTTPS and SOCKS point at Switchyard"), network);
    auto* pac = new QRadioButton(tr("Automatic: the desktop reads Switchyard's PAC file"), network);
    manual->setObjectName(QStringLiteral("systemProxyManual"));
    pac->setObjectName(QStringLiteral("systemProxyPac"));
    m_systemProxyMode->addButton(manual, int(UiPreferences::SystemProxyMode::Manual));
    m_systemProxyMode->addButton(pac, int(UiPreferences::SystemProxyMode::Pac));
    auto* modeBox = new QVBoxLayout;
    modeBox->addWidget(manual);
    modeBox->addWidget(pac);
    networkForm->addRow(tr("System proxy:"), modeBox);
    layout->addWidget(network);

    auto* login = new QGroupBox(tr("Client login"), this);
    auto* loginForm = new QFormLayout(login);
    m_authRequired->setText(tr("Clients must log in (needed to listen beyond this computer)"));
    m_authRequired->setObjectName(QStringLiteral("authRequiredCheck"));
    m_authUser->setObjectName(QStringLiteral("authUserEdit"));
    m_authPassword->setObjectName(QStringLiteral("authPasswordEdit"));
    m_authPassword->setEchoMode(QLineEdit::Password);
    m_authPassword->setPlaceholderText(tr("kept in the system keychain"));
    auto* saveLoginButton = new QPushButton(tr("Save login"), login);
    saveLoginButton->setObjectName(QStringLiteral("saveLoginButton"));
    m_authState->setObjectName(QStringLiteral("authStateLabel"));
    m_authState->setWordWrap(true);
    loginForm->addRow(m_authRequired);
    loginForm->addRow(tr("User name:"), m_authUser);
    loginForm->addRow(tr("Password:"), m_authPassword);
    loginForm->addRow(saveLoginButton, m_authState);
    layout->addWidget(login);

    auto* window = new QGroupBox(tr("Application"), this);
    auto* windowForm = new QFormLayout(window);
    m_closeToTray->setText(tr("Closing the window keeps Switchyard running in the tray"));
    m_closeToTray->setObjectName(QStringLiteral("closeToTrayCheck"));
    m_autostart->setText(tr("Start Switchyard when I log in"));
    m_autostart->setObjectName(QStringLiteral("autostartCheck"));
    windowForm->addRow(m_closeToTray);
    windowForm->addRow(m_autostart);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    for (const auto& [code, name] : languages())
        m_language->addItem(name, code);
    windowForm->addRow(tr("Language (after a restart):"), m_language);
    m_maxEntries->setObjectName(QStringLiteral("maxEntriesSpin"));
    m_maxEntries->setRange(UiPreferences::minLogEntries, UiPreferences::maxLogEntriesLimit);
    m_maxEntries->setSingleStep(10'000);
    m_maxEntries->setGroupSeparatorShown(true);
    windowForm->addRow(tr("Rows kept in the traffic view:"), m_maxEntries);
    layout->addWidget(window);

    auto* configuration = new QGroupBox(tr("Configuration"), this);
    auto* configurationRow = new QHBoxLayout(configuration);
    auto* exportButton = new QPushButton(tr("Export…"), configuration);
    auto* importButton = new QPushButton(tr("Import…"), configuration);
    exportButton->setToolTip(tr("Exits (without passwords), rules and options in one file"));
    configurationRow->addWidget(exportButton);
    configurationRow->addWidget(importButton);
    configurationRow->addStretch(1);
    layout->addWidget(configuration);

    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    layout->addStretch(1);

    m_chooseFile = [this](bool save, const QString& suggestion) {
        const QString filter = tr("Switchyard configuration (*.json);;All files (*)");
        return save ? QFileDialog::getSaveFileName(this, tr("Export configuration"), suggestion,
                                                   filter)
                    : QFileDialog::getOpenFileName(this, tr("Import configuration"), suggestion,
                                                   filter);
    };
    m_askKeep = [this](const QString& message) {
        return QMessageBox::question(
                   this, tr("No keychain"),
                   tr("%1\n\nKeep the password in memory until Switchyard quits? It is not "
                      "written anywhere.")
                       .arg(message)) == QMessageBox::Yes;
    };
    m_chooseMode = [this](const SettingsImport& import, SettingsImport::Mode* mode) {
        QMessageBox box(QMessageBox::Question, tr("Import configuration"),
                        tr("Merge the exits and rules of %1 with yours, or replace yours?")
                            .arg(QDir::toNativeSeparators(import.filePath)),
                        QMessageBox::Cancel, this);
        QPushButton* merge = box.addButton(tr("Merge"), QMessageBox::AcceptRole);
        QPushButton* replace = box.addButton(tr("Replace"), QMessageBox::DestructiveRole);
        box.setDefaultButton(merge);
        box.exec();
        if (box.clickedButton() == merge)
            *mode = SettingsImport::Mode::Merge;
        else if (box.clickedButton() == replace)
            *mode = SettingsImport::Mode::Replace;
        else
            return false;
        return true;
    };

    connect(applyListen, &QPushButton::clicked, this, &SettingsPage::applyListen);
    connect(saveLoginButton, &QPushButton::clicked, this, &SettingsPage::saveLogin);
    connect(m_settings, &SettingsController::inboundStateChanged, this,
            &SettingsPage::updateLoginState);
    connect(m_listenEdit, &QLineEdit::returnPressed, this, &SettingsPage::applyListen);
    connect(m_systemProxyMode, &QButtonGroup::idClicked, this, [this](int id) {
        saveUi(
            [id](UiPreferences& ui) { ui.systemProxyMode = UiPreferences::SystemProxyMode(id); });
    });
    connect(m_closeToTray, &QCheckBox::toggled, this,
            [this](bool on) { saveUi([on](UiPreferences& ui) { ui.closeToTray = on; }); });
    connect(m_autostart, &QCheckBox::toggled, this, &SettingsPage::autostartRequested);
    connect(m_language, &QComboBox::activated, this, [this](int index) {
        const QString code = m_language->itemData(index).toString();
        saveUi([code](UiPreferences& ui) { ui.language = code; });
        showMessage(tr("The language changes when Switchyard starts again."), false);
    });
    connect(m_maxEntries, &QSpinBox::editingFinished, this, [this] {
        const int value = m_maxEntries->value();
        saveUi([value](UiPreferences& ui) { ui.maxLogEntries = value; });
    });
    connect(exportButton, &QPushButton::clicked, this, &SettingsPage::exportConfiguration);
    connect(importButton, &QPushButton::clicked, this, &SettingsPage::importConfiguration);
    connect(m_settings, &SettingsController::uiPreferencesChanged, this, &SettingsPage::load);
    connect(m_settings, &SettingsController::engineSettingsChanged, this, &SettingsPage::load);
    load();
}

QList<QPair<QString, QString>> SettingsPage::languages()
{
    // Each name in its own language, so that a user who cannot read the
    // current one still finds theirs.
    return {
        {QString(), tr("System default")},
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("de"), QStringLiteral("Deutsch")},
        {QStringLiteral("es"), QStringLiteral("Español")},
        {QStringLiteral("ru"), QStringLiteral("Русский")},
        {QStringLiteral("zh_CN"), QStringLiteral("简体中文")},
        {QStringLiteral("fa"), QStringLiteral("فارسی")},
    };
}

void SettingsPage::setAutostartShown(bool enabled)
{
    const QSignalBlocker blocker(m_autostart);
    m_autostart->setChecked(enabled);
}

QString SettingsPage::message() const
{
    return m_message->text();
}

void SettingsPage::load()
{
    const SettingsDocument& document = m_settings->document();
    if (!m_listenEdit->hasFocus())
        m_listenEdit->setText(
            listenTextOf(document.engine.listenAddress, document.engine.listenPort));
    const UiPreferences& ui = document.ui;
    if (QAbstractButton* button = m_systemProxyMode->button(int(ui.systemProxyMode)))
        button->setChecked(true);
    const InboundAuth& auth = document.engine.inboundAuth;
    m_authRequired->setChecked(auth.required);
    if (!m_authUser->hasFocus())
        m_authUser->setText(auth.username);
    updateLoginState();
    const QSignalBlocker closeBlocker(m_closeToTray);
    m_closeToTray->setChecked(ui.closeToTray);
    const QSignalBlocker autostartBlocker(m_autostart);
    m_autostart->setChecked(ui.autostart);
    const int language = m_language->findData(ui.language);
    m_language->setCurrentIndex(language >= 0 ? language : 0);
    m_maxEntries->setValue(ui.maxLogEntries);
}

void SettingsPage::applyListen()
{
    QHostAddress address;
    quint16 port = 0;
    const QString problem = parseListenAddress(m_listenEdit->text().trimmed(), &address, &port);
    if (!problem.isEmpty()) {
        showMessage(tr("Cannot listen on \"%1\": %2").arg(m_listenEdit->text(), problem), true);
        return;
    }
    if (!address.isLoopback() && !m_settings->document().engine.inboundAuth.required) {
        showMessage(tr("Listening on %1 would open the proxy to other machines; that needs "
                       "inbound authentication, which is off.")
                        .arg(address.toString()),
                    true);
        return;
    }
    QString error;
    if (!m_settings->setListen(address, port, &error)) {
        showMessage(error, true);
        return;
    }
    showMessage(tr("Listening on %1 from now on.").arg(listenTextOf(address, port)), false);
}

void SettingsPage::saveLogin()
{
    QString error;
    if (!m_settings->setInboundAuth(m_authRequired->isChecked(), m_authUser->text(), &error)) {
        showMessage(error, true);
        return;
    }
    const QString password = m_authPassword->text();
    m_authPassword->clear();
    if (password.isEmpty()) {
        showMessage(m_authRequired->isChecked() ? tr("Client login saved.")
                                                : tr("Clients no longer log in."),
                    false);
        updateLoginState();
        return;
    }
    m_settings->setInboundPassword(password, this, [this, password](const SecretResult& result) {
        if (result.ok()) {
            showMessage(tr("Client login saved; the password is in the system keychain."), false);
        } else if ((result.status == SecretResult::Status::Unavailable ||
                    result.status == SecretResult::Status::Denied) &&
                   m_askKeep(result.message())) {
            m_settings->keepInboundPasswordForThisRun(password);
            showMessage(tr("The password is kept in memory until Switchyard quits."), false);
        } else {
            showMessage(tr("The password was not stored: %1 Clients are refused until it is.")
                            .arg(result.message()),
                        true);
        }
        updateLoginState();
    });
}

void SettingsPage::updateLoginState()
{
    if (!m_settings->document().engine.inboundAuth.required)
        m_authState->setText(tr("Anyone who can reach the port may use the proxy."));
    else if (m_settings->isWaitingForInboundPassword())
        m_authState->setText(tr("No usable password yet: every client is refused."));
    else
        m_authState->setText(tr("Clients log in with this user name and the stored password."));
}

void SettingsPage::saveUi(const std::function<void(UiPreferences&)>& change)
{
    UiPreferences ui = m_settings->uiPreferences();
    change(ui);
    QString error;
    if (!m_settings->setUiPreferences(ui, &error)) {
        showMessage(error, true);
        load();
    }
}

void SettingsPage::exportConfiguration()
{
    const QString path =
        m_chooseFile(true, QDir::home().filePath(QStringLiteral("switchyard-config.json")));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_settings->exportTo(path, &error)) {
        showMessage(tr("Export failed: %1").arg(error), true);
        return;
    }
    showMessage(
        tr("Exported to %1 (passwords are not included).").arg(QDir::toNativeSeparators(path)),
        false);
}

void SettingsPage::importConfiguration()
{
    const QString path = m_chooseFile(false, QDir::homePath());
    if (path.isEmpty())
        return;
    const SettingsImport import = SettingsStore::importFrom(path);
    if (!import.ok()) {
        QStringList lines;
        for (const SettingsIssue& issue : import.decoded.issues)
            lines.append(issue.toString());
        showMessage(
            tr("%1 cannot be imported:\n%2").arg(QDir::toNativeSeparators(path), lines.join(u'\n')),
            true);
        return;
    }
    SettingsImport::Mode mode = SettingsImport::Mode::Merge;
    if (!m_chooseMode(import, &mode))
        return;
    QString error;
    if (!m_settings->importFrom(import, mode, &error)) {
        showMessage(error, true);
        return;
    }
    showMessage(tr("Imported %1. Exits that need a password ask for it on the Exits page.")
                    .arg(QDir::toNativeSeparators(path)),
                false);
}

void SettingsPage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    // Bold rather than a colour: readable in any palette, light or dark.
    m_message->setStyleSheet(error ? QStringLiteral("font-weight: bold;") : QString());
}

} // namespace Switchyard
