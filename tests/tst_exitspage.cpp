// The exits editor on the offscreen platform: the form filled from proxy URIs,
// validation errors, add / rename / delete with the password in a REAL
// keychain (run through tests/run-with-keyring.sh, as ctest does), the Check
// button against a real SOCKS5 exit (microsocks with a password) and a dead
// port, and - in a child process with no session bus at all - the message
// naming the cause and the "keep for this run" path, with the password in
// memory only.

#include "ExitListModel.h"
#include "ExitsPage.h"
#include "FreePort.h"
#include "LoopbackOrigin.h"
#include "ProfileForm.h"
#include "RouteActionCombo.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsController.h"
#include "SettingsStore.h"
#include "UpstreamSocksServer.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int kKeychainTimeoutMs = 15'000;
constexpr int kCheckTimeoutMs = 15'000;

/// The page with its questions answered by the test instead of a message box.
class TestableExitsPage : public ExitsPage
{
public:
    using ExitsPage::ExitsPage;

    bool deleteAnswer = true;
    bool keepAnswer = true;
    QStringList deleteQuestions;
    QStringList keepQuestions;

protected:
    bool confirmDelete(const QString& question) override
    {
        deleteQuestions.append(question);
        return deleteAnswer;
    }
    bool askKeepForThisRun(const QString& message) override
    {
        keepQuestions.append(message);
        return keepAnswer;
    }
};

bool isChild()
{
    return qEnvironmentVariableIsSet("SWITCHYARD_EXITSPAGE_CHILD");
}

