// SettingsController: every change is saved at once and reaches the engine's
// settings; a change that cannot be saved, or that would store an invalid rule
// or exit, is refused with a reason and changes nothing; an exit whose password
// is not there yet stays out of the engine's settings (fail closed).

#include "RuleEngine.h"
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsController.h"
#include "SettingsStore.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

class TestSettingsController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rulesAreSavedAndApplied();
    void invalidRuleIsRefused();
    void routeThisHostGoesFirstOnce();
    void defaultActionNeedsAnExistingExit();
    void profilesAreValidatedAndSavedWithoutPasswords();
    void removedExitBlocksItsRules();
    void exitWaitingForPasswordIsLeftOut();
    void unwritableFileRefusesTheChange();
    void exportAndImport();
    void pickerMarksFailingExits();

private:
    void makeController(const SettingsDocument& document = {});
    SettingsDocument reread() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SettingsStore> m_store;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<SecretsLoader> m_loader;
    std::unique_ptr<SettingsController> m_controller;
};

namespace {

UpstreamProfile exitNamed(const QString& id, const QString& name, const QString& user = {})
{
    UpstreamProfile profile;
    profile.id = id;
    profile.name = name;
    profile.type = UpstreamProfile::Type::Socks5;
    profile.host = u"127.0.0.1"_s;
    profile.port = 1080;
    profile.username = user;
    return profile;
}

Rule rule(Rule::Matcher matcher, const QString& pattern, const RouteAction& action)
{
    Rule result;
    result.matcher = matcher;
    result.pattern = pattern;
    result.action = action;
    return result;
}

} // namespace

void TestSettingsController::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSettingsController::cleanup()
{
    m_controller.reset();
    m_loader.reset();
    m_secrets.reset();
    m_store.reset();
}

void TestSettingsController::makeController(const SettingsDocument& document)
{
    m_store = std::make_unique<SettingsStore>(m_dir->filePath(u"settings.json"_s));
    QVERIFY(m_store->save(document).ok());
    m_secrets = std::make_unique<SecretStore>();
    m_loader = std::make_unique<SecretsLoader>(m_secrets.get());
    m_loader->load(document);
    m_controller = std::make_unique<SettingsController>(document, m_store.get(), m_secrets.get(),
                                                        m_loader.get());
}

SettingsDocument TestSettingsController::reread() const
{
    SettingsStore store(m_store->filePath());
    return store.load(SettingsStore::LoadMode::ReadOnly).document;
}

void TestSettingsController::rulesAreSavedAndApplied()
{
    makeController();
    QSignalSpy applied(m_controller.get(), &SettingsController::engineSettingsChanged);
    QSignalSpy changed(m_controller.get(), &SettingsController::rulesChanged);
    const QList<Rule> rules{rule(Rule::Matcher::Domain, u"example.com"_s, RouteAction::block())};
    QString error;
    QVERIFY2(m_controller->setRules(rules, &error), qPrintable(error));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.constFirst().constFirst().value<EngineSettings>().routing.rules, rules);
    QCOMPARE(reread().engine.routing.rules, rules);
    // The same list again is no change: nothing saved, nothing sent.
    QVERIFY(m_controller->setRules(rules));
    QCOMPARE(applied.size(), 1);
}

void TestSettingsController::invalidRuleIsRefused()
{
    makeController();
    const QList<Rule> before{rule(Rule::Matcher::Keyword, u"ads"_s, RouteAction::block())};
    QVERIFY(m_controller->setRules(before));
    QSignalSpy applied(m_controller.get(), &SettingsController::engineSettingsChanged);
    for (const Rule& bad : {rule(Rule::Matcher::HostRegex, u"(unclosed"_s, RouteAction::block()),
                            rule(Rule::Matcher::IpCidr, u"10.0.0.0/33"_s, RouteAction::direct()),
                            rule(Rule::Matcher::Port, u"9000-80"_s, RouteAction::block()),
                            rule(Rule::Matcher::Domain, QString(), RouteAction::block())}) {
        QString error;
        QVERIFY(!m_controller->setRules(before + QList<Rule>{bad}, &error));
        QVERIFY2(error.contains(u"Rule 2"_s), qPrintable(error));
    }
    QCOMPARE(applied.size(), 0);
    QCOMPARE(m_controller->routing().rules, before);
    QCOMPARE(reread().engine.routing.rules, before);
}

