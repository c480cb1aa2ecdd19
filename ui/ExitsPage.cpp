#include "ExitsPage.h"

#include "ExitListModel.h"
#include "ProfileForm.h"
#include "SettingsController.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace Switchyard {

namespace {
constexpr int kCheckTimeoutMs = 10'000;
} // namespace

ExitsPage::ExitsPage(SettingsController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_model(new ExitListModel(controller, this)),
      m_view(new QTableView(this)), m_form(new ProfileForm(this)),
      m_new(new QPushButton(tr("&New"), this)),
      m_add(new QPushButton(tr("&Add as new exit"), this)),
      m_save(new QPushButton(tr("&Save changes"), this)),
      m_delete(new QPushButton(tr("&Delete…"), this)),
      m_checkUrl(new QLineEdit(QString::fromLatin1(ProfileChecker::defaultUrl), this)),
      m_check(new QPushButton(tr("&Check"), this)), m_checkResult(new QLabel(this)),
      m_message(new QLabel(this))
{
    m_model->setStatusIcons(style()->standardIcon(QStyle::SP_DialogApplyButton),
                            style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->setVisible(false);
    // One line per exit; a long failure reason is in the tooltip.
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(ExitListModel::NameColumn, 160);
    m_view->setColumnWidth(ExitListModel::AddressColumn, 180);

    m_check->setToolTip(tr("Fetch the URL through the selected exit, as saved"));
    m_checkUrl->setToolTip(tr("The URL the check fetches through the exit"));
    m_checkResult->setWordWrap(true);
    m_checkResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {m_new, m_add, m_save, m_delete})
        buttons->addWidget(button);
    buttons->addStretch(1);
    auto* checkRow = new QHBoxLayout;
    checkRow->addWidget(new QLabel(tr("Check URL:"), this));
    checkRow->addWidget(m_checkUrl, 1);
    checkRow->addWidget(m_check);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_form);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addLayout(checkRow);
    layout->addWidget(m_checkResult);

    connect(m_new, &QPushButton::clicked, this, &ExitsPage::newExit);
    connect(m_add, &QPushButton::clicked, this, &ExitsPage::addExit);
    connect(m_save, &QPushButton::clicked, this, &ExitsPage::saveExit);
    connect(m_delete, &QPushButton::clicked, this, &ExitsPage::deleteExit);
    connect(m_check, &QPushButton::clicked, this, &ExitsPage::checkExit);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ExitsPage::showSelected);
    // A reset (an exit added or deleted, by us or another page) drops the
    // selection without a selectionChanged.
    connect(m_model, &QAbstractItemModel::modelReset, this, &ExitsPage::updateButtons);

    updateButtons();
}

QString ExitsPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->profileIdAt(rows.constFirst().row());
}

void ExitsPage::selectExit(const QString& profileId)
{
    const int row = m_model->rowOf(profileId);
    if (row < 0) {
        m_view->clearSelection();
        return;
    }
    m_view->selectRow(row);
    // selectRow does nothing visible when the row was already selected; the
    // form must show the saved exit all the same.
    showSelected();
}

void ExitsPage::updateButtons()
{
    const bool selected = !selectedId().isEmpty();
    m_save->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_check->setEnabled(selected && !isChecking());
}

void ExitsPage::showMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void ExitsPage::showSelected()
{
    updateButtons();
    const QString id = selectedId();
    const UpstreamProfile* profile = m_controller->profile(id);
    if (!profile) {
        m_form->clear();
        m_checkResult->clear();
        return;
    }
    m_form->setProfile(*profile, m_controller->mayHaveStoredPassword(id));
    if (const ProfileCheckResult* result = m_controller->checkResult(id))
        onCheckFinished(id, *result);
    else if (m_checkingId != id)
        m_checkResult->clear();
}

void ExitsPage::newExit()
{
    m_view->clearSelection();
    m_form->clear();
    showMessage({});
    updateButtons();
}

void ExitsPage::addExit()
{
    saveForm(true);
}

void ExitsPage::saveExit()
{
    saveForm(false);
}

bool ExitsPage::saveForm(bool asNew)
{
    if (!m_form->validate().isEmpty())
        return false;
    UpstreamProfile profile = m_form->profile();
    if (asNew)
        profile.id = UpstreamProfile::newId();
    else if ((profile.id = selectedId()).isEmpty())
        return false;
    // Taken out of the form before the list refreshes and reloads the form.
    const QString password = m_form->passwordEdited() ? profile.password : QString();
    const bool removePassword = !asNew && m_form->removePasswordRequested();
    profile.password.clear();
    QString error;
    if (!m_controller->saveProfile(profile, &error)) {
        m_form->setError(tr("Not saved: %1").arg(error));
        return false;
    }
    m_form->forgetPassword();
    showMessage(asNew ? tr("Exit “%1” added.").arg(profile.name)
                      : tr("Exit “%1” saved.").arg(profile.name));
    selectExit(profile.id);
    if (!password.isEmpty())
        storePassword(profile.id, profile.name, password);
    else if (removePassword)
        removeStoredPassword(profile.id, profile.name);
    return true;
}

