// Passwords in a real OS keychain: gnome-keyring on a private D-Bus session
// (tests/run-with-keyring.sh), checked from outside with secret-tool. Also what
// happens with no Secret Service on the bus and with no bus at all, and
// `switchyard --set-password` end to end, from a pipe and from a terminal.
#include "SecretStore.h"
#include "SecretsLoader.h"
#include "SettingsCodec.h"
#include "SettingsMigration.h"
#include "SettingsStore.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>
#include <tuple>
#include <utility>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int answerTimeoutMs = 15'000;
constexpr int processTimeoutMs = 30'000;

bool waitFor(const std::function<bool()>& done, int timeoutMs = answerTimeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

struct ReadOutcome
{
    bool done = false;
    SecretResult result;
    QString secret;
};

ReadOutcome readSecret(SecretStore& store, const QString& key)
{
    ReadOutcome outcome;
    QObject context;
    store.read(key, &context, [&outcome](const SecretResult& result, const QString& secret) {
        outcome.done = true;
        outcome.result = result;
        outcome.secret = secret;
    });
    waitFor([&outcome] { return outcome.done; });
    return outcome;
}

SecretResult writeSecret(SecretStore& store, const QString& key, const QString& secret)
{
    bool done = false;
    SecretResult outcome;
    QObject context;
    store.write(key, secret, &context, [&](const SecretResult& result) {
        done = true;
        outcome = result;
    });
    if (!waitFor([&done] { return done; }))
        outcome = {SecretResult::Status::Failed, key, u"no answer in time"_s, false};
    return outcome;
}

SecretResult removeSecret(SecretStore& store, const QString& key)
{
    bool done = false;
    SecretResult outcome;
    QObject context;
    store.remove(key, &context, [&](const SecretResult& result) {
        done = true;
        outcome = result;
    });
    if (!waitFor([&done] { return done; }))
        outcome = {SecretResult::Status::Failed, key, u"no answer in time"_s, false};
    return outcome;
}

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString& program, const QStringList& arguments, const QByteArray& input = {},
        const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    Run result;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForStarted(processTimeoutMs)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(processTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "did not finish in time";
        return result;
    }
    result.finished = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

/// secret-tool prints the attributes on standard error and the rest on
/// standard output; both together describe an item.
QByteArray secretToolSearch(const QString& key)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"secret-tool"_s, {u"search"_s, u"--all"_s, u"server"_s,
                                     SecretStore::serviceName(), u"user"_s, key});
    process.waitForFinished(processTimeoutMs);
    return process.readAll();
}

/// The secret secret-tool finds for key, or an empty result with found false.
QByteArray secretToolLookup(const QString& key, bool* found)
{
    QProcess process;
    process.start(u"secret-tool"_s,
                  {u"lookup"_s, u"server"_s, SecretStore::serviceName(), u"user"_s, key});
    process.waitForFinished(processTimeoutMs);
    *found = process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    return process.readAllStandardOutput();
}

UpstreamProfile profile(const QString& id, const QString& name, const QString& username,
                        UpstreamProfile::Type type = UpstreamProfile::Type::Http)
{
    UpstreamProfile exit;
    exit.id = id;
    exit.name = name;
    exit.type = type;
    exit.host = u"proxy.example"_s;
    exit.port = 3128;
    exit.username = username;
    return exit;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void keyNames();
    void storeReadChangeDelete();
    void readMissingIsNotFound();
    void answersArriveLaterAndOnlyToLiveContexts();
    void keepForThisRun();
    void renameKeepsEntryDeleteRemovesIt();
    void loaderSaysWhatIsReady();
    void loaderFollowsChanges();
    void settingsAndExportHoldNoPassword();
    void underGlibDispatcher();
    void noSecretServiceOnTheBus();
    void noBusAtAll();
    void childWithoutKeychain();
    void setPasswordFromPipe();
    void setPasswordFromTerminal();
    void setPasswordRefusals_data();
    void setPasswordRefusals();
    void setPasswordWithoutKeychain();
    void headlessWithoutKeychainFailsClosed();
    void windowMovesPlainTextPasswordIntoKeychain();

private:
    bool isChild() const { return qEnvironmentVariableIsSet("SWITCHYARD_SECRETSTORE_CHILD"); }
    /// A D-Bus session bus with nothing on it: no Secret Service, and none to
    /// activate. Its address, or empty on failure.
    QString startEmptyBus();
    QProcessEnvironment environmentWithoutKeychain(bool withBus);
    QString writeSettings(const SettingsDocument& document);

    QTemporaryDir m_dir;
    QString m_binary;
    QProcess m_emptyBus;
    QString m_emptyBusAddress;
};

void TestSecretStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (isChild())
        return;
    if (!qEnvironmentVariableIsSet("SWITCHYARD_TEST_KEYRING"))
        QSKIP("needs a real keychain: run through tests/run-with-keyring.sh (ctest does)");
    QVERIFY2(!QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty(),
             "secret-tool is needed (libsecret-tools)");
    m_binary = QStringLiteral(SWITCHYARD_BINARY);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    // Like the application (main.cpp sets QT_NO_GLIB): keychain answers must
    // arrive through GlibContextPump. underGlibDispatcher() covers the other case.
    QCOMPARE(QAbstractEventDispatcher::instance()->inherits("QEventDispatcherGlib"),
             qEnvironmentVariableIsSet("SWITCHYARD_TEST_GLIB_DISPATCHER"));
}

void TestSecretStore::cleanupTestCase()
{
    if (m_emptyBus.state() != QProcess::NotRunning) {
        m_emptyBus.terminate();
        if (!m_emptyBus.waitForFinished(5000))
            m_emptyBus.kill();
        m_emptyBus.waitForFinished();
    }
}

QString TestSecretStore::startEmptyBus()
{
    if (!m_emptyBusAddress.isEmpty())
        return m_emptyBusAddress;
    const QString config = m_dir.filePath(u"empty-bus.conf"_s);
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    // No <servicedir>: nothing can be activated, so no keyring either.
    file.write(QStringLiteral(
                   "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration "
                   "1.0//EN\" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig><type>session</type><listen>unix:dir=%1</listen>"
                   "<auth>EXTERNAL</auth><policy context=\"default\">"
                   "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
                   "<allow own=\"*\"/></policy></busconfig>\n")
                   .arg(m_dir.path())
                   .toUtf8());
    file.close();
    m_emptyBus.start(u"dbus-daemon"_s,
                     {u"--config-file"_s, config, u"--nofork"_s, u"--print-address=1"_s});
    if (!m_emptyBus.waitForStarted(processTimeoutMs))
        return {};
    QByteArray address;
    const QDeadlineTimer deadline(processTimeoutMs);
    while (!address.contains('\n') && !deadline.hasExpired()) {
        m_emptyBus.waitForReadyRead(100);
        address += m_emptyBus.readAllStandardOutput();
    }
    m_emptyBusAddress = QString::fromUtf8(address.trimmed());
    return m_emptyBusAddress;
}

QProcessEnvironment TestSecretStore::environmentWithoutKeychain(bool withBus)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DISPLAY"_s); // no X11 autolaunch of another bus
    environment.remove(u"WAYLAND_DISPLAY"_s);
    // GLib also looks for $XDG_RUNTIME_DIR/bus: give it an empty folder.
    const QString runtime = m_dir.filePath(u"runtime-without-bus"_s);
    QDir().mkpath(runtime);
    QFile::setPermissions(runtime,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    environment.insert(u"XDG_RUNTIME_DIR"_s, runtime);
    if (withBus)
        environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, startEmptyBus());
    else
        environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    return environment;
}

QString TestSecretStore::writeSettings(const SettingsDocument& document)
{
    static int count = 0;
    const QString path = m_dir.filePath(u"config-%1/settings.json"_s.arg(++count));
    SettingsStore store(path);
    const SettingsSaveResult saved = store.save(document);
    return saved.ok() ? path : QString();
}

void TestSecretStore::keyNames()
{
    QCOMPARE(SecretStore::serviceName(), u"Switchyard"_s);
    QCOMPARE(SecretStore::profileKey(u"abc-1"_s), u"profile/abc-1"_s);
    QCOMPARE(SecretStore::profileIdOf(u"profile/abc-1"_s), u"abc-1"_s);
    QCOMPARE(SecretStore::profileIdOf(u"inbound"_s), QString());
    QCOMPARE(SecretStore::inboundKey(), u"inbound"_s);
}

void TestSecretStore::storeReadChangeDelete()
{
    SecretStore store;
    const QString key = SecretStore::profileKey(u"exit-store-read"_s);
    const QString first = u"first p\u00e4ss w\u00f6rd \u2713"_s;

    SecretResult written = writeSecret(store, key, first);
    QVERIFY2(written.ok(), qPrintable(written.message()));
    ReadOutcome read = readSecret(store, key);
    QVERIFY2(read.result.ok(), qPrintable(read.result.message()));
    QVERIFY(!read.result.inMemory);
    QCOMPARE(read.secret, first);

    // The item as any other program sees it: QtKeychain's schema, our service
    // and key as attributes.
    const QByteArray item = secretToolSearch(key);
    QVERIFY2(item.contains("schema = org.qt.keychain"), item.constData());
    QVERIFY2(item.contains("attribute.server = Switchyard"), item.constData());
    QVERIFY2(item.contains("attribute.user = " + key.toUtf8()), item.constData());
    bool found = false;
    QCOMPARE(QString::fromUtf8(secretToolLookup(key, &found)), first);
    QVERIFY(found);

    // Changed: still one item, with the new secret.
    written = writeSecret(store, key, u"second"_s);
    QVERIFY2(written.ok(), qPrintable(written.message()));
    QCOMPARE(readSecret(store, key).secret, u"second"_s);
    QCOMPARE(secretToolSearch(key).count("attribute.user = "), 1);
    QCOMPARE(secretToolLookup(key, &found), QByteArray("second"));

    // Deleted: gone for everyone.
    const SecretResult removed = removeSecret(store, key);
    QVERIFY2(removed.ok(), qPrintable(removed.message()));
    read = readSecret(store, key);
    QCOMPARE(read.result.status, SecretResult::Status::NotFound);
    QVERIFY(read.secret.isEmpty());
    secretToolLookup(key, &found);
    QVERIFY(!found);
    // Deleting what is not there is not an error.
    QVERIFY(removeSecret(store, key).ok());
    QCOMPARE(store.pendingJobs(), 0);
}

