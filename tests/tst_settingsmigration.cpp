// Settings files from every earlier version are carried forward: a sample of
// each version under tests/data/settings is migrated and compared field by
// field; a password an early build kept in plain text leaves the file.
#include "SecretStore.h"
#include "SettingsCodec.h"
#include "SettingsIssueLookup.h"
#include "SettingsMigration.h"
#include "SettingsStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;

using SettingsIssueLookup::describe;
using SettingsIssueLookup::findIssue;

namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QString sample(const QString& name)
{
    return QFINDTESTDATA(u"data/settings/"_s + name);
}

QByteArray withField(const QByteArray& json, const QString& key, const QJsonValue& value)
{
    QJsonObject root = QJsonDocument::fromJson(json).object();
    if (value.isUndefined())
        root.remove(key);
    else
        root.insert(key, value);
    return QJsonDocument(root).toJson();
}

/// What tests/data/settings/v1-full.json means in today's terms.
SettingsDocument expectedFromVersion1()
{
    SettingsDocument document;
    EngineSettings& engine = document.engine;
    engine.listenAddress = QHostAddress(u"127.0.0.1"_s);
    engine.listenPort = 3128;
    engine.addViaHeader = true;
    engine.limits.connectTimeoutMs = 7000;
    engine.limits.maxClientConnections = 800;
    engine.capture.enabled = false;

    UpstreamProfile upstream;
    upstream.id = SettingsMigration::version1UpstreamId();
    upstream.name = u"SOCKS5 proxy.example:1080"_s;
    upstream.type = UpstreamProfile::Type::Socks5;
    upstream.host = u"proxy.example"_s;
    upstream.port = 1080;
    upstream.username = u"alice"_s;
    upstream.resolveAtExit = true; // socks5h
    engine.profiles = {upstream};

    using M = Rule::Matcher;
    const RouteAction through = RouteAction::through(upstream.id);
    engine.routing.rules = {
        {M::ExactHost, u"login.example"_s, through, true, {}},
        {M::Domain, u"example.org"_s, through, false, {}},
        {M::Wildcard, u"*.ads.*"_s, RouteAction::block(), true, {}},
        {M::Keyword, u"metrics"_s, RouteAction::block(), true, {}},
        {M::HostRegex, u"^cdn[0-9]+\\."_s, RouteAction::direct(), true, {}},
        {M::IpCidr, u"192.168.0.0/16"_s, RouteAction::direct(), true, {}},
    };
    engine.routing.defaultAction = RouteAction::direct(); // "upstreamByDefault": false
    document.ui.windowGeometry = QByteArray::fromHex("01d9d0cb000300000000006400000032ff10");
    return document;
}

} // namespace

class TestSettingsMigration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void currentVersionIsNotMigrated();
    void version1Full();
    void version1Minimal();
    void version1UpstreamByDefault();
    void version1WithoutUpstream();
    void version1UnknownRuleType();
    void version1Errors_data();
    void version1Errors();
    void version1BadUriNeverShowsPassword();
    void migrationIsStable();
    void savingMigratedFileDropsPlainTextPassword();
};

void TestSettingsMigration::currentVersionIsNotMigrated()
{
    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(readAll(sample(u"v2-full.json"_s)));
    QVERIFY2(decoded.issues.isEmpty(), qPrintable(describe(decoded.issues)));
    QCOMPARE(decoded.fileVersion, SettingsDocument::currentVersion);
    QVERIFY(!decoded.migrated());
    QVERIFY(decoded.recoveredSecrets.isEmpty());
}

void TestSettingsMigration::version1Full()
{
    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(readAll(sample(u"v1-full.json"_s)));
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.issues)));
    QCOMPARE(decoded.fileVersion, 1);
    QVERIFY(decoded.migrated());
    QVERIFY(decoded.document == expectedFromVersion1());

    // The password in the old URI goes to the keychain, not into the document.
    QCOMPARE(decoded.recoveredSecrets.size(), 1);
    const RecoveredSecret& secret = decoded.recoveredSecrets.constFirst();
    QCOMPARE(secret.key, SecretStore::profileKey(SettingsMigration::version1UpstreamId()));
    QCOMPARE(secret.secret, u"s3cr@t"_s); // percent-decoded
    QCOMPARE(secret.origin, u"upstream"_s);
    const SettingsIssue* warning = findIssue(decoded.issues, u"upstream"_s);
    QVERIFY(warning && !warning->isError());
    for (const SettingsIssue& issue : decoded.issues)
        QVERIFY2(!issue.message.contains(u"s3cr"_s), qPrintable(issue.toString()));
}