/// What secret-tool (libsecret, like any other program) finds under our key.
QByteArray secretToolLookup(const QString& key, bool* found)
{
    QProcess process;
    process.start(u"secret-tool"_s,
                  {u"lookup"_s, u"server"_s, SecretStore::serviceName(), u"user"_s, key});
    *found = false;
    if (!process.waitForFinished(10'000))
        return {};
    *found = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return process.readAllStandardOutput();
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Types into the form the way a user does (so the password counts as typed).
void fillForm(ProfileForm* form, const QString& name, UpstreamProfile::Type type,
              const QString& host, quint16 port, const QString& username = {},
              const QString& password = {})
{
    form->nameEdit()->clear();
    QTest::keyClicks(form->nameEdit(), name);
    form->typeBox()->setCurrentIndex(form->typeBox()->findData(static_cast<int>(type)));
    form->hostEdit()->clear();
    QTest::keyClicks(form->hostEdit(), host);
    form->portBox()->setValue(port);
    form->usernameEdit()->clear();
    QTest::keyClicks(form->usernameEdit(), username);
    form->passwordEdit()->clear();
    QTest::keyClicks(form->passwordEdit(), password);
}

const UpstreamProfile* engineProfile(const EngineSettings& settings, const QString& id,
                                     UpstreamProfile* copy)
{
    for (const UpstreamProfile& profile : settings.profiles) {
        if (profile.id == id) {
            *copy = profile;
            return copy;
        }
    }
    return nullptr;
}

} // namespace

class TestExitsPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void fillFromUri_data();
    void fillFromUri();
    void badUri_data();
    void badUri();
    void validationErrors();
    void typeOptions();
    void addRenameDeleteWithKeychain();
    void removeStoredPassword();
    void checkThroughRealExit();
    void checkDeadPortMarksExitFailing();
    void withoutKeychain();
    void childWithoutKeychain();

private:
    void makePage();
    QString addThroughForm(const QString& name, UpstreamProfile::Type type, const QString& host,
                           quint16 port, const QString& username = {},
                           const QString& password = {});
    /// Runs the Check button on the selected exit and waits for its answer.
    bool runCheck(const QString& url, ProfileCheckResult* result);
    QString settingsPath() const { return m_dir->filePath(u"settings.json"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SettingsStore> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<SecretsLoader> m_loader;
    std::unique_ptr<SettingsController> m_controller;
    std::unique_ptr<TestableExitsPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestExitsPage::initTestCase()
{
    if (isChild())
        return;
    if (!qEnvironmentVariableIsSet("SWITCHYARD_TEST_KEYRING"))
        QSKIP("needs a real keychain: run through tests/run-with-keyring.sh (ctest does)");
    QVERIFY2(!QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty(),
             "secret-tool is needed (libsecret-tools)");
}

void TestExitsPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<SettingsStore>(settingsPath());
    m_secrets = std::make_unique<SecretStore>();
    m_loader = std::make_unique<SecretsLoader>(m_secrets.get());
    makePage();
}

void TestExitsPage::makePage()
{
    SettingsDocument document;
    QVERIFY(m_store->save(document).ok());
    m_loader->load(document);
    m_controller = std::make_unique<SettingsController>(document, m_store.get(), m_secrets.get(),
                                                        m_loader.get());
    m_page = std::make_unique<TestableExitsPage>(m_controller.get());
    m_page->resize(800, 700);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestExitsPage::cleanup()
{
    m_tester.reset();
    m_page.reset();
    m_controller.reset();
    m_loader.reset();
    m_secrets.reset();
    m_store.reset();
    m_dir.reset();
}

QString TestExitsPage::addThroughForm(const QString& name, UpstreamProfile::Type type,
                                      const QString& host, quint16 port, const QString& username,
                                      const QString& password)
{
    QTest::mouseClick(m_page->newButton(), Qt::LeftButton);
    fillForm(m_page->form(), name, type, host, port, username, password);
    QSignalSpy handled(m_page.get(), &ExitsPage::passwordHandled);
    const int before = int(m_controller->profiles().size());
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    if (m_controller->profiles().size() != before + 1)
        return {};
    const QString id = m_controller->profiles().constLast().id;
    if (m_page->selectedId() != id)
        return {};
    if (!password.isEmpty() && !handled.wait(kKeychainTimeoutMs))
        return {};
    return id;
}

bool TestExitsPage::runCheck(const QString& url, ProfileCheckResult* result)
{
    m_page->checkUrlEdit()->setText(url);
    QSignalSpy finished(m_page.get(), &ExitsPage::checkFinished);
    QTest::mouseClick(m_page->checkButton(), Qt::LeftButton);
    if (finished.isEmpty()) {
        // Running in the background: the button waits for it.
        if (m_page->checkButton()->isEnabled() || !m_page->isChecking())
            return false;
        if (m_page->model()->status(m_page->selectedId()) != ExitListModel::Status::Checking)
            return false;
        if (!finished.wait(kCheckTimeoutMs))
            return false;
    }
    *result = finished.constFirst().at(1).value<ProfileCheckResult>();
    return m_page->checkButton()->isEnabled() && !m_page->isChecking();
}

void TestExitsPage::fillFromUri_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("resolveAtExit");

    QTest::newRow("http") << u"http://proxy.test:3128"_s << int(UpstreamProfile::Type::Http)
                          << u"proxy.test"_s << 3128 << QString() << QString() << true;
    QTest::newRow("https with user")
        << u"https://carol:p%40ss%3Aword@secure.test:8443"_s << int(UpstreamProfile::Type::Https)
        << u"secure.test"_s << 8443 << u"carol"_s << u"p@ss:word"_s << true;
    QTest::newRow("socks5 resolves here")
        << u"socks5://127.0.0.1:1080"_s << int(UpstreamProfile::Type::Socks5) << u"127.0.0.1"_s
        << 1080 << QString() << QString() << false;
    QTest::newRow("socks5h resolves at exit")
        << u"socks5h://alice:s3cret@exit.test:1081"_s << int(UpstreamProfile::Type::Socks5)
        << u"exit.test"_s << 1081 << u"alice"_s << u"s3cret"_s << true;
    QTest::newRow("socks4a") << u"socks4a://bob@relay.test:1082"_s
                             << int(UpstreamProfile::Type::Socks4a) << u"relay.test"_s << 1082
                             << u"bob"_s << QString() << true;
}

void TestExitsPage::fillFromUri()
{
    QFETCH(QString, uri);
    QFETCH(int, type);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(bool, resolveAtExit);

    ProfileForm* form = m_page->form();
    QTest::keyClicks(form->uriEdit(), uri);
    QTest::mouseClick(form->fillButton(), Qt::LeftButton);
    QCOMPARE(form->uriError(), QString());
    const UpstreamProfile profile = form->profile();
    QCOMPARE(int(profile.type), type);
    QCOMPARE(profile.host, host);
    QCOMPARE(int(profile.port), port);
    QCOMPARE(profile.username, username);
    QCOMPARE(profile.password, password);
    QCOMPARE(form->passwordEdited(), !password.isEmpty());
    QCOMPARE(profile.resolveAtExit, resolveAtExit);
    QCOMPARE(profile.name, host); // a name to start from
    // The URI (with its password) does not stay in the field.
    QVERIFY(form->uriEdit()->text().isEmpty());
    QCOMPARE(form->resolveAtExitBox()->isEnabled(), type == int(UpstreamProfile::Type::Socks5));
    QCOMPARE(form->allowSelfSignedBox()->isEnabled(), type == int(UpstreamProfile::Type::Https));
    QCOMPARE(form->validate(), QString());
}

void TestExitsPage::badUri_data()
{
    QTest::addColumn<QString>("uri");
    QTest::newRow("other scheme") << u"ftp://proxy.test:21"_s;
    QTest::newRow("no scheme") << u"proxy.test:3128"_s;
    QTest::newRow("no host") << u"http://:8080"_s;
    QTest::newRow("bad port") << u"socks5://proxy.test:99999"_s;
    QTest::newRow("words") << u"not a proxy at all"_s;
    QTest::newRow("empty") << QString();
}

void TestExitsPage::badUri()
{
    QFETCH(QString, uri);
    ProfileForm* form = m_page->form();
    fillForm(form, u"Kept"_s, UpstreamProfile::Type::Http, u"kept.test"_s, 8080);
    const UpstreamProfile before = form->profile();
    form->uriEdit()->setText(uri);
    QTest::keyClick(form->uriEdit(), Qt::Key_Return);
    QVERIFY2(form->uriError().startsWith(u"Not a usable proxy URI"_s),
             qPrintable(form->uriError()));
    QCOMPARE(form->profile(), before); // nothing half-filled
    // Fixed, the error goes away.
    form->uriEdit()->setText(u"http://fixed.test:3128"_s);
    QTest::mouseClick(form->fillButton(), Qt::LeftButton);
    QCOMPARE(form->uriError(), QString());
    QCOMPARE(form->profile().host, u"fixed.test"_s);
}

void TestExitsPage::validationErrors()
{
    ProfileForm* form = m_page->form();
    // No name.
    fillForm(form, QString(), UpstreamProfile::Type::Http, u"proxy.test"_s, 3128);
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QVERIFY2(form->error().contains(u"name"_s), qPrintable(form->error()));
    QVERIFY(m_controller->profiles().isEmpty());
    // No host.
    fillForm(form, u"Nowhere"_s, UpstreamProfile::Type::Http, QString(), 3128);
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QVERIFY2(form->error().contains(u"no host"_s), qPrintable(form->error()));
    // No port.
    fillForm(form, u"Nowhere"_s, UpstreamProfile::Type::Http, u"proxy.test"_s, 0);
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QVERIFY2(form->error().contains(u"no port"_s), qPrintable(form->error()));
    // A SOCKS5 user name over 255 bytes.
    fillForm(form, u"Long"_s, UpstreamProfile::Type::Socks5, u"proxy.test"_s, 1080,
             QString(300, u'u'));
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QVERIFY2(form->error().contains(u"255"_s), qPrintable(form->error()));
    QVERIFY(m_controller->profiles().isEmpty());
    QVERIFY(!readAll(settingsPath()).contains("proxy.test"));

    // Fixed, it is added and the error is gone.
    fillForm(form, u"Fine"_s, UpstreamProfile::Type::Http, u"proxy.test"_s, 3128);
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    QCOMPARE(m_controller->profiles().size(), 1);
    QCOMPARE(form->error(), QString());
    // Save with nothing selected is not possible.
    QTest::mouseClick(m_page->newButton(), Qt::LeftButton);
    QVERIFY(!m_page->saveButton()->isEnabled());
    QVERIFY(!m_page->deleteButton()->isEnabled());
    QVERIFY(!m_page->checkButton()->isEnabled());
}

void TestExitsPage::typeOptions()
{
    ProfileForm* form = m_page->form();
    QComboBox* type = form->typeBox();
    type->setCurrentIndex(type->findData(int(UpstreamProfile::Type::Https)));
    QCOMPARE(form->portBox()->value(),
             int(UpstreamProfile::defaultPort(UpstreamProfile::Type::Https)));
    QVERIFY(form->allowSelfSignedBox()->isEnabled());
    QVERIFY(!form->resolveAtExitBox()->isEnabled());
    QVERIFY(form->selfSignedWarning()->isHidden());
    form->allowSelfSignedBox()->setChecked(true);
    QVERIFY(form->selfSignedWarning()->isVisible()); // the warning while it is on
    QVERIFY(form->selfSignedWarning()->text().contains(u"Warning"_s));

    type->setCurrentIndex(type->findData(int(UpstreamProfile::Type::Socks5)));
    QCOMPARE(form->portBox()->value(), 1080); // followed the type's usual port
    QVERIFY(form->selfSignedWarning()->isHidden());
    QVERIFY(!form->allowSelfSignedBox()->isEnabled());
    QVERIFY(form->resolveAtExitBox()->isEnabled());

    // A port chosen by the user stays.
    form->portBox()->setValue(9050);
    type->setCurrentIndex(type->findData(int(UpstreamProfile::Type::Http)));
    QCOMPARE(form->portBox()->value(), 9050);

    // SOCKS4a has no password.
    type->setCurrentIndex(type->findData(int(UpstreamProfile::Type::Socks4a)));
    QVERIFY(!form->passwordEdit()->isEnabled());
    QCOMPARE(form->passwordEdit()->echoMode(), QLineEdit::Password);
}

void TestExitsPage::addRenameDeleteWithKeychain()
{
    const QString password = u"kc p@ss-add #1"_s; // typed: ASCII only
    const QString id = addThroughForm(u"Work"_s, UpstreamProfile::Type::Http, u"127.0.0.1"_s, 3128,
                                      u"alice"_s, password);
    QVERIFY(!id.isEmpty());
    QVERIFY2(m_page->messageLabel()->text().contains(u"stored in the system keychain"_s),
             qPrintable(m_page->messageLabel()->text()));
    QVERIFY(m_page->keepQuestions.isEmpty());
    const QString key = SecretStore::profileKey(id);
    bool found = false;
    QCOMPARE(QString::fromUtf8(secretToolLookup(key, &found)), password);
    QVERIFY(found);
    // The engine gets it once the loader has read it back; the file never does.
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isWaitingForPassword(id), kKeychainTimeoutMs);
    UpstreamProfile running;
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password == password,
                             kKeychainTimeoutMs);
    QVERIFY(!readAll(settingsPath()).contains(password.toUtf8()));
    QVERIFY(!readAll(settingsPath()).contains("kc p"));
    // The form shows no password, only that one is stored.
    QVERIFY(m_page->form()->passwordEdit()->text().isEmpty());
    QVERIFY(!m_page->form()->passwordEdit()->placeholderText().isEmpty());
    const int row = m_page->model()->rowOf(id);
    QCOMPARE(m_page->model()->index(row, ExitListModel::NameColumn).data().toString(), u"Work"_s);
    QCOMPARE(m_page->model()->index(row, ExitListModel::AddressColumn).data().toString(),
             u"127.0.0.1:3128"_s);
    QCOMPARE(m_page->model()->index(row, ExitListModel::StatusColumn).data().toString(),
             u"unchecked"_s);

    // Rename: same id, same keychain entry, password untouched.
    m_page->selectExit(id);
    m_page->form()->nameEdit()->clear();
    QTest::keyClicks(m_page->form()->nameEdit(), u"Office"_s);
    QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
    QCOMPARE(m_controller->profiles().size(), 1);
    QCOMPARE(m_controller->profile(id)->name, u"Office"_s);
    QCOMPARE(m_page->model()->index(row, ExitListModel::NameColumn).data().toString(), u"Office"_s);
    QCOMPARE(QString::fromUtf8(secretToolLookup(key, &found)), password);
    QVERIFY(found);
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password == password && running.name == u"Office"_s,
                             kKeychainTimeoutMs);

    // A new password typed over it replaces the entry.
    QSignalSpy handled(m_page.get(), &ExitsPage::passwordHandled);
    QTest::keyClicks(m_page->form()->passwordEdit(), u"second"_s);
    QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
    QVERIFY(handled.wait(kKeychainTimeoutMs));
    QCOMPARE(secretToolLookup(key, &found), QByteArray("second"));

    // Delete: the question says what uses it; No keeps everything.
    QVERIFY(m_controller->setRules(
        {Rule{Rule::Matcher::Domain, u"a.test"_s, RouteAction::through(id), true, {}},
         Rule{Rule::Matcher::Domain, u"b.test"_s, RouteAction::through(id), true, {}}}));
    QVERIFY(m_controller->setDefaultAction(RouteAction::through(id)));
    m_page->deleteAnswer = false;
    QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
    QCOMPARE(m_page->deleteQuestions.size(), 1);
    const QString question = m_page->deleteQuestions.constFirst();
    QVERIFY2(question.contains(u"Office"_s), qPrintable(question));
    QVERIFY2(question.contains(u"2 rule(s)"_s), qPrintable(question));
    QVERIFY2(question.contains(u"no rule matches"_s), qPrintable(question));
    QVERIFY(m_controller->profile(id));
    QCOMPARE(secretToolLookup(key, &found), QByteArray("second"));

    m_page->deleteAnswer = true;
    QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
    QVERIFY(!m_controller->profile(id));
    QCOMPARE(m_page->model()->rowCount(), 0);
    QVERIFY(m_page->selectedId().isEmpty());
    const auto entryGone = [&] {
        bool present = false;
        secretToolLookup(key, &present);
        return !present;
    };
    QTRY_VERIFY_WITH_TIMEOUT(entryGone(), kKeychainTimeoutMs);
    QVERIFY(!readAll(settingsPath()).contains("Office"));
}