void TestSecretStore::readMissingIsNotFound()
{
    SecretStore store;
    const ReadOutcome read = readSecret(store, SecretStore::profileKey(u"never-stored"_s));
    QVERIFY(read.done);
    QCOMPARE(read.result.status, SecretResult::Status::NotFound);
    QVERIFY(read.result.message().contains(u"profile/never-stored"_s));
}

void TestSecretStore::answersArriveLaterAndOnlyToLiveContexts()
{
    SecretStore store;
    const QString key = SecretStore::profileKey(u"exit-async"_s);
    QVERIFY(writeSecret(store, key, u"async"_s).ok());

    // Never from inside the call, not even from memory.
    bool called = false;
    QObject context;
    store.read(key, &context, [&called](const SecretResult&, const QString&) { called = true; });
    QVERIFY(!called);
    QCOMPARE(store.pendingJobs(), 1);
    QVERIFY(waitFor([&called] { return called; }));
    store.keepForThisRun(key, u"memory"_s);
    called = false;
    store.read(key, &context, [&called](const SecretResult&, const QString&) { called = true; });
    QVERIFY(!called);
    QVERIFY(waitFor([&called] { return called; }));
    store.forgetForThisRun(key);

    // A context that is gone by the time the keychain answers gets nothing.
    bool lateCall = false;
    auto* shortLived = new QObject;
    store.read(key, shortLived,
               [&lateCall](const SecretResult&, const QString&) { lateCall = true; });
    delete shortLived;
    QVERIFY(waitFor([&store] { return store.pendingJobs() == 0; }));
    QTest::qWait(50);
    QVERIFY(!lateCall);
    QVERIFY(removeSecret(store, key).ok());
}

void TestSecretStore::keepForThisRun()
{
    SecretStore store;
    QSignalSpy changed(&store, &SecretStore::secretChanged);
    const QString key = SecretStore::profileKey(u"exit-memory"_s);
    store.keepForThisRun(key, u"only-in-memory"_s);
    QCOMPARE(changed.size(), 1);
    QVERIFY(store.isKeptForThisRun(key));
    const ReadOutcome read = readSecret(store, key);
    QVERIFY(read.result.ok());
    QVERIFY(read.result.inMemory);
    QCOMPARE(read.secret, u"only-in-memory"_s);
    bool found = true;
    secretToolLookup(key, &found);
    QVERIFY(!found); // never stored

    // Once the keychain takes it, the copy in memory goes.
    QVERIFY(writeSecret(store, key, u"now-stored"_s).ok());
    QVERIFY(!store.isKeptForThisRun(key));
    QCOMPARE(readSecret(store, key).secret, u"now-stored"_s);
    QVERIFY(removeSecret(store, key).ok());
}

void TestSecretStore::renameKeepsEntryDeleteRemovesIt()
{
    SecretStore store;
    SettingsDocument before;
    before.engine.profiles = {profile(u"exit-rename"_s, u"Old name"_s, u"alice"_s),
                              profile(u"exit-delete"_s, u"Doomed"_s, u"bob"_s)};
    QVERIFY(writeSecret(store, SecretStore::profileKey(u"exit-rename"_s), u"kept"_s).ok());
    QVERIFY(writeSecret(store, SecretStore::profileKey(u"exit-delete"_s), u"dropped"_s).ok());

    SettingsDocument after = before;
    after.engine.profiles[0].name = u"New name"_s;
    after.engine.profiles.removeLast();
    const QStringList removed = SettingsDocument::removedProfileIds(before, after);
    QCOMPARE(removed, QStringList{u"exit-delete"_s});
    for (const QString& id : removed)
        QVERIFY(removeSecret(store, SecretStore::profileKey(id)).ok());

    bool found = false;
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"exit-rename"_s), &found),
             QByteArray("kept"));
    QVERIFY(found);
    secretToolLookup(SecretStore::profileKey(u"exit-delete"_s), &found);
    QVERIFY(!found);
    QVERIFY(removeSecret(store, SecretStore::profileKey(u"exit-rename"_s)).ok());
}