void TestSettingsMigration::version1Minimal()
{
    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(readAll(sample(u"v1-minimal.json"_s)));
    QVERIFY2(decoded.issues.isEmpty(), qPrintable(describe(decoded.issues)));
    QVERIFY(decoded.migrated());
    SettingsDocument expected;
    expected.engine.listenPort = 8080; // "8080": a bare port on the loopback address
    QVERIFY(decoded.document == expected);
    QVERIFY(decoded.recoveredSecrets.isEmpty());
}

void TestSettingsMigration::version1UpstreamByDefault()
{
    // Version 1's default: unmatched traffic through the upstream.
    const QByteArray json = withField(readAll(sample(u"v1-full.json"_s)), u"upstreamByDefault"_s,
                                      QJsonValue(QJsonValue::Undefined));
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    QVERIFY(decoded.ok());
    QVERIFY(decoded.document.engine.routing.defaultAction ==
            RouteAction::through(SettingsMigration::version1UpstreamId()));
}

void TestSettingsMigration::version1WithoutUpstream()
{
    QByteArray json = withField(readAll(sample(u"v1-full.json"_s)), u"upstream"_s, u""_s);
    json = withField(json, u"rules"_s,
                     QJsonDocument::fromJson(R"([
        {"type": "domain", "pattern": "example.com", "action": "block"}])")
                         .array());
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.issues)));
    QVERIFY(decoded.document.engine.profiles.isEmpty());
    // "upstreamByDefault" means nothing without an upstream: everything went direct.
    QVERIFY(decoded.document.engine.routing.defaultAction == RouteAction::direct());
    QVERIFY(decoded.recoveredSecrets.isEmpty());
}

void TestSettingsMigration::version1UnknownRuleType()
{
    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(readAll(sample(u"v1-unknown-rule-type.json"_s)));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.fileVersion, 1);
    const SettingsIssue* issue = findIssue(decoded.issues, u"rules[1].type"_s);
    QVERIFY2(issue && issue->isError(), qPrintable(describe(decoded.issues)));
    QVERIFY(issue->message.contains(u"\"geoip\""_s));

    // Through the store: not used, kept aside, said where.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    QVERIFY(QFile::copy(sample(u"v1-unknown-rule-type.json"_s), path));
    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::DefaultsAfterError);
    QVERIFY(loaded.messages().join(u'\n').contains(u"rules[1].type: unknown rule type"_s));
    QVERIFY(QFileInfo::exists(loaded.brokenFileKeptAs));
}

void TestSettingsMigration::version1Errors_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("path");

    QTest::newRow("listen") << u"listen"_s << QJsonValue(u"nowhere:port"_s) << u"listen"_s;
    QTest::newRow("listen type") << u"listen"_s << QJsonValue(8080) << u"listen"_s;
    QTest::newRow("upstream scheme")
        << u"upstream"_s << QJsonValue(u"ftp://proxy.example:21"_s) << u"upstream"_s;
    QTest::newRow("via") << u"addVia"_s << QJsonValue(u"yes"_s) << u"addVia"_s;
    QTest::newRow("connections") << u"maxConnections"_s << QJsonValue(-3) << u"maxConnections"_s;
    QTest::newRow("capture") << u"captureBodies"_s << QJsonValue(0) << u"captureBodies"_s;
    QTest::newRow("rules") << u"rules"_s << QJsonValue(u"all"_s) << u"rules"_s;
    QTest::newRow("rule action") << u"rules"_s
                                 << QJsonValue(QJsonDocument::fromJson(
                                                   R"([{"type": "host", "pattern": "a.example",
                                                    "action": "reroute"}])")
                                                   .array())
                                 << u"rules[0].action"_s;
    QTest::newRow("rule without pattern")
        << u"rules"_s
        << QJsonValue(QJsonDocument::fromJson(R"([{"type": "host", "action": "block"}])").array())
        << u"rules[0].pattern"_s;
    QTest::newRow("rule not an object")
        << u"rules"_s << QJsonValue(QJsonDocument::fromJson(R"(["block a.example"])").array())
        << u"rules[0]"_s;
}