void TestExitsPage::removeStoredPassword()
{
    const QString id = addThroughForm(u"Removable"_s, UpstreamProfile::Type::Socks5, u"127.0.0.1"_s,
                                      1080, u"bob"_s, u"to-be-removed"_s);
    QVERIFY(!id.isEmpty());
    const QString key = SecretStore::profileKey(id);
    bool found = false;
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isWaitingForPassword(id), kKeychainTimeoutMs);
    QCOMPARE(secretToolLookup(key, &found), QByteArray("to-be-removed"));
    m_page->selectExit(id);
    QCheckBox* remove = m_page->form()->removePasswordBox();
    QVERIFY(remove->isVisibleTo(m_page.get()));

    // An empty password field keeps the stored one; only the box removes it.
    QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
    QTest::qWait(200);
    QCOMPARE(secretToolLookup(key, &found), QByteArray("to-be-removed"));
    QVERIFY(found);

    remove->setChecked(true);
    QVERIFY(!m_page->form()->passwordEdit()->isEnabled());
    QSignalSpy handled(m_page.get(), &ExitsPage::passwordHandled);
    QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
    QVERIFY(handled.wait(kKeychainTimeoutMs));
    QVERIFY2(m_page->messageLabel()->text().contains(u"removed"_s),
             qPrintable(m_page->messageLabel()->text()));
    const auto entryGone = [&] {
        bool present = false;
        secretToolLookup(key, &present);
        return !present;
    };
    QTRY_VERIFY_WITH_TIMEOUT(entryGone(), kKeychainTimeoutMs);
    // The exit goes on without a password (not blocked as one waiting for it),
    // and the form no longer offers to remove one.
    UpstreamProfile running;
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password.isEmpty(),
                             kKeychainTimeoutMs);
    QVERIFY(!m_controller->mayHaveStoredPassword(id));
    QVERIFY(!remove->isVisibleTo(m_page.get()));
    QVERIFY(m_page->form()->passwordEdit()->isEnabled());
}