void TestSecretStore::loaderSaysWhatIsReady()
{
    SecretStore store;
    QVERIFY(writeSecret(store, SecretStore::profileKey(u"ready-a"_s), u"pass-a"_s).ok());
    QVERIFY(writeSecret(store, SecretStore::inboundKey(), u"pass-inbound"_s).ok());

    SettingsDocument document;
    document.engine.profiles = {
        profile(u"ready-a"_s, u"A"_s, u"alice"_s),
        profile(u"missing-b"_s, u"B"_s, u"bob"_s, UpstreamProfile::Type::Socks5),
        profile(u"no-user-c"_s, u"C"_s, {}),
        profile(u"socks4-d"_s, u"D"_s, u"ops"_s, UpstreamProfile::Type::Socks4a),
    };
    document.engine.inboundAuth.required = true;
    document.engine.inboundAuth.username = u"client"_s;

    SecretsLoader loader(&store);
    QSignalSpy finished(&loader, &SecretsLoader::finished);
    loader.load(document);
    // Nothing is there yet: whatever needs a password must wait.
    QVERIFY(!loader.isComplete());
    QCOMPARE(loader.state(SecretStore::profileKey(u"ready-a"_s)), SecretsLoader::State::Pending);
    QCOMPARE(loader.state(SecretStore::profileKey(u"no-user-c"_s)),
             SecretsLoader::State::NotNeeded);
    QCOMPARE(loader.state(SecretStore::profileKey(u"socks4-d"_s)), SecretsLoader::State::NotNeeded);
    SettingsDocument early = document;
    QStringList notReady = loader.fillIn(&early);
    notReady.sort();
    QCOMPARE(notReady, (QStringList{u"inbound"_s, u"profile/missing-b"_s, u"profile/ready-a"_s}));
    QVERIFY(early.engine.profiles[0].password.isEmpty());

    QVERIFY(finished.wait(answerTimeoutMs));
    QVERIFY(loader.isComplete());
    QCOMPARE(loader.state(SecretStore::profileKey(u"ready-a"_s)), SecretsLoader::State::Ready);
    QCOMPARE(loader.state(SecretStore::profileKey(u"missing-b"_s)), SecretsLoader::State::Missing);
    QCOMPARE(loader.state(SecretStore::inboundKey()), SecretsLoader::State::Ready);
    QVERIFY(loader.failures().isEmpty());
    SettingsDocument filled = document;
    QVERIFY(loader.fillIn(&filled).isEmpty());
    QCOMPARE(filled.engine.profiles[0].password, u"pass-a"_s);
    QVERIFY(filled.engine.profiles[1].password.isEmpty()); // nothing stored: that is the truth
    QCOMPARE(filled.engine.inboundAuth.password, u"pass-inbound"_s);

    // A profile the loader was never asked about is not ready (fail closed).
    filled.engine.profiles.append(profile(u"added-e"_s, u"E"_s, u"eve"_s));
    QCOMPARE(loader.fillIn(&filled), QStringList{u"profile/added-e"_s});

    QVERIFY(removeSecret(store, SecretStore::profileKey(u"ready-a"_s)).ok());
    QVERIFY(removeSecret(store, SecretStore::inboundKey()).ok());
    // The loader reads both keys again after each removal; let those reads
    // end before the store goes, or the keychain jobs outlive it (LeakSanitizer).
    QTRY_COMPARE_WITH_TIMEOUT(store.pendingJobs(), 0, answerTimeoutMs);
}

void TestSecretStore::loaderFollowsChanges()
{
    SecretStore store;
    const QString key = SecretStore::profileKey(u"follow"_s);
    QVERIFY(writeSecret(store, key, u"before"_s).ok());
    SettingsDocument document;
    document.engine.profiles = {profile(u"follow"_s, u"Follow"_s, u"alice"_s)};
    SecretsLoader loader(&store);
    QSignalSpy ready(&loader, &SecretsLoader::ready);
    loader.load(document);
    QVERIFY(ready.wait(answerTimeoutMs));
    SettingsDocument filled = document;
    QVERIFY(loader.fillIn(&filled).isEmpty());
    QCOMPARE(filled.engine.profiles[0].password, u"before"_s);

    // Changed elsewhere in the application (the exits editor): read again.
    qsizetype answers = ready.size();
    QVERIFY(writeSecret(store, key, u"after"_s).ok());
    QTRY_VERIFY_WITH_TIMEOUT(ready.size() > answers && loader.isComplete(), answerTimeoutMs);
    QVERIFY(loader.fillIn(&filled).isEmpty());
    QCOMPARE(filled.engine.profiles[0].password, u"after"_s);

    answers = ready.size();
    QVERIFY(removeSecret(store, key).ok());
    QTRY_VERIFY_WITH_TIMEOUT(ready.size() > answers && loader.isComplete(), answerTimeoutMs);
    QCOMPARE(loader.state(key), SecretsLoader::State::Missing);
}