void TestSettingsController::routeThisHostGoesFirstOnce()
{
    makeController();
    QVERIFY(m_controller->setRules({rule(Rule::Matcher::Keyword, u"ads"_s, RouteAction::block())}));
    const Rule added = rule(Rule::Matcher::ExactHost, u"a.example"_s, RouteAction::direct());
    QVERIFY(m_controller->addRuleFirst(added));
    QVERIFY(m_controller->addRuleFirst(
        rule(Rule::Matcher::ExactHost, u"a.example"_s, RouteAction::block())));
    const QList<Rule> rules = m_controller->routing().rules;
    QCOMPARE(rules.size(), 2); // the host once, with the newest action, first
    QCOMPARE(rules.at(0).pattern, u"a.example"_s);
    QCOMPARE(rules.at(0).action, RouteAction::block());
    QCOMPARE(rules.at(1).pattern, u"ads"_s);
}

void TestSettingsController::defaultActionNeedsAnExistingExit()
{
    SettingsDocument document;
    document.engine.profiles = {exitNamed(u"one"_s, u"One"_s)};
    makeController(document);
    QSignalSpy changed(m_controller.get(), &SettingsController::defaultActionChanged);
    QString error;
    QVERIFY(!m_controller->setDefaultAction(RouteAction::through(u"nope"_s), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(m_controller->setDefaultAction(RouteAction::through(u"one"_s)));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(reread().engine.routing.defaultAction, RouteAction::through(u"one"_s));
    QCOMPARE(m_controller->routeName(RouteAction::through(u"one"_s)), u"One"_s);
}

void TestSettingsController::profilesAreValidatedAndSavedWithoutPasswords()
{
    makeController();
    UpstreamProfile bad = exitNamed(u"bad"_s, u"Bad"_s);
    bad.host.clear();
    QString error;
    QVERIFY(!m_controller->saveProfile(bad, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(m_controller->profiles().isEmpty());

    UpstreamProfile good = exitNamed(QString(), u"Good"_s);
    good.password = u"hunter2-never-on-disk"_s;
    QVERIFY2(m_controller->saveProfile(good, &error), qPrintable(error));
    QCOMPARE(m_controller->profiles().size(), 1);
    const QString id = m_controller->profiles().constFirst().id;
    QVERIFY(!id.isEmpty()); // a new exit gets an id
    QVERIFY(m_controller->profiles().constFirst().password.isEmpty());
    QFile file(m_store->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("hunter2"));

    // A rename keeps the id (and so the keychain entry).
    UpstreamProfile renamed = m_controller->profiles().constFirst();
    renamed.name = u"Better"_s;
    QVERIFY(m_controller->saveProfile(renamed));
    QCOMPARE(m_controller->profiles().size(), 1);
    QCOMPARE(reread().engine.profiles.constFirst().name, u"Better"_s);
    QCOMPARE(reread().engine.profiles.constFirst().id, id);
}

void TestSettingsController::removedExitBlocksItsRules()
{
    SettingsDocument document;
    document.engine.profiles = {exitNamed(u"one"_s, u"One"_s)};
    document.engine.routing.rules = {
        rule(Rule::Matcher::Domain, u"a.example"_s, RouteAction::through(u"one"_s))};
    makeController(document);
    QCOMPARE(m_controller->rulesUsing(u"one"_s), 1);
    QVERIFY(m_controller->removeProfile(u"one"_s));
    QVERIFY(m_controller->profiles().isEmpty());
    // The rule stays and now blocks: never direct.
    const EngineSettings settings = m_controller->engineSettings();
    const auto engine = RuleEngine::build(settings.routing, settings.profiles);
    QCOMPARE(engine->explain(u"http://a.example/"_s).decision.action.kind,
             RouteAction::Kind::Block);
    QVERIFY(!m_controller->removeProfile(u"one"_s));
}

void TestSettingsController::exitWaitingForPasswordIsLeftOut()
{
    // An exit with a user name needs a password; with no keychain reachable
    // here (no session bus) it is Failed or Pending, and must not be used.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    SettingsDocument document;
    document.engine.profiles = {exitNamed(u"auth"_s, u"Auth"_s, u"alice"_s),
                                exitNamed(u"open"_s, u"Open"_s)};
    document.engine.routing.defaultAction = RouteAction::through(u"auth"_s);
    makeController(document);
    QTRY_VERIFY_WITH_TIMEOUT(m_loader->isComplete(), 10'000);
    QVERIFY(m_controller->isWaitingForPassword(u"auth"_s));
    QVERIFY(!m_controller->isWaitingForPassword(u"open"_s));
    QVERIFY(m_controller->isUnusable(RouteAction::through(u"auth"_s)));
    const EngineSettings settings = m_controller->engineSettings();
    QCOMPARE(settings.profiles.size(), 1);
    QCOMPARE(settings.profiles.constFirst().id, u"open"_s);
    const auto engine = RuleEngine::build(settings.routing, settings.profiles);
    QCOMPARE(engine->explain(u"http://b.example/"_s).decision.action.kind,
             RouteAction::Kind::Block);

    // The user agrees to keep it for this run: the exit comes back, and the
    // password is nowhere on disk.
    QSignalSpy applied(m_controller.get(), &SettingsController::engineSettingsChanged);
    m_controller->keepPasswordForThisRun(u"auth"_s, u"in-memory-only"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isWaitingForPassword(u"auth"_s), 5000);
    QVERIFY(applied.size() >= 1);
    const EngineSettings after = m_controller->engineSettings();
    QCOMPARE(after.profiles.size(), 2);
    QCOMPARE(m_controller->profile(u"auth"_s)->password, QString()); // not in the document
    bool found = false;
    for (const UpstreamProfile& profile : after.profiles)
        found = found || (profile.id == u"auth"_s && profile.password == u"in-memory-only"_s);
    QVERIFY(found);
    QFile file(m_store->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("in-memory-only"));
}

void TestSettingsController::unwritableFileRefusesTheChange()
{
    makeController();
    // The settings file's place becomes a folder: the save cannot happen.
    QVERIFY(QFile::remove(m_store->filePath()));
    QVERIFY(QDir().mkpath(m_store->filePath() + u"/blocker"_s));
    QSignalSpy applied(m_controller.get(), &SettingsController::engineSettingsChanged);
    QString error;
    QVERIFY(!m_controller->setRules(
        {rule(Rule::Matcher::Domain, u"x.example"_s, RouteAction::block())}, &error));
    QVERIFY2(error.contains(u"nothing was changed"_s), qPrintable(error));
    QVERIFY(m_controller->routing().rules.isEmpty());
    QCOMPARE(applied.size(), 0);
}

void TestSettingsController::exportAndImport()
{
    SettingsDocument document;
    document.engine.profiles = {exitNamed(u"one"_s, u"One"_s)};
    document.engine.routing.rules = {
        rule(Rule::Matcher::Domain, u"a.example"_s, RouteAction::through(u"one"_s))};
    makeController(document);
    const QString exported = m_dir->filePath(u"export.json"_s);
    QVERIFY(m_controller->exportTo(exported));

    // Into a fresh controller, merged: the exit and the rule arrive.
    const QString exportedCopy = QDir::temp().filePath(
        u"switchyard-export-%1.json"_s.arg(QCoreApplication::applicationPid()));
    QFile::remove(exportedCopy);
    QVERIFY(QFile::copy(exported, exportedCopy));
    cleanup();
    m_dir = std::make_unique<QTemporaryDir>();
    makeController();
    QSignalSpy profiles(m_controller.get(), &SettingsController::profilesChanged);
    QString error;
    const SettingsImport import = SettingsStore::importFrom(exportedCopy);
    QFile::remove(exportedCopy);
    QVERIFY2(m_controller->importFrom(import, SettingsImport::Mode::Merge, &error),
             qPrintable(error));
    QCOMPARE(profiles.size(), 1);
    QCOMPARE(m_controller->profiles().size(), 1);
    QCOMPARE(m_controller->routing().rules.size(), 1);
    QCOMPARE(reread().engine.routing.rules.size(), 1);

    // A broken file is refused and changes nothing.
    const QString broken = m_dir->filePath(u"broken.json"_s);
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{ not json");
    file.close();
    QVERIFY(!m_controller->importFrom(SettingsStore::importFrom(broken),
                                      SettingsImport::Mode::Replace, &error));
    QCOMPARE(m_controller->profiles().size(), 1);
}

void TestSettingsController::pickerMarksFailingExits()
{
    SettingsDocument document;
    document.engine.profiles = {exitNamed(u"one"_s, u"One"_s)};
    makeController(document);
    const QList<RouteAction> choices = m_controller->pickerChoices();
    QCOMPARE(choices.size(), 3);
    QCOMPARE(choices.at(0), RouteAction::direct());
    QCOMPARE(choices.at(1), RouteAction::through(u"one"_s));
    QCOMPARE(choices.at(2), RouteAction::block());
    QCOMPARE(m_controller->pickerText(choices.at(1)), u"One"_s);
    QVERIFY(!m_controller->isFailing(u"one"_s));

    QSignalSpy state(m_controller.get(), &SettingsController::exitStateChanged);
    ProfileCheckResult failed;
    failed.error = u"refused"_s;
    m_controller->setCheckResult(u"one"_s, failed);
    QCOMPARE(state.size(), 1);
    QVERIFY(m_controller->isFailing(u"one"_s));
    QVERIFY(m_controller->pickerText(choices.at(1)).contains(u"failing"_s));
    ProfileCheckResult ok;
    ok.ok = true;
    m_controller->setCheckResult(u"one"_s, ok);
    QVERIFY(!m_controller->isFailing(u"one"_s));
}

QTEST_GUILESS_MAIN(TestSettingsController)
#include "tst_settingscontroller.moc"