void TestExitsPage::checkThroughRealExit()
{
    LoopbackOrigin origin;
    QVERIFY(origin.start());
    UpstreamSocksServer::Options options;
    options.kind = UpstreamSocksServer::Kind::Microsocks;
    options.username = u"sockuser"_s;
    options.password = u"sock-pass-1"_s;
    UpstreamSocksServer socks(options);
    QVERIFY2(socks.start(), qPrintable(socks.errorString()));

    // The password only ever goes into the form and from there to the keychain;
    // the check must find it there.
    const QString id = addThroughForm(u"Socks"_s, UpstreamProfile::Type::Socks5, socks.host(),
                                      socks.port(), options.username, options.password);
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isWaitingForPassword(id), kKeychainTimeoutMs);
    UpstreamProfile running;
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password == options.password,
                             kKeychainTimeoutMs);

    QCOMPARE(m_page->checkUrlEdit()->text(), QString::fromLatin1(ProfileChecker::defaultUrl));
    ProfileCheckResult result;
    QVERIFY(runCheck(origin.url(u"/status/204"_s), &result));
    QVERIFY2(result.ok, qPrintable(result.error + u'\n' + socks.diagnostics()));
    QCOMPARE(result.httpStatus, 204);
    QVERIFY(result.latencyMs >= 0);
    const QString label = m_page->checkResultLabel()->text();
    QVERIFY2(label.startsWith(u"OK: HTTP 204 after "_s), qPrintable(label));
    QVERIFY(!m_controller->isFailing(id));
    QVERIFY(m_controller->checkResult(id) && m_controller->checkResult(id)->ok);
    const QString status = m_page->model()->statusText(id);
    QVERIFY2(status.startsWith(u"OK "_s) && status.endsWith(u" ms"_s), qPrintable(status));
    QVERIFY(socks.waitForConnectionTo(u"127.0.0.1"_s, origin.port()));
    QVERIFY(origin.findRequest("/status/204").has_value());

    // A wrong password is a failure that names the exit, never a success.
    m_page->selectExit(id);
    QSignalSpy handled(m_page.get(), &ExitsPage::passwordHandled);
    QTest::keyClicks(m_page->form()->passwordEdit(), u"wrong"_s);
    QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
    QVERIFY(handled.wait(kKeychainTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password == u"wrong"_s,
                             kKeychainTimeoutMs);
    QVERIFY(runCheck(origin.url(u"/status/204"_s), &result));
    QVERIFY(!result.ok);
    QVERIFY(m_controller->isFailing(id));
    QVERIFY(!result.error.contains(u"wrong"_s)); // never the password
    QVERIFY(!m_page->checkResultLabel()->text().contains(u"wrong"_s));
}