void TestSecretStore::settingsAndExportHoldNoPassword()
{
    SecretStore store;
    const QString profileSecret = u"in-the-keychain-only"_s;
    const QString inboundSecret = u"inbound-keychain-only"_s;
    QVERIFY(writeSecret(store, SecretStore::profileKey(u"disk-check"_s), profileSecret).ok());
    QVERIFY(writeSecret(store, SecretStore::inboundKey(), inboundSecret).ok());

    SettingsDocument document;
    document.engine.profiles = {profile(u"disk-check"_s, u"Disk"_s, u"alice"_s)};
    document.engine.inboundAuth.required = true;
    document.engine.inboundAuth.username = u"client"_s;
    SecretsLoader loader(&store);
    QSignalSpy finished(&loader, &SecretsLoader::finished);
    loader.load(document);
    QVERIFY(finished.wait(answerTimeoutMs));
    QVERIFY(loader.fillIn(&document).isEmpty());
    QCOMPARE(document.engine.profiles[0].password, profileSecret);

    // The application saves and exports with the passwords filled in memory.
    const QString path = m_dir.filePath(u"no-password/settings.json"_s);
    SettingsStore settings(path);
    QVERIFY(settings.save(document).ok());
    document.engine.listenPort = 18877;
    QVERIFY(settings.save(document).ok()); // and a backup
    const QString exported = m_dir.filePath(u"no-password/export.json"_s);
    QVERIFY(SettingsStore::exportTo(exported, document, SettingsCodec::allParts()).ok());
    for (const QString& file : {path, settings.backupFilePath(), exported}) {
        const QByteArray bytes = readAll(file);
        QVERIFY2(!bytes.isEmpty(), qPrintable(file));
        QVERIFY2(!bytes.contains(profileSecret.toUtf8()), qPrintable(file));
        QVERIFY2(!bytes.contains(inboundSecret.toUtf8()), qPrintable(file));
    }
    // The keychain still has them.
    bool found = false;
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"disk-check"_s), &found),
             profileSecret.toUtf8());
    QVERIFY(removeSecret(store, SecretStore::profileKey(u"disk-check"_s)).ok());
    QVERIFY(removeSecret(store, SecretStore::inboundKey()).ok());
    QTRY_COMPARE_WITH_TIMEOUT(store.pendingJobs(), 0, answerTimeoutMs); // see loaderSaysWhatIsReady
}

void TestSecretStore::underGlibDispatcher()
{
    if (isChild())
        QSKIP("runs in the parent");
    // The same store, in a process whose event loop is GLib's: the pump must
    // stay out of the way and the answers still arrive.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"SWITCHYARD_TEST_GLIB_DISPATCHER"_s, u"1"_s);
    environment.remove(u"QT_NO_GLIB"_s); // set by this process's main()
    const Run child = run(QCoreApplication::applicationFilePath(),
                          {u"storeReadChangeDelete"_s, u"keepForThisRun"_s}, {}, environment);
    QVERIFY2(child.finished && child.exitCode == 0, child.out.constData());
    QVERIFY2(child.out.contains("Totals: 4 passed, 0 failed"), child.out.constData());
}

void TestSecretStore::noSecretServiceOnTheBus()
{
    if (isChild())
        QSKIP("runs in the parent");
    const QProcessEnvironment base = environmentWithoutKeychain(true);
    QVERIFY2(!base.value(u"DBUS_SESSION_BUS_ADDRESS"_s).isEmpty(), "no private bus");
    QProcessEnvironment environment = base;
    environment.insert(u"SWITCHYARD_SECRETSTORE_CHILD"_s, u"1"_s);
    environment.insert(u"SWITCHYARD_EXPECTED_CAUSE"_s, u"org.freedesktop.secrets"_s);
    const Run child =
        run(QCoreApplication::applicationFilePath(), {u"childWithoutKeychain"_s}, {}, environment);
    QVERIFY2(child.finished && child.exitCode == 0, (child.out + child.err).constData());
    QVERIFY2(child.out.contains("PASS   : TestSecretStore::childWithoutKeychain()"),
             child.out.constData());
}

void TestSecretStore::noBusAtAll()
{
    if (isChild())
        QSKIP("runs in the parent");
    QProcessEnvironment environment = environmentWithoutKeychain(false);
    environment.insert(u"SWITCHYARD_SECRETSTORE_CHILD"_s, u"1"_s);
    environment.insert(u"SWITCHYARD_EXPECTED_CAUSE"_s, u"D-Bus"_s);
    const Run child =
        run(QCoreApplication::applicationFilePath(), {u"childWithoutKeychain"_s}, {}, environment);
    QVERIFY2(child.finished && child.exitCode == 0, (child.out + child.err).constData());
    QVERIFY2(child.out.contains("PASS   : TestSecretStore::childWithoutKeychain()"),
             child.out.constData());
}