void ExitsPage::removeStoredPassword(const QString& profileId, const QString& name)
{
    m_controller->removePassword(
        profileId, this, [this, profileId, name](const SecretResult& result) {
            if (result.ok()) {
                showMessage(tr("The password of “%1” was removed from "
                               "the system keychain.")
                                .arg(name));
                const UpstreamProfile* profile = m_controller->profile(profileId);
                if (profile && selectedId() == profileId)
                    m_form->setProfile(*profile, false);
            } else {
                showMessage(
                    tr("The password of “%1” was not removed: %2").arg(name, result.message()));
            }
            Q_EMIT passwordHandled(profileId, result);
        });
}

void ExitsPage::storePassword(const QString& profileId, const QString& name,
                              const QString& password)
{
    showMessage(tr("Storing the password of “%1” in the system keychain…").arg(name));
    m_controller->setPassword(profileId, password, this,
                              [this, profileId, name, password](const SecretResult& result) {
                                  onPasswordStored(profileId, name, password, result);
                              });
}

void ExitsPage::onPasswordStored(const QString& profileId, const QString& name,
                                 const QString& password, const SecretResult& result)
{
    if (result.ok()) {
        showMessage(tr("The password of “%1” is stored in the system keychain.").arg(name));
    } else if (result.status == SecretResult::Status::Unavailable ||
               result.status == SecretResult::Status::Denied) {
        if (askKeepForThisRun(result.message())) {
            m_controller->keepPasswordForThisRun(profileId, password);
            showMessage(tr("The password of “%1” is kept in memory until Switchyard quits; it "
                           "was not written anywhere. %2")
                            .arg(name, result.message()));
        } else {
            showMessage(tr("The password of “%1” was not stored: %2 Traffic through this exit "
                           "is blocked until it has its password.")
                            .arg(name, result.message()));
        }
    } else {
        showMessage(tr("The password of “%1” was not stored: %2").arg(name, result.message()));
    }
    Q_EMIT passwordHandled(profileId, result);
}

bool ExitsPage::askKeepForThisRun(const QString& message)
{
    QMessageBox box(QMessageBox::Warning, tr("Password not stored"), message,
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setInformativeText(tr("Keep the password in memory for this run only? It is not written "
                              "anywhere, and you will have to enter it again after Switchyard "
                              "restarts."));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

bool ExitsPage::confirmDelete(const QString& question)
{
    return QMessageBox::question(this, tr("Delete exit"), question,
                                 QMessageBox::Yes | QMessageBox::No,
                                 QMessageBox::No) == QMessageBox::Yes;
}

void ExitsPage::deleteExit()
{
    const QString id = selectedId();
    const UpstreamProfile* profile = m_controller->profile(id);
    if (!profile)
        return;
    const QString name = profile->name;
    const int rules = m_controller->rulesUsing(id);
    const bool isDefault = m_controller->defaultAction() == RouteAction::through(id);
    QStringList question{tr("Delete the exit “%1”?").arg(name)};
    if (rules > 0)
        question.append(tr("%Ln rule(s) route through it; their traffic will be blocked until "
                           "you change them.",
                           nullptr, rules));
    else
        question.append(tr("No rule routes through it."));
    if (isDefault)
        question.append(tr("Traffic no rule matches goes through it too and will be blocked "
                           "until you pick another exit."));
    question.append(tr("Its password is removed from the system keychain."));
    if (!confirmDelete(question.join(u' ')))
        return;
    QString error;
    if (!m_controller->removeProfile(id, &error)) {
        showMessage(tr("Not deleted: %1").arg(error));
        return;
    }
    showMessage(tr("Exit “%1” deleted.").arg(name));
    newExit();
    showMessage(tr("Exit “%1” deleted.").arg(name));
}

void ExitsPage::checkExit()
{
    const QString id = selectedId();
    if (id.isEmpty() || isChecking())
        return;
    const QUrl url(m_checkUrl->text().trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != u"http" && url.scheme() != u"https")) {
        m_checkResult->setText(tr("The check URL must be an http:// or https:// URL."));
        return;
    }
    // The exit as the engine would use it: saved, with its password.
    const EngineSettings settings = m_controller->engineSettings();
    const UpstreamProfile* profile = nullptr;
    for (const UpstreamProfile& candidate : settings.profiles) {
        if (candidate.id == id)
            profile = &candidate;
    }
    if (!profile) {
        m_checkResult->setText(
            m_controller->isWaitingForPassword(id)
                ? tr("Not checked: the password of this exit is not available yet.")
                : tr("Not checked: this exit is not in use."));
        return;
    }
    m_checkingId = id;
    m_checker = new ProfileChecker(*profile, url, kCheckTimeoutMs, this);
    connect(m_checker, &ProfileChecker::finished, this,
            [this, id](const ProfileCheckResult& result) {
                m_checker->deleteLater();
                m_checker = nullptr;
                m_checkingId.clear();
                m_model->setChecking(id, false);
                m_controller->setCheckResult(id, result);
                onCheckFinished(id, result);
                updateButtons();
                Q_EMIT checkFinished(id, result);
            });
    m_model->setChecking(id, true);
    m_checkResult->setText(
        tr("Checking %1 through “%2”…").arg(url.toDisplayString(), profile->name));
    updateButtons();
    m_checker->start();
}

void ExitsPage::onCheckFinished(const QString& profileId, const ProfileCheckResult& result)
{
    if (profileId != selectedId())
        return;
    if (result.ok)
        m_checkResult->setText(
            tr("OK: HTTP %1 after %2 ms.").arg(result.httpStatus).arg(result.latencyMs));
    else
        m_checkResult->setText(tr("Failed: %1").arg(result.error));
}

} // namespace Switchyard