void TestSettingsMigration::version1Errors()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, path);
    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(withField(readAll(sample(u"v1-full.json"_s)), key, value));
    QVERIFY(!decoded.ok());
    const SettingsIssue* issue = findIssue(decoded.issues, path);
    QVERIFY2(issue && issue->isError(), qPrintable(describe(decoded.issues)));
    for (const SettingsIssue& any : decoded.issues)
        QVERIFY2(!any.message.contains(u"s3cr"_s), qPrintable(any.toString()));
}

void TestSettingsMigration::version1BadUriNeverShowsPassword()
{
    // A rule sends traffic to the upstream, but the upstream cannot be used.
    for (const QString& uri :
         {u"http://bob:topsecret@proxy.example:99999"_s, u"http://bob:topsecret@/nohost"_s,
          u"socks5://bob:topsecret@proxy.example:1080/path"_s,
          u"http://bob:top%20secret@proxy .example:80"_s}) {
        const SettingsCodec::Decoded decoded = SettingsCodec::decode(
            withField(readAll(sample(u"v1-full.json"_s)), u"upstream"_s, uri));
        QVERIFY2(!decoded.ok(), qPrintable(uri));
        QVERIFY(findIssue(decoded.issues, u"upstream"_s));
        // Rules that name the upstream cannot be carried forward either.
        QVERIFY(findIssue(decoded.issues, u"rules[0].action"_s));
        for (const SettingsIssue& issue : decoded.issues) {
            QVERIFY2(!issue.message.contains(u"topsecret"_s), qPrintable(issue.toString()));
            QVERIFY2(!issue.message.contains(u"top secret"_s), qPrintable(issue.toString()));
            QVERIFY2(!issue.message.contains(u"top%20secret"_s), qPrintable(issue.toString()));
        }
        QVERIFY(decoded.recoveredSecrets.isEmpty());
    }
}

void TestSettingsMigration::migrationIsStable()
{
    // The same old file gives the same ids every time (headless runs migrate in
    // memory at each start; the keychain entry must stay found).
    const QByteArray json = readAll(sample(u"v1-full.json"_s));
    const SettingsCodec::Decoded first = SettingsCodec::decode(json);
    const SettingsCodec::Decoded second = SettingsCodec::decode(json);
    QVERIFY(first.document == second.document);
    QCOMPARE(first.recoveredSecrets, second.recoveredSecrets);
}

void TestSettingsMigration::savingMigratedFileDropsPlainTextPassword()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    QVERIFY(QFile::copy(sample(u"v1-full.json"_s), path));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));

    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::File);
    QVERIFY(loaded.migrated);
    QCOMPARE(loaded.fileVersion, 1);
    QCOMPARE(loaded.recoveredSecrets.size(), 1);
    const QString messages = loaded.messages().join(u'\n');
    QVERIFY2(messages.contains(u"older Switchyard (version 1)"_s), qPrintable(messages));
    QVERIFY2(messages.contains(u"plain text"_s), qPrintable(messages));
    QVERIFY2(!messages.contains(u"s3cr"_s), qPrintable(messages));

    // The caller has moved the password into the keychain; now it saves.
    const SettingsSaveResult saved = store.save(loaded.document);
    QVERIFY2(saved.ok(), qPrintable(saved.error));
    SettingsDocument changed = loaded.document;
    changed.engine.listenPort = 3129;
    QVERIFY(store.save(changed).ok());
    for (const QString& file : QDir(dir.path()).entryList(QDir::Files)) {
        const QByteArray bytes = readAll(dir.filePath(file));
        QVERIFY2(!bytes.contains("s3cr"), qPrintable(file));
        QCOMPARE(QJsonDocument::fromJson(bytes).object().value(u"version"_s).toInt(), 2);
    }
    SettingsStore again(path);
    const SettingsLoadResult reloaded = again.load();
    QVERIFY(!reloaded.migrated);
    QVERIFY(reloaded.recoveredSecrets.isEmpty());
    QVERIFY(reloaded.document == changed);
}

QTEST_GUILESS_MAIN(TestSettingsMigration)
#include "tst_settingsmigration.moc"