void TestSecretStore::childWithoutKeychain()
{
    if (!isChild())
        QSKIP("runs as a child of noSecretServiceOnTheBus and noBusAtAll");
    const QString expectedCause = qEnvironmentVariable("SWITCHYARD_EXPECTED_CAUSE");
    SecretStore store;
    const QString key = SecretStore::profileKey(u"nowhere"_s);

    // Nothing is stored anywhere, and the message names the cause.
    const SecretResult written = writeSecret(store, key, u"would-be-secret"_s);
    QCOMPARE(written.status, SecretResult::Status::Unavailable);
    QVERIFY2(written.cause.contains(expectedCause), qPrintable(written.cause));
    QVERIFY(written.message().contains(u"No system keychain is available"_s));
    QVERIFY(written.message().contains(written.cause));
    QVERIFY(!written.message().contains(u"would-be-secret"_s));
    QVERIFY(!store.isKeptForThisRun(key)); // no silent fallback
    QCOMPARE(readSecret(store, key).result.status, SecretResult::Status::Unavailable);
    QCOMPARE(removeSecret(store, key).status, SecretResult::Status::Unavailable);
    // QtKeychain's plain-text fallback would have left a QSettings file behind.
    QDirIterator configFiles(QStandardPaths::writableLocation(QStandardPaths::ConfigLocation),
                             {u"*.conf"_s, u"*.ini"_s}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY2(!configFiles.hasNext(), qPrintable(configFiles.next()));

    // The caller may keep it for this run: then it is read from memory.
    store.keepForThisRun(key, u"this-run"_s);
    const ReadOutcome read = readSecret(store, key);
    QVERIFY(read.result.ok() && read.result.inMemory);
    QCOMPARE(read.secret, u"this-run"_s);
    store.forgetForThisRun(key);

    // A profile whose password cannot be read is never ready.
    SettingsDocument document;
    document.engine.profiles = {profile(u"nowhere"_s, u"Nowhere"_s, u"alice"_s)};
    SecretsLoader loader(&store);
    QSignalSpy finished(&loader, &SecretsLoader::finished);
    loader.load(document);
    QVERIFY(finished.wait(answerTimeoutMs));
    QCOMPARE(loader.state(key), SecretsLoader::State::Failed);
    QCOMPARE(loader.failures().size(), 1);
    QCOMPARE(loader.fillIn(&document), QStringList{key});
    QVERIFY(document.engine.profiles[0].password.isEmpty());
}

void TestSecretStore::setPasswordFromPipe()
{
    SettingsDocument document;
    document.engine.profiles = {profile(u"exit-pipe"_s, u"My Exit"_s, u"alice"_s)};
    const QString path = writeSettings(document);
    QVERIFY(!path.isEmpty());
    const QByteArray settingsBefore = readAll(path);
    const QStringList filesBefore = QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files);

    Run result =
        run(m_binary, {u"--config"_s, path, u"--set-password"_s, u"My Exit"_s}, "pipe-s3cret\n");
    QVERIFY2(result.finished && result.exitCode == 0, result.err.constData());
    QVERIFY2(result.out.contains("\"My Exit\" (exit-pipe) is stored in the system keychain"),
             result.out.constData());
    QVERIFY(!result.out.contains("pipe-s3cret"));
    QVERIFY(!result.err.contains("pipe-s3cret"));
    bool found = false;
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"exit-pipe"_s), &found),
             QByteArray("pipe-s3cret"));
    QVERIFY(found);
    // The settings file is only read.
    QCOMPARE(readAll(path), settingsBefore);
    QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files), filesBefore);

    // By id, and the option's = form; a changed password replaces the old one.
    result = run(m_binary, {u"--config"_s, path, u"--set-password=exit-pipe"_s}, "changed\r\n");
    QVERIFY2(result.finished && result.exitCode == 0, result.err.constData());
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"exit-pipe"_s), &found),
             QByteArray("changed"));
    QCOMPARE(secretToolSearch(SecretStore::profileKey(u"exit-pipe"_s)).count("attribute.user"), 1);
}