void TestExitsPage::checkDeadPortMarksExitFailing()
{
    const quint16 dead = FreePort::refusedPort();
    const QString id = addThroughForm(u"Dead"_s, UpstreamProfile::Type::Http, u"127.0.0.1"_s, dead);
    QVERIFY(!id.isEmpty());
    RouteActionCombo picker(m_controller.get());
    const int entry = picker.indexOf(RouteAction::through(id));
    QVERIFY(entry >= 0);
    QCOMPARE(picker.itemText(entry), u"Through Dead"_s);

    ProfileCheckResult result;
    QVERIFY(runCheck(u"http://127.0.0.1:9/"_s, &result));
    QVERIFY(!result.ok);
    QVERIFY2(!result.error.isEmpty(), "a failure says why");
    const QString label = m_page->checkResultLabel()->text();
    QVERIFY2(label.startsWith(u"Failed: "_s) && label.contains(result.error), qPrintable(label));
    QVERIFY(m_controller->isFailing(id));
    const QString status = m_page->model()->statusText(id);
    QVERIFY2(status.startsWith(u"failing: "_s), qPrintable(status));
    QVERIFY(!m_page->model()
                 ->index(m_page->model()->rowOf(id), ExitListModel::StatusColumn)
                 .data(Qt::DecorationRole)
                 .isNull());
    // Every picker marks it.
    QCOMPARE(picker.itemText(picker.indexOf(RouteAction::through(id))),
             u"Through Dead (failing)"_s);
    QVERIFY(m_controller->pickerText(RouteAction::through(id)).contains(u"failing"_s));

    // A check URL that is no http(s) URL is refused before anything runs.
    m_page->checkUrlEdit()->setText(u"gopher://x"_s);
    QTest::mouseClick(m_page->checkButton(), Qt::LeftButton);
    QVERIFY(!m_page->isChecking());
    QVERIFY(m_page->checkResultLabel()->text().contains(u"http://"_s));
}