void TestSecretStore::setPasswordFromTerminal()
{
    const QString script = QStandardPaths::findExecutable(u"script"_s);
    if (script.isEmpty())
        QSKIP("script (util-linux) is needed to give the command a terminal");
    SettingsDocument document;
    document.engine.profiles = {profile(u"exit-tty"_s, u"Terminal"_s, u"alice"_s)};
    const QString path = writeSettings(document);
    QVERIFY(!path.isEmpty());

    const auto typeInto = [&](const QByteArray& first, const QByteArray& second) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::MergedChannels);
        // script gives the command a pseudo-terminal and copies everything the
        // terminal shows to its standard output.
        process->start(script, {u"-q"_s, u"-e"_s, u"-c"_s,
                                u"'%1' --config '%2' --set-password Terminal"_s.arg(m_binary, path),
                                u"/dev/null"_s});
        QByteArray shown;
        const auto waitForText = [&](const QByteArray& text) {
            return waitFor(
                [&] {
                    shown += process->readAll();
                    return shown.contains(text);
                },
                processTimeoutMs);
        };
        // Type only once asked: before that the terminal would still echo.
        if (waitForText("Password for exit \"Terminal\": "))
            process->write(first + '\r');
        if (waitForText("Repeat the password: "))
            process->write(second + '\r');
        process->waitForFinished(processTimeoutMs);
        shown += process->readAll();
        return std::make_pair(process->exitCode(), shown);
    };

    auto [exitCode, shown] = typeInto("tty-s3cret", "tty-s3cret");
    QVERIFY2(exitCode == 0, shown.constData());
    QVERIFY2(!shown.contains("tty-s3cret"), shown.constData()); // never echoed
    QVERIFY2(shown.contains("is stored in the system keychain"), shown.constData());
    bool found = false;
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"exit-tty"_s), &found),
             QByteArray("tty-s3cret"));

    std::tie(exitCode, shown) = typeInto("one-thing", "another");
    QVERIFY2(exitCode == 1, shown.constData());
    QVERIFY2(shown.contains("the two passwords differ; nothing was stored"), shown.constData());
    QVERIFY(!shown.contains("one-thing") && !shown.contains("another"));
    QCOMPARE(secretToolLookup(SecretStore::profileKey(u"exit-tty"_s), &found),
             QByteArray("tty-s3cret"));
}

void TestSecretStore::setPasswordRefusals_data()
{
    QTest::addColumn<QString>("settings"); // "good", "broken" or "missing"
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("says");

    QTest::newRow("unknown exit") << u"good"_s << QStringList{u"--set-password"_s, u"Nobody"_s}
                                  << QByteArray("x\n")
                                  << u"there is no exit with the id or name \"Nobody\""_s;
    QTest::newRow("ambiguous name") << u"good"_s << QStringList{u"--set-password"_s, u"Twin"_s}
                                    << QByteArray("x\n") << u"2 exits are named \"Twin\""_s;
    QTest::newRow("SOCKS4a") << u"good"_s << QStringList{u"--set-password"_s, u"Old"_s}
                             << QByteArray("x\n") << u"SOCKS4a, which has no passwords"_s;
    QTest::newRow("nothing piped") << u"good"_s << QStringList{u"--set-password"_s, u"exit-1"_s}
                                   << QByteArray() << u"no password on standard input"_s;
    QTest::newRow("empty line") << u"good"_s << QStringList{u"--set-password"_s, u"exit-1"_s}
                                << QByteArray("\n") << u"no password on standard input"_s;
    QTest::newRow("no settings file")
        << u"missing"_s << QStringList{u"--set-password"_s, u"exit-1"_s} << QByteArray("x\n")
        << u"there are no exits yet"_s;
    QTest::newRow("broken settings file")
        << u"broken"_s << QStringList{u"--set-password"_s, u"exit-1"_s} << QByteArray("x\n")
        << u"profiles[0].port: must be a whole number"_s;
    QTest::newRow("with other options")
        << u"good"_s << QStringList{u"--set-password"_s, u"exit-1"_s, u"--headless"_s}
        << QByteArray("x\n") << u"--set-password takes no option but --config (not --headless)"_s;
}

void TestSecretStore::setPasswordRefusals()
{
    QFETCH(QString, settings);
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(QString, says);

    SettingsDocument document;
    document.engine.profiles = {
        profile(u"exit-1"_s, u"One"_s, u"alice"_s), profile(u"twin-1"_s, u"Twin"_s, u"a"_s),
        profile(u"twin-2"_s, u"Twin"_s, u"b"_s),
        profile(u"old"_s, u"Old"_s, u"ops"_s, UpstreamProfile::Type::Socks4a)};
    QString path = writeSettings(document);
    QVERIFY(!path.isEmpty());
    if (settings == u"missing") {
        path = m_dir.filePath(u"nowhere/settings.json"_s);
    } else if (settings == u"broken") {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(R"({"version": 2, "profiles": [{"id": "exit-1", "name": "One",
                      "type": "http", "host": "h.example", "port": "80"}]})");
    }
    const Run result = run(m_binary, QStringList{u"--config"_s, path} + arguments, input);
    QVERIFY(result.finished);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(says.toUtf8()), result.err.constData());
    QVERIFY(result.out.isEmpty());
    bool found = true;
    secretToolLookup(SecretStore::profileKey(u"exit-1"_s), &found);
    QVERIFY(!found);
}

void TestSecretStore::setPasswordWithoutKeychain()
{
    SettingsDocument document;
    document.engine.profiles = {profile(u"exit-nokeychain"_s, u"Lonely"_s, u"alice"_s)};
    const QString path = writeSettings(document);
    QVERIFY(!path.isEmpty());
    for (const bool withBus : {true, false}) {
        const Run result = run(m_binary, {u"--config"_s, path, u"--set-password"_s, u"Lonely"_s},
                               "unstorable-secret\n", environmentWithoutKeychain(withBus));
        QVERIFY(result.finished);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("cannot store the password: No system keychain is available"),
                 result.err.constData());
        QVERIFY2(result.err.contains(withBus ? "org.freedesktop.secrets" : "D-Bus"),
                 result.err.constData());
        QVERIFY(!result.err.contains("unstorable-secret"));
        QVERIFY(!result.out.contains("unstorable-secret"));
        // Nothing written in plain text anywhere near the settings.
        for (const QString& file : QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files))
            QVERIFY(!readAll(QFileInfo(path).absolutePath() + u'/' + file).contains("unstorable"));
    }
}

void TestSecretStore::headlessWithoutKeychainFailsClosed()
{
    // The exit's password cannot be read: the proxy runs, and the traffic meant
    // for that exit is blocked (the rule engine blocks routes to a missing exit),
    // never sent direct or with an empty password.
    SettingsDocument document;
    document.engine.listenPort = 0;
    document.engine.profiles = {profile(u"exit-headless"_s, u"Locked Out"_s, u"alice"_s)};
    document.engine.routing.defaultAction = RouteAction::through(u"exit-headless"_s);
    const QString path = writeSettings(document);
    QVERIFY(!path.isEmpty());

    QProcess proxy;
    proxy.setProcessEnvironment(environmentWithoutKeychain(true));
    proxy.start(m_binary, {u"--headless"_s, u"--config"_s, path});
    QByteArray err;
    QVERIFY(waitFor(
        [&] {
            err += proxy.readAllStandardError();
            return err.contains("Switchyard listening on") || proxy.state() == QProcess::NotRunning;
        },
        processTimeoutMs));
    QVERIFY2(err.contains("No system keychain is available"), err.constData());
    QVERIFY2(err.contains("traffic for exit \"Locked Out\" is blocked in this run"),
             err.constData());
    QVERIFY2(err.contains("Switchyard listening on"), err.constData());
    proxy.terminate();
    QVERIFY(proxy.waitForFinished(processTimeoutMs));
    QCOMPARE(proxy.exitCode(), 0);

    // Inbound authentication without its password: no clients at all.
    document.engine.inboundAuth.required = true;
    document.engine.inboundAuth.username = u"client"_s;
    const Run refused = run(m_binary, {u"--headless"_s, u"--config"_s, writeSettings(document)}, {},
                            environmentWithoutKeychain(true));
    QVERIFY(refused.finished);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("not accepting clients without it"), refused.err.constData());
    QVERIFY(!refused.err.contains("listening on"));
}

void TestSecretStore::windowMovesPlainTextPasswordIntoKeychain()
{
#ifndef SWITCHYARD_HAVE_UI
    QSKIP("built without the window");
#else
    // A settings file from version 1 with the upstream's password in its URI.
    QFile old(QFINDTESTDATA("data/settings/v1-full.json"));
    QVERIFY(old.open(QIODevice::ReadOnly));
    QJsonObject v1 = QJsonDocument::fromJson(old.readAll()).object();
    v1.insert(u"listen"_s, u"127.0.0.1:0"_s);
    const QString folder = m_dir.filePath(u"window-migration"_s);
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + u"/settings.json"_s;
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(v1).toJson());
    file.close();
    const QString key = SecretStore::profileKey(SettingsMigration::version1UpstreamId());

    QProcess window;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    window.setProcessEnvironment(environment);
    window.start(m_binary, {u"--config"_s, path});
    QByteArray err;
    const bool moved = waitFor(
        [&] {
            err += window.readAllStandardError();
            return err.contains("are now in the system keychain") ||
                   window.state() == QProcess::NotRunning;
        },
        processTimeoutMs);
    window.terminate();
    window.waitForFinished(processTimeoutMs);
    QVERIFY2(moved && err.contains("are now in the system keychain"), err.constData());
    QVERIFY2(!err.contains("s3cr"), err.constData());

    bool found = false;
    QCOMPARE(secretToolLookup(key, &found), QByteArray("s3cr@t"));
    QVERIFY(found);
    // The file is the current version now, and no file in the folder holds it.
    QCOMPARE(QJsonDocument::fromJson(readAll(path)).object().value(u"version"_s).toInt(), 2);
    for (const QString& name : QDir(folder).entryList(QDir::Files))
        QVERIFY2(!readAll(folder + u'/' + name).contains("s3cr"), qPrintable(name));
    SecretStore store;
    QVERIFY(removeSecret(store, key).ok());
#endif
}

int main(int argc, char** argv)
{
    // As in the application: Qt's own event dispatcher, not GLib's, so that
    // keychain answers travel through GlibContextPump.
    if (!qEnvironmentVariableIsSet("SWITCHYARD_TEST_GLIB_DISPATCHER"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    TestSecretStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secretstore.moc"