void TestExitsPage::withoutKeychain()
{
    if (isChild())
        QSKIP("runs in the parent");
    // The same page in a process with no session bus at all, hence no keychain.
    QTemporaryDir scratch;
    QVERIFY(scratch.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    environment.remove(u"DISPLAY"_s); // no X11 autolaunch of another bus
    environment.remove(u"WAYLAND_DISPLAY"_s);
    // GLib also looks for $XDG_RUNTIME_DIR/bus: give it an empty folder.
    const QString runtime = scratch.filePath(u"run"_s);
    QVERIFY(QDir().mkpath(runtime));
    QFile::setPermissions(runtime,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    environment.insert(u"XDG_RUNTIME_DIR"_s, runtime);
    environment.insert(u"XDG_CONFIG_HOME"_s, scratch.filePath(u"config"_s));
    environment.insert(u"SWITCHYARD_EXITSPAGE_CHILD"_s, u"1"_s);
    QProcess child;
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {u"childWithoutKeychain"_s});
    QVERIFY(child.waitForStarted(10'000));
    const bool finished = child.waitForFinished(90'000);
    if (!finished)
        child.kill();
    const QByteArray out = child.readAll();
    QVERIFY2(finished && child.exitCode() == 0, out.constData());
    QVERIFY2(out.contains("PASS   : TestExitsPage::childWithoutKeychain()"), out.constData());
    // QtKeychain's plain-text fallback would have left a settings file behind.
    QDirIterator files(scratch.path(), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QVERIFY2(!readAll(path).contains("only-in-memory"), qPrintable(path));
    }
}

void TestExitsPage::childWithoutKeychain()
{
    if (!isChild())
        QSKIP("runs as a child of withoutKeychain");
    LoopbackOrigin origin;
    QVERIFY(origin.start());
    UpstreamSocksServer::Options options;
    options.username = u"sockuser"_s;
    options.password = u"only-in-memory-1"_s;
    UpstreamSocksServer socks(options);
    QVERIFY2(socks.start(), qPrintable(socks.errorString()));

    // The user agrees to keep it for this run.
    m_page->keepAnswer = true;
    const QString id = addThroughForm(u"Remote"_s, UpstreamProfile::Type::Socks5, socks.host(),
                                      socks.port(), options.username, options.password);
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_page->keepQuestions.size(), 1);
    const QString question = m_page->keepQuestions.constFirst();
    QVERIFY2(question.contains(u"No system keychain is available"_s), qPrintable(question));
    QVERIFY2(question.contains(u"D-Bus"_s), qPrintable(question)); // the cause, named
    QVERIFY(!question.contains(options.password));
    QVERIFY2(m_page->messageLabel()->text().contains(u"kept in memory"_s),
             qPrintable(m_page->messageLabel()->text()));
    QVERIFY(m_secrets->isKeptForThisRun(SecretStore::profileKey(id)));
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isWaitingForPassword(id), kKeychainTimeoutMs);
    UpstreamProfile running;
    QTRY_VERIFY_WITH_TIMEOUT(engineProfile(m_controller->engineSettings(), id, &running) &&
                                 running.password == options.password,
                             kKeychainTimeoutMs);
    // And it works: the check goes through the exit with it.
    ProfileCheckResult result;
    QVERIFY(runCheck(origin.url(u"/status/200"_s), &result));
    QVERIFY2(result.ok, qPrintable(result.error));

    // The user declines for a second exit: it waits for a password, its traffic
    // is blocked, and the page says so.
    m_page->keepAnswer = false;
    const QString declined =
        addThroughForm(u"Declined"_s, UpstreamProfile::Type::Socks5, socks.host(), socks.port(),
                       u"bob"_s, u"only-in-memory-2"_s);
    QVERIFY(!declined.isEmpty());
    QCOMPARE(m_page->keepQuestions.size(), 2);
    QVERIFY2(m_page->messageLabel()->text().contains(u"blocked"_s),
             qPrintable(m_page->messageLabel()->text()));
    QVERIFY(!m_secrets->isKeptForThisRun(SecretStore::profileKey(declined)));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->isWaitingForPassword(declined), kKeychainTimeoutMs);
    QVERIFY(!engineProfile(m_controller->engineSettings(), declined, &running));
    QCOMPARE(m_page->model()->statusText(declined), u"waiting for password"_s);
    m_page->selectExit(declined);
    m_page->checkUrlEdit()->setText(origin.url(u"/status/200"_s));
    QTest::mouseClick(m_page->checkButton(), Qt::LeftButton);
    QVERIFY(!m_page->isChecking());
    QVERIFY(m_page->checkResultLabel()->text().contains(u"password"_s));

    // Nothing on disk holds either password.
    QDirIterator files(m_dir->path(), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QVERIFY2(!readAll(path).contains("only-in-memory"), qPrintable(path));
    }
    QVERIFY(readAll(settingsPath()).contains("Remote"));
}

int main(int argc, char** argv)
{
    // As in the application: Qt's own event dispatcher, not GLib's, so that
    // keychain answers travel through GlibContextPump.
    qputenv("QT_NO_GLIB", "1");
    QApplication app(argc, argv);
    TestExitsPage test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_exitspage.moc"
