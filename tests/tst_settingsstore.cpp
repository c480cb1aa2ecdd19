// The settings file: every field survives a round trip, every kind of broken file
// is reported with where it is broken and never silently overwritten, a save that
// fails at any byte leaves the old file intact, and no password ever reaches disk.
#include "SecretStore.h"
#include "SettingsCodec.h"
#include "SettingsIssueLookup.h"
#include "SettingsStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/resource.h>

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

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

QString sample(const QString& name)
{
    return QFINDTESTDATA(u"data/settings/"_s + name);
}

QStringList entries(const QString& dir)
{
    QStringList names = QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System);
    names.sort();
    return names;
}

/// Exactly what tests/data/settings/v2-full.json holds: every field set to
/// something other than its default.
SettingsDocument fullDocument()
{
    SettingsDocument document;
    EngineSettings& engine = document.engine;
    engine.listenAddress = QHostAddress(u"::1"_s);
    engine.listenPort = 3128;
    engine.limits.maxHeadBytes = 32768;
    engine.limits.maxUriBytes = 4096;
    engine.limits.maxHeaderFields = 64;
    engine.limits.headTimeoutMs = 15000;
    engine.limits.idleTimeoutMs = 45000;
    engine.limits.connectTimeoutMs = 5000;
    engine.limits.responseTimeoutMs = 90000;
    engine.limits.maxClientConnections = 500;
    engine.limits.bufferBytes = 131072;
    engine.limits.originIdleTimeoutMs = 20000;
    engine.limits.maxIdleOriginConnections = 32;
    engine.capture.enabled = false;
    engine.capture.maxBodyBytes = 65536;
    engine.addViaHeader = true;
    engine.remoteTunnelPorts = {443, 8443, 5222};
    engine.logFlushIntervalMs = 500;
    engine.inboundAuth.required = true;
    engine.inboundAuth.username = u"alice"_s;

    UpstreamProfile work;
    work.id = u"work-http"_s;
    work.name = u"Work"_s;
    work.type = UpstreamProfile::Type::Http;
    work.host = u"proxy.work.example"_s;
    work.port = 3128;
    work.username = u"alice"_s;
    UpstreamProfile home;
    home.id = u"6f1c2b3a-8d4e-4f5a-9b6c-7d8e9f0a1b2c"_s;
    home.name = u"Home TLS"_s;
    home.type = UpstreamProfile::Type::Https;
    home.host = u"home.example"_s;
    home.port = 8443;
    home.username = u"bob"_s;
    home.allowSelfSigned = true;
    UpstreamProfile tor;
    tor.id = u"tor"_s;
    tor.name = u"Tor"_s;
    tor.type = UpstreamProfile::Type::Socks5;
    tor.host = u"127.0.0.1"_s;
    tor.port = 9050;
    tor.resolveAtExit = false;
    UpstreamProfile legacy;
    legacy.id = u"legacy"_s;
    legacy.name = u"Legacy"_s;
    legacy.type = UpstreamProfile::Type::Socks4a;
    legacy.host = u"10.0.0.5"_s;
    legacy.port = 1080;
    legacy.username = u"ops"_s;
    engine.profiles = {work, home, tor, legacy};

    using M = Rule::Matcher;
    engine.routing.rules = {
        {M::ExactHost, u"login.work.example"_s, RouteAction::through(work.id), true,
         u"single sign-on"_s},
        {M::Domain, u"work.example"_s, RouteAction::through(work.id), true, {}},
        {M::Wildcard, u"*.cdn.example.*"_s, RouteAction::direct(), true, {}},
        {M::Keyword, u"tracker"_s, RouteAction::block(), true, u"no tracking"_s},
        {M::HostRegex, u"^ads?[0-9]*\\."_s, RouteAction::block(), false, u"too broad for now"_s},
        {M::UrlRegex, u"^http://[^/]+/telemetry/"_s, RouteAction::block(), true, {}},
        {M::IpCidr, u"10.0.0.0/8"_s, RouteAction::direct(), true, u"office LAN"_s},
        {M::Port, u"8000-8999"_s, RouteAction::through(home.id), true, {}},
    };
    engine.routing.defaultAction = RouteAction::through(tor.id);
    engine.hostsOverride.insert(u"intranet.example"_s, {QHostAddress(u"10.1.2.3"_s)});
    engine.hostsOverride.insert(u"dual.example"_s,
                                {QHostAddress(u"127.0.0.2"_s), QHostAddress(u"::1"_s)});

    UiPreferences& ui = document.ui;
    ui.windowGeometry = QByteArray::fromHex("01d9d0cb000300000000006400000032ff10");
    for (char c = 0; c < 40; c = char(c + 3))
        ui.windowState.append(c);
    ui.columnWidths.insert(u"traffic"_s, {120, 80, 300, 0});
    ui.columnWidths.insert(u"rules"_s, {200});
    ui.closeToTray = false;
    ui.closeToTrayNoticeShown = true;
    ui.proxyEnabled = false;
    ui.systemProxyEnabled = true;
    ui.autostart = true;
    ui.language = u"pt_BR"_s;
    ui.maxLogEntries = 50000;
    ui.systemProxyMode = UiPreferences::SystemProxyMode::Pac;
    return document;
}

/// A small document, for saves that must be smaller than fullDocument().
SettingsDocument smallDocument()
{
    SettingsDocument document;
    document.engine.listenPort = 9999;
    return document;
}

/// Sets the value at a JSON pointer ("/profiles/2/port"); an undefined value
/// removes the key.
void setAt(QJsonValue* node, QStringList pointer, const QJsonValue& value)
{
    const QString key = pointer.takeFirst();
    if (node->isArray()) {
        QJsonArray array = node->toArray();
        QJsonValue child = array.at(key.toInt());
        if (pointer.isEmpty())
            child = value;
        else
            setAt(&child, pointer, value);
        array.replace(key.toInt(), child);
        *node = array;
        return;
    }
    QJsonObject object = node->toObject();
    if (pointer.isEmpty()) {
        if (value.isUndefined())
            object.remove(key);
        else
            object.insert(key, value);
    } else {
        QJsonValue child = object.value(key);
        setAt(&child, pointer, value);
        object.insert(key, child);
    }
    *node = object;
}

QByteArray mutated(const QByteArray& json, const QString& pointer, const QJsonValue& value)
{
    QJsonValue root = QJsonDocument::fromJson(json).object();
    setAt(&root, pointer.split(u'/', Qt::SkipEmptyParts), value);
    return QJsonDocument(root.toObject()).toJson();
}

/// RLIMIT_FSIZE makes the kernel refuse (EFBIG) any write past the limit, in
/// every file this process writes: a real write error, like a full disk.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_original);
        struct rlimit limited = m_original;
        limited.rlim_cur = bytes;
        m_ok = setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &m_original); }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    bool ok() const { return m_ok; }

private:
    struct rlimit m_original = {};
    bool m_ok = false;
};

} // namespace

class TestSettingsStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void defaultLocation();
    void sampleMatchesDocument();
    void roundTripEveryField();
    void defaultsRoundTrip();
    void passwordsNeverWritten();
    void plainTextPasswordIsRecoveredNotKept();
    void missingFileGivesDefaults();
    void corruptFile_data();
    void corruptFile();
    void corruptFileWithoutBackup();
    void corruptBackupToo();
    void readOnlyLoadTouchesNothing();
    void everyTruncationIsRejected();
    void fieldErrorsNameTheirPath_data();
    void fieldErrorsNameTheirPath();
    void everyErrorIsReported();
    void unknownKeysAreWarnings();
    void invalidPatternIsKeptWithWarning();
    void danglingProfileIsWarning();
    void saveKeepsPreviousVersionAsBackup();
    void unchangedSaveWritesNothing();
    void interruptedSaveLeavesOldFile();
    void saveIntoUnusablePathFails();
    void vanishedFolderIsRecreated();
    void externalChangeIsKeptAside();
    void brokenFileIsNeverSavedOver();
    void filePermissions();
    void exportCarriesNoPasswordsNorWindow();
    void importReplace();
    void importMerge();
    void importRulesOnly();
    void importReportsErrors();

private:
    QTemporaryDir m_dir;
    QString m_full;
};

void TestSettingsStore::initTestCase()
{
    // A write past RLIMIT_FSIZE would otherwise kill the test with SIGXFSZ.
    std::signal(SIGXFSZ, SIG_IGN);
    QVERIFY(m_dir.isValid());
    m_full = sample(u"v2-full.json"_s);
    QVERIFY2(!m_full.isEmpty(), "tests/data/settings/v2-full.json not found");
}

void TestSettingsStore::defaultLocation()
{
    QCoreApplication::setOrganizationName(u"Switchyard"_s);
    QCoreApplication::setApplicationName(u"Switchyard"_s);
    QCOMPARE(SettingsStore::defaultFilePath(),
             QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                 u"/settings.json"_s);
    SettingsStore store;
    QCOMPARE(store.filePath(), SettingsStore::defaultFilePath());
    QCOMPARE(store.backupFilePath(), SettingsStore::defaultFilePath() + u".bak"_s);
}

void TestSettingsStore::sampleMatchesDocument()
{
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(readAll(m_full));
    QVERIFY2(decoded.issues.isEmpty(), qPrintable(describe(decoded.issues)));
    QCOMPARE(decoded.fileVersion, 2);
    QVERIFY(!decoded.migrated());
    QCOMPARE(decoded.parts, SettingsCodec::allParts());
    QVERIFY(decoded.document == fullDocument());
}

void TestSettingsStore::roundTripEveryField()
{
    const SettingsDocument full = fullDocument();
    const SettingsDocument defaults;
    // Each field really differs from its default, so that the round trip below
    // proves each one is written and read back.
    const EngineSettings& e = full.engine;
    const EngineSettings& d = defaults.engine;
    QVERIFY(e.listenAddress != d.listenAddress);
    QVERIFY(e.listenPort != d.listenPort);
    QVERIFY(e.limits.maxHeadBytes != d.limits.maxHeadBytes);
    QVERIFY(e.limits.maxUriBytes != d.limits.maxUriBytes);
    QVERIFY(e.limits.maxHeaderFields != d.limits.maxHeaderFields);
    QVERIFY(e.limits.headTimeoutMs != d.limits.headTimeoutMs);
    QVERIFY(e.limits.idleTimeoutMs != d.limits.idleTimeoutMs);
    QVERIFY(e.limits.connectTimeoutMs != d.limits.connectTimeoutMs);
    QVERIFY(e.limits.responseTimeoutMs != d.limits.responseTimeoutMs);
    QVERIFY(e.limits.maxClientConnections != d.limits.maxClientConnections);
    QVERIFY(e.limits.bufferBytes != d.limits.bufferBytes);
    QVERIFY(e.limits.originIdleTimeoutMs != d.limits.originIdleTimeoutMs);
    QVERIFY(e.limits.maxIdleOriginConnections != d.limits.maxIdleOriginConnections);
    QVERIFY(e.capture.enabled != d.capture.enabled);
    QVERIFY(e.capture.maxBodyBytes != d.capture.maxBodyBytes);
    QVERIFY(e.addViaHeader != d.addViaHeader);
    QVERIFY(e.remoteTunnelPorts != d.remoteTunnelPorts);
    QVERIFY(e.logFlushIntervalMs != d.logFlushIntervalMs);
    QVERIFY(e.inboundAuth.required != d.inboundAuth.required);
    QVERIFY(e.inboundAuth.username != d.inboundAuth.username);
    QVERIFY(!(e.routing.defaultAction == d.routing.defaultAction));
    QVERIFY(!e.hostsOverride.isEmpty());
    // Every profile type, both values of each switch, every matcher and action kind.
    QSet<int> types, matchers, kinds;
    QSet<bool> resolve, selfSigned, enabled;
    for (const UpstreamProfile& profile : e.profiles) {
        types.insert(int(profile.type));
        resolve.insert(profile.resolveAtExit);
        selfSigned.insert(profile.allowSelfSigned);
    }
    for (const Rule& rule : e.routing.rules) {
        matchers.insert(int(rule.matcher));
        kinds.insert(int(rule.action.kind));
        enabled.insert(rule.enabled);
    }
    QCOMPARE(types.size(), 4);
    QCOMPARE(matchers.size(), 8);
    QCOMPARE(kinds.size(), 3);
    QCOMPARE(resolve.size(), 2);
    QCOMPARE(selfSigned.size(), 2);
    QCOMPARE(enabled.size(), 2);
    const UiPreferences& u = full.ui;
    QVERIFY(!u.windowGeometry.isEmpty() && !u.windowState.isEmpty() && !u.columnWidths.isEmpty());
    QVERIFY(u.closeToTray != defaults.ui.closeToTray);
    QVERIFY(u.closeToTrayNoticeShown != defaults.ui.closeToTrayNoticeShown);
    QVERIFY(u.proxyEnabled != defaults.ui.proxyEnabled);
    QVERIFY(u.systemProxyEnabled != defaults.ui.systemProxyEnabled);
    QVERIFY(u.autostart != defaults.ui.autostart);
    QVERIFY(u.language != defaults.ui.language);
    QVERIFY(u.maxLogEntries != defaults.ui.maxLogEntries);
    QVERIFY(u.systemProxyMode != defaults.ui.systemProxyMode);

    // Through the codec …
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(SettingsCodec::encode(full));
    QVERIFY2(decoded.issues.isEmpty(), qPrintable(describe(decoded.issues)));
    QVERIFY(decoded.document == full);

    // … and through the store and the disk.
    const QString path = m_dir.filePath(u"roundtrip/settings.json"_s);
    SettingsStore writer(path);
    const SettingsSaveResult saved = writer.save(full);
    QVERIFY2(saved.ok(), qPrintable(saved.error));
    SettingsStore reader(path);
    const SettingsLoadResult loaded = reader.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::File);
    QVERIFY2(loaded.issues.isEmpty(), qPrintable(describe(loaded.issues)));
    QVERIFY(loaded.document == full);
    QVERIFY(!loaded.hasMessages());

    // The dual-stack "any" address is its own thing, not IPv4's 0.0.0.0.
    SettingsDocument any;
    any.engine.listenAddress = QHostAddress(QHostAddress::Any);
    QVERIFY(SettingsCodec::decode(SettingsCodec::encode(any)).document == any);
    any.engine.listenAddress = QHostAddress(QHostAddress::AnyIPv4);
    QVERIFY(SettingsCodec::decode(SettingsCodec::encode(any)).document == any);
}

void TestSettingsStore::defaultsRoundTrip()
{
    const SettingsDocument defaults;
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(SettingsCodec::encode(defaults));
    QVERIFY2(decoded.issues.isEmpty(), qPrintable(describe(decoded.issues)));
    QVERIFY(decoded.document == defaults);
    // A file that only names its version means the defaults.
    const SettingsCodec::Decoded minimal = SettingsCodec::decode("{\"version\": 2}");
    QVERIFY2(minimal.ok(), qPrintable(describe(minimal.issues)));
    QVERIFY(minimal.document == defaults);
}

void TestSettingsStore::passwordsNeverWritten()
{
    SettingsDocument document = fullDocument();
    const QString profileSecret = u"hunter2-profile-\u00e9"_s;
    const QString inboundSecret = u"hunter2-inbound"_s;
    document.engine.profiles[0].password = profileSecret;
    document.engine.profiles[1].password = profileSecret;
    document.engine.inboundAuth.password = inboundSecret;

    const QString path = m_dir.filePath(u"secrets/settings.json"_s);
    SettingsStore store(path);
    QVERIFY(store.save(document).ok());
    document.engine.listenPort = 4000; // a second save writes the backup
    QVERIFY(store.save(document).ok());
    const QString exportPath = m_dir.filePath(u"secrets/export.json"_s);
    QVERIFY(SettingsStore::exportTo(exportPath, document, SettingsCodec::allParts()).ok());

    for (const QString& file : {path, store.backupFilePath(), exportPath}) {
        const QByteArray bytes = readAll(file);
        QVERIFY2(!bytes.isEmpty(), qPrintable(file));
        QVERIFY2(!bytes.contains(profileSecret.toUtf8()), qPrintable(file));
        QVERIFY2(!bytes.contains(inboundSecret.toUtf8()), qPrintable(file));
        QVERIFY2(!bytes.contains("hunter2"), qPrintable(file));
        QVERIFY2(!bytes.contains("\"password\""), qPrintable(file));
    }
    // What comes back has no passwords either.
    SettingsStore reader(path);
    const SettingsLoadResult loaded = reader.load();
    QVERIFY(loaded.document == document.withoutSecrets());
}

void TestSettingsStore::plainTextPasswordIsRecoveredNotKept()
{
    // Someone typed passwords into the file by hand: they are handed to the
    // caller for the keychain, reported, and gone after the next save.
    QByteArray json = mutated(readAll(m_full), u"/profiles/0/password"_s, u"typed-in"_s);
    json = mutated(json, u"/inboundAuth/password"_s, u"typed-inbound"_s);
    const QString path = m_dir.filePath(u"plaintext/settings.json"_s);
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QVERIFY(writeAll(path, json));

    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::File);
    QCOMPARE(loaded.recoveredSecrets.size(), 2);
    QCOMPARE(loaded.recoveredSecrets.at(0).key, SecretStore::inboundKey());
    QCOMPARE(loaded.recoveredSecrets.at(0).secret, u"typed-inbound"_s);
    QCOMPARE(loaded.recoveredSecrets.at(1).key, SecretStore::profileKey(u"work-http"_s));
    QCOMPARE(loaded.recoveredSecrets.at(1).secret, u"typed-in"_s);
    QVERIFY(findIssue(loaded.issues, u"profiles[0].password"_s));
    QVERIFY(findIssue(loaded.issues, u"inboundAuth.password"_s));
    QVERIFY(loaded.document.engine.profiles.at(0).password.isEmpty());
    QVERIFY(loaded.document.engine.inboundAuth.password.isEmpty());
    for (const QString& line : loaded.messages())
        QVERIFY2(!line.contains(u"typed-in"_s), qPrintable(line));

    QVERIFY(store.save(loaded.document).ok());
    for (const QString& file : {path, store.backupFilePath()}) {
        const QByteArray bytes = readAll(file);
        QVERIFY2(!bytes.contains("typed-in"), qPrintable(file));
    }
}

void TestSettingsStore::missingFileGivesDefaults()
{
    const QString dir = m_dir.filePath(u"missing"_s);
    SettingsStore store(dir + u"/settings.json"_s);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::Defaults);
    QVERIFY(loaded.usedSettingsFile());
    QVERIFY(loaded.issues.isEmpty());
    QVERIFY(!loaded.hasMessages());
    QVERIFY(loaded.document == SettingsDocument());
    // Loading creates nothing.
    QVERIFY(!QFileInfo::exists(dir));
}

void TestSettingsStore::corruptFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path"); // field path of the error, "" for the whole file
    QTest::addColumn<int>("line");     // 0: no line expected
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("says");

    QTest::newRow("empty") << u"corrupt-empty.json"_s << QString() << 0 << 0 << u"empty"_s;
    QTest::newRow("only white space")
        << u"corrupt-whitespace.json"_s << QString() << 0 << 0 << u"empty"_s;
    QTest::newRow("truncated") << u"corrupt-truncated.json"_s << QString() << 75 << 9
                               << u"not valid JSON"_s;
    QTest::newRow("binary garbage")
        << u"corrupt-garbage.bin"_s << QString() << 1 << 8 << u"binary data"_s;
    QTest::newRow("not UTF-8") << u"corrupt-invalid-utf8.json"_s << QString() << 0 << 0
                               << u"not UTF-8"_s;
    QTest::newRow("bad JSON syntax")
        << u"corrupt-syntax.json"_s << QString() << 4 << 2 << u"not valid JSON"_s;
    QTest::newRow("not an object")
        << u"corrupt-not-object.json"_s << QString() << 0 << 0 << u"not a settings object"_s;
    QTest::newRow("no version") << u"corrupt-no-version.json"_s << u"version"_s << 0 << 0
                                << u"missing"_s;
    QTest::newRow("newer version") << u"corrupt-future-version.json"_s << u"version"_s << 0 << 0
                                   << u"newer Switchyard (settings version 3)"_s;
    QTest::newRow("wrong type") << u"corrupt-wrong-types.json"_s << u"profiles[2].port"_s << 0 << 0
                                << u"must be a whole number, not a string"_s;
    QTest::newRow("unknown rule type")
        << u"corrupt-unknown-matcher.json"_s << u"routing.rules[1].matcher"_s << 0 << 0
        << u"unknown value \"geoip\""_s;
}

void TestSettingsStore::corruptFile()
{
    QFETCH(QString, file);
    QFETCH(QString, path);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, says);

    const QByteArray broken = readAll(sample(file));
    QTemporaryDir dir;
    const QString settingsPath = dir.filePath(u"settings.json"_s);
    // A good previous version exists: the store must start from it.
    SettingsStore writer(settingsPath);
    QVERIFY(writer.save(smallDocument()).ok());
    QVERIFY(writer.save(fullDocument()).ok()); // backup: smallDocument()
    QVERIFY(writeAll(settingsPath, broken));

    SettingsStore store(settingsPath);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::Backup);
    QVERIFY(!loaded.usedSettingsFile());
    QVERIFY(loaded.document == smallDocument());

    // What is wrong, and where.
    QVERIFY(SettingsIssue::anyError(loaded.issues));
    const SettingsIssue& first = *std::find_if(loaded.issues.cbegin(), loaded.issues.cend(),
                                               [](const SettingsIssue& i) { return i.isError(); });
    QVERIFY2(first.message.contains(says), qPrintable(first.toString()));
    QCOMPARE(first.path, path);
    if (line > 0) {
        QCOMPARE(first.line, line);
        QCOMPARE(first.column, column);
        QVERIFY(first.toString().startsWith(u"line %1, column %2: "_s.arg(line).arg(column)));
    } else if (!path.isEmpty()) {
        QVERIFY(first.toString().startsWith(path + u": "_s));
    }

    // The broken file is kept under a clear name, byte for byte …
    QVERIFY(!loaded.brokenFileKeptAs.isEmpty());
    QVERIFY2(QRegularExpression(u"/settings\\.json\\.broken-\\d{8}-\\d{6}$"_s)
                 .match(loaded.brokenFileKeptAs)
                 .hasMatch(),
             qPrintable(loaded.brokenFileKeptAs));
    QCOMPARE(readAll(loaded.brokenFileKeptAs), broken);
    // … the good version is back in place for the next start …
    QVERIFY(loaded.recoveryError.isEmpty());
    QVERIFY(SettingsStore(settingsPath).load().document == smallDocument());
    // … and the user is told all of it.
    const QString messages = loaded.messages().join(u'\n');
    QVERIFY2(messages.contains(first.toString()), qPrintable(messages));
    QVERIFY2(messages.contains(QDir::toNativeSeparators(loaded.brokenFileKeptAs)),
             qPrintable(messages));
    QVERIFY2(messages.contains(u"last good version"_s), qPrintable(messages));
}

void TestSettingsStore::corruptFileWithoutBackup()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    QVERIFY(writeAll(path, readAll(sample(u"corrupt-truncated.json"_s))));
    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::DefaultsAfterError);
    QVERIFY(loaded.document == SettingsDocument());
    QVERIFY(QFileInfo::exists(loaded.brokenFileKeptAs));
    QVERIFY(!QFileInfo::exists(path)); // no good version to put back
    QVERIFY(loaded.messages().join(u'\n').contains(u"default settings"_s));

    // Saving now creates a fresh file and leaves the broken one alone.
    const QByteArray kept = readAll(loaded.brokenFileKeptAs);
    QVERIFY(store.save(loaded.document).ok());
    QCOMPARE(readAll(loaded.brokenFileKeptAs), kept);
    QVERIFY(!QFileInfo::exists(store.backupFilePath()));
}

void TestSettingsStore::corruptBackupToo()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    QVERIFY(writeAll(path, readAll(sample(u"corrupt-wrong-types.json"_s))));
    QVERIFY(writeAll(path + u".bak"_s, readAll(sample(u"corrupt-syntax.json"_s))));
    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load();
    QCOMPARE(loaded.source, SettingsLoadResult::Source::DefaultsAfterError);
    QVERIFY(findIssue(loaded.issues, u"profiles[2].port"_s));
    QCOMPARE(loaded.backupIssues.size(), 1);
    QCOMPARE(loaded.backupIssues.at(0).line, 4);
    const QString messages = loaded.messages().join(u'\n');
    QVERIFY2(messages.contains(u"backup cannot be used"_s), qPrintable(messages));
    QVERIFY2(messages.contains(u"line 4, column 2"_s), qPrintable(messages));
}

void TestSettingsStore::readOnlyLoadTouchesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    SettingsStore writer(path);
    QVERIFY(writer.save(smallDocument()).ok());
    QVERIFY(writer.save(fullDocument()).ok());
    const QByteArray broken = readAll(sample(u"corrupt-future-version.json"_s));
    QVERIFY(writeAll(path, broken));
    const QStringList before = entries(dir.path());

    SettingsStore store(path);
    const SettingsLoadResult loaded = store.load(SettingsStore::LoadMode::ReadOnly);
    QCOMPARE(loaded.source, SettingsLoadResult::Source::Backup);
    QVERIFY(loaded.brokenFileKeptAs.isEmpty());
    QCOMPARE(entries(dir.path()), before);
    QCOMPARE(readAll(path), broken);
}

void TestSettingsStore::everyTruncationIsRejected()
{
    const QByteArray full = readAll(m_full);
    const qsizetype end = full.lastIndexOf('}');
    for (qsizetype length = 0; length < end; ++length) {
        const SettingsCodec::Decoded decoded = SettingsCodec::decode(full.left(length));
        QVERIFY2(!decoded.ok(), qPrintable(u"accepted %1 bytes"_s.arg(length)));
        QVERIFY(!decoded.issues.isEmpty());
        QVERIFY(length == 0 || decoded.issues.constFirst().line > 0 ||
                decoded.issues.constFirst().message.contains(u"empty"_s));
    }
    QVERIFY(SettingsCodec::decode(full.left(end + 1)).ok());
}

void TestSettingsStore::fieldErrorsNameTheirPath_data()
{
    QTest::addColumn<QString>("pointer");  // what to change in v2-full.json
    QTest::addColumn<QJsonValue>("value"); // undefined: remove it
    QTest::addColumn<QString>("path");     // where the error must be reported

    const auto row = [](const char* name, const QString& pointer, const QJsonValue& value,
                        const QString& path) {
        QTest::newRow(name) << pointer << value << path;
    };
    row("listen port too big", u"/listen/port"_s, 70000, u"listen.port"_s);
    row("listen port fraction", u"/listen/port"_s, 80.5, u"listen.port"_s);
    row("listen address", u"/listen/address"_s, u"localhost:80"_s, u"listen.address"_s);
    row("listen missing address", u"/listen/address"_s, QJsonValue(QJsonValue::Undefined),
        u"listen.address"_s);
    row("negative limit", u"/limits/maxHeadBytes"_s, -1, u"limits.maxHeadBytes"_s);
    row("limit as text", u"/limits/connectTimeoutMs"_s, u"5000"_s, u"limits.connectTimeoutMs"_s);
    row("limit huge", u"/limits/maxClientConnections"_s, 1e12, u"limits.maxClientConnections"_s);
    row("capture flag", u"/capture/enabled"_s, u"yes"_s, u"capture.enabled"_s);
    row("capture size", u"/capture/maxBodyBytes"_s, -5, u"capture.maxBodyBytes"_s);
    row("via flag", u"/addViaHeader"_s, 1, u"addViaHeader"_s);
    row("tunnel ports not a list", u"/remoteTunnelPorts"_s, 443, u"remoteTunnelPorts"_s);
    row("tunnel port", u"/remoteTunnelPorts/1"_s, 0, u"remoteTunnelPorts[1]"_s);
    row("log flush", u"/logFlushIntervalMs"_s, 0, u"logFlushIntervalMs"_s);
    row("inbound without user", u"/inboundAuth/username"_s, u""_s, u"inboundAuth.username"_s);
    row("inbound flag", u"/inboundAuth/required"_s, QJsonValue(QJsonValue::Null),
        u"inboundAuth.required"_s);
    row("profiles not a list", u"/profiles"_s, QJsonObject(), u"profiles"_s);
    row("profile not an object", u"/profiles/1"_s, u"Home"_s, u"profiles[1]"_s);
    row("profile type", u"/profiles/0/type"_s, u"ftp"_s, u"profiles[0].type"_s);
    row("profile host", u"/profiles/1/host"_s, u"bad host"_s, u"profiles[1].host"_s);
    row("profile no host", u"/profiles/1/host"_s, QJsonValue(QJsonValue::Undefined),
        u"profiles[1].host"_s);
    row("profile port zero", u"/profiles/3/port"_s, 0, u"profiles[3].port"_s);
    row("profile user name", u"/profiles/3/username"_s, 5, u"profiles[3].username"_s);
    row("profile id chars", u"/profiles/0/id"_s, u"work http/1"_s, u"profiles[0].id"_s);
    row("profile id twice", u"/profiles/0/id"_s, u"tor"_s, u"profiles[2].id"_s);
    row("profile empty name", u"/profiles/2/name"_s, u"  "_s, u"profiles[2].name"_s);
    row("profile switch", u"/profiles/2/resolveAtExit"_s, u"true"_s,
        u"profiles[2].resolveAtExit"_s);
    row("rules not a list", u"/routing/rules"_s, u"none"_s, u"routing.rules"_s);
    row("rule not an object", u"/routing/rules/3"_s, 3, u"routing.rules[3]"_s);
    row("rule matcher", u"/routing/rules/1/matcher"_s, u"geoip"_s, u"routing.rules[1].matcher"_s);
    row("rule no pattern", u"/routing/rules/1/pattern"_s, QJsonValue(QJsonValue::Undefined),
        u"routing.rules[1].pattern"_s);
    row("rule action kind", u"/routing/rules/0/action/kind"_s, u"proxy"_s,
        u"routing.rules[0].action.kind"_s);
    row("rule action without profile", u"/routing/rules/0/action/profile"_s,
        QJsonValue(QJsonValue::Undefined), u"routing.rules[0].action.profile"_s);
    row("rule enabled", u"/routing/rules/2/enabled"_s, QJsonValue(QJsonValue::Null),
        u"routing.rules[2].enabled"_s);
    row("rule comment", u"/routing/rules/2/comment"_s, QJsonArray(), u"routing.rules[2].comment"_s);
    row("default action", u"/routing/defaultAction/kind"_s, 3, u"routing.defaultAction.kind"_s);
    row("hosts address", u"/hostsOverride/intranet.example/0"_s, u"10.1.2.300"_s,
        u"hostsOverride.intranet.example[0]"_s);
    row("hosts not addresses", u"/hostsOverride/intranet.example"_s, 7,
        u"hostsOverride.intranet.example"_s);
    row("ui geometry", u"/ui/windowGeometry"_s, u"not base64!"_s, u"ui.windowGeometry"_s);
    row("ui column width", u"/ui/columnWidths/traffic/1"_s, -4, u"ui.columnWidths.traffic[1]"_s);
    row("ui language", u"/ui/language"_s, u"english!!"_s, u"ui.language"_s);
    row("ui log entries", u"/ui/maxLogEntries"_s, 5, u"ui.maxLogEntries"_s);
    row("ui system proxy", u"/ui/systemProxyMode"_s, u"auto"_s, u"ui.systemProxyMode"_s);
    row("ui not an object", u"/ui"_s, true, u"ui"_s);
    row("version as text", u"/version"_s, u"2"_s, u"version"_s);
    row("version zero", u"/version"_s, 0, u"version"_s);
    row("format", u"/format"_s, u"someone-elses"_s, u"format"_s);
}

void TestSettingsStore::fieldErrorsNameTheirPath()
{
    QFETCH(QString, pointer);
    QFETCH(QJsonValue, value);
    QFETCH(QString, path);

    const SettingsCodec::Decoded decoded =
        SettingsCodec::decode(mutated(readAll(m_full), pointer, value));
    QVERIFY2(!decoded.ok(), qPrintable(describe(decoded.issues)));
    const SettingsIssue* issue = findIssue(decoded.issues, path);
    QVERIFY2(issue, qPrintable(describe(decoded.issues)));
    QVERIFY(issue->isError());
    QVERIFY(!issue->message.isEmpty());
    QVERIFY(issue->toString().startsWith(path + u": "_s));
}

void TestSettingsStore::everyErrorIsReported()
{
    // Reading goes on after the first bad field: the user fixes all at once.
    QByteArray json = readAll(m_full);
    json = mutated(json, u"/listen/port"_s, -1);
    json = mutated(json, u"/profiles/2/port"_s, u"9050"_s);
    json = mutated(json, u"/routing/rules/4/matcher"_s, u"asn"_s);
    json = mutated(json, u"/ui/language"_s, 42);
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    for (const QString& path :
         {u"listen.port"_s, u"profiles[2].port"_s, u"routing.rules[4].matcher"_s, u"ui.language"_s})
        QVERIFY2(findIssue(decoded.issues, path), qPrintable(describe(decoded.issues)));
}

void TestSettingsStore::unknownKeysAreWarnings()
{
    QByteArray json = mutated(readAll(m_full), u"/listne"_s, u"typo"_s);
    json = mutated(json, u"/profiles/1/colour"_s, u"blue"_s);
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.issues)));
    QVERIFY(decoded.document == fullDocument());
    const SettingsIssue* typo = findIssue(decoded.issues, u"listne"_s);
    QVERIFY(typo && !typo->isError());
    QVERIFY(typo->message.contains(u"unknown"_s));
    QVERIFY(findIssue(decoded.issues, u"profiles[1].colour"_s));
}

void TestSettingsStore::invalidPatternIsKeptWithWarning()
{
    // The rule stays as written (the editor shows and fixes it); it never matches.
    const QByteArray json = mutated(readAll(m_full), u"/routing/rules/4/pattern"_s, u"^ads(["_s);
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.issues)));
    const SettingsIssue* issue = findIssue(decoded.issues, u"routing.rules[4].pattern"_s);
    QVERIFY2(issue && !issue->isError(), qPrintable(describe(decoded.issues)));
    QCOMPARE(decoded.document.engine.routing.rules.at(4).pattern, u"^ads(["_s);
}

void TestSettingsStore::danglingProfileIsWarning()
{
    const QByteArray json =
        mutated(readAll(m_full), u"/routing/defaultAction/profile"_s, u"deleted-exit"_s);
    const SettingsCodec::Decoded decoded = SettingsCodec::decode(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.issues)));
    const SettingsIssue* issue = findIssue(decoded.issues, u"routing.defaultAction.profile"_s);
    QVERIFY(issue && !issue->isError());
    QVERIFY(issue->message.contains(u"blocked"_s));
}

void TestSettingsStore::saveKeepsPreviousVersionAsBackup()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    SettingsStore store(path);
    QVERIFY(store.save(smallDocument()).ok());
    QVERIFY(!QFileInfo::exists(store.backupFilePath())); // nothing earlier to keep
    QVERIFY(store.save(fullDocument()).ok());
    QCOMPARE(readAll(path), SettingsCodec::encode(fullDocument()));
    QCOMPARE(readAll(store.backupFilePath()), SettingsCodec::encode(smallDocument()));

    // A store that loaded the file keeps what it loaded as the backup.
    SettingsStore later(path);
    QVERIFY(later.load().usedSettingsFile());
    SettingsDocument changed = fullDocument();
    changed.engine.listenPort = 1234;
    QVERIFY(later.save(changed).ok());
    QCOMPARE(readAll(later.backupFilePath()), SettingsCodec::encode(fullDocument()));
    QCOMPARE(entries(dir.path()), (QStringList{u"settings.json"_s, u"settings.json.bak"_s}));
}

void TestSettingsStore::unchangedSaveWritesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    SettingsStore store(path);
    QVERIFY(store.save(smallDocument()).ok());
    QVERIFY(store.save(fullDocument()).ok());
    const QDateTime before = QFileInfo(path).lastModified();
    const QByteArray backup = readAll(store.backupFilePath());
    QTest::qWait(20);
    QVERIFY(store.save(fullDocument()).ok());
    QCOMPARE(QFileInfo(path).lastModified(), before);
    QCOMPARE(readAll(store.backupFilePath()), backup); // still the version before
}

void TestSettingsStore::interruptedSaveLeavesOldFile()
{
    // The save is cut short at every possible byte, in the backup and in the
    // settings file, by a real write error from the kernel.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    {
        SettingsStore first(path);
        QVERIFY(first.save(SettingsDocument()).ok());
        QVERIFY(first.save(smallDocument()).ok());
    }
    const QByteArray oldBytes = readAll(path);
    const QByteArray oldBackup = readAll(path + u".bak"_s);
    const QByteArray newBytes = SettingsCodec::encode(fullDocument());
    QVERIFY(newBytes.size() > oldBytes.size());

    // Every byte near the start and the end of each file, and every 29th byte
    // between: one write() call carries the whole file, so the bytes between
    // take the same path (and each failed save costs an fsync of the backup).
    QList<qsizetype> limits;
    for (qsizetype limit = 0; limit < newBytes.size(); ++limit) {
        const bool nearEdge =
            limit < 128 || qAbs(limit - oldBytes.size()) <= 64 || limit >= newBytes.size() - 128;
        if (nearEdge || limit % 29 == 0)
            limits.append(limit);
    }
    int backupFailures = 0;
    int settingsFailures = 0;
    for (const qsizetype limit : std::as_const(limits)) {
        SettingsStore store(path);
        QVERIFY(store.load().usedSettingsFile());
        SettingsSaveResult result;
        {
            FileSizeLimit cap{rlim_t(limit)};
            QVERIFY(cap.ok());
            result = store.save(fullDocument());
        }
        QVERIFY2(!result.ok(), qPrintable(u"limit %1: the save went through"_s.arg(limit)));
        QVERIFY(!result.error.isEmpty());
        // The settings file is exactly the old one, and readable.
        QCOMPARE(readAll(path), oldBytes);
        QVERIFY(SettingsCodec::decode(readAll(path)).ok());
        // The backup is either the one before or the version just replaced:
        // good either way.
        const QByteArray backup = readAll(path + u".bak"_s);
        QVERIFY(backup == oldBackup || backup == oldBytes);
        QVERIFY(SettingsCodec::decode(backup).ok());
        if (result.error.contains(u"backup"_s))
            ++backupFailures;
        else
            ++settingsFailures;
        // No temporary file is left behind.
        QCOMPARE(entries(dir.path()), (QStringList{u"settings.json"_s, u"settings.json.bak"_s}));
    }
    // Each step failed exactly where it had to: the backup while it did not
    // fit, the settings file after.
    const auto backupLimits = std::count_if(
        limits.cbegin(), limits.cend(), [&](qsizetype limit) { return limit < oldBytes.size(); });
    QCOMPARE(backupFailures, int(backupLimits));
    QCOMPARE(settingsFailures, int(limits.size() - backupLimits));
    QVERIFY(backupFailures > 100 && settingsFailures > 100);

    // With room again the same save goes through.
    SettingsStore store(path);
    QVERIFY(store.load().usedSettingsFile());
    const SettingsSaveResult result = store.save(fullDocument());
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(readAll(path), newBytes);
    QCOMPARE(readAll(path + u".bak"_s), oldBytes);
}

void TestSettingsStore::saveIntoUnusablePathFails()
{
    QTemporaryDir dir;
    // The folder the settings should go in is a file.
    const QString notAFolder = dir.filePath(u"config"_s);
    QVERIFY(writeAll(notAFolder, "I am a file"));
    SettingsStore store(notAFolder + u"/settings.json"_s);
    const SettingsSaveResult result = store.save(fullDocument());
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(QDir::toNativeSeparators(notAFolder)), qPrintable(result.error));
    QCOMPARE(readAll(notAFolder), QByteArray("I am a file"));

    // The settings file itself is a folder.
    const QString folder = dir.filePath(u"folder.json"_s);
    QVERIFY(QDir().mkpath(folder));
    SettingsStore onFolder(folder);
    QVERIFY(!onFolder.save(fullDocument()).ok());
    QVERIFY(QFileInfo(folder).isDir());
}

void TestSettingsStore::vanishedFolderIsRecreated()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(u"Switchyard"_s);
    const QString path = folder + u"/settings.json"_s;
    SettingsStore store(path);
    QVERIFY(store.save(smallDocument()).ok());
    QVERIFY(store.load().usedSettingsFile());
    QVERIFY(QDir(folder).removeRecursively());
    const SettingsSaveResult result = store.save(fullDocument());
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(readAll(path), SettingsCodec::encode(fullDocument()));
}

void TestSettingsStore::externalChangeIsKeptAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    SettingsStore store(path);
    QVERIFY(store.save(smallDocument()).ok());
    QVERIFY(store.load().usedSettingsFile());

    // The user edits the file while Switchyard runs …
    SettingsDocument edited = smallDocument();
    edited.engine.addViaHeader = true;
    const QByteArray theirs = SettingsCodec::encode(edited);
    QVERIFY(writeAll(path, theirs));
    // … and Switchyard saves its own change: the edit is kept, and said so.
    const SettingsSaveResult result = store.save(fullDocument());
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.notes.size(), 1);
    QVERIFY2(result.notes.constFirst().contains(u"changed by another program"_s),
             qPrintable(result.notes.constFirst()));
    const QStringList aside = QDir(dir.path()).entryList({u"settings.json.changed-*"_s});
    QCOMPARE(aside.size(), 1);
    QCOMPARE(readAll(dir.filePath(aside.constFirst())), theirs);
    QCOMPARE(readAll(path), SettingsCodec::encode(fullDocument()));
}

void TestSettingsStore::brokenFileIsNeverSavedOver()
{
    // A store that could not read the file (read-only mode: nothing moved) must
    // not write over it later either.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    const QByteArray broken = readAll(sample(u"corrupt-unknown-matcher.json"_s));
    QVERIFY(writeAll(path, broken));
    SettingsStore store(path);
    QCOMPARE(store.load(SettingsStore::LoadMode::ReadOnly).source,
             SettingsLoadResult::Source::DefaultsAfterError);
    const SettingsSaveResult result = store.save(smallDocument());
    QVERIFY2(result.ok(), qPrintable(result.error));
    QVERIFY(result.notes.join(u' ').contains(u"could not be read"_s));
    const QStringList aside = QDir(dir.path()).entryList({u"settings.json.broken-*"_s});
    QCOMPARE(aside.size(), 1);
    QCOMPARE(readAll(dir.filePath(aside.constFirst())), broken);
}

void TestSettingsStore::filePermissions()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"settings.json"_s);
    SettingsStore store(path);
    QVERIFY(store.save(smallDocument()).ok());
    QVERIFY(store.save(fullDocument()).ok());
    const QString exportPath = dir.filePath(u"export.json"_s);
    QVERIFY(SettingsStore::exportTo(exportPath, fullDocument()).ok());
    const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther |
                        QFileDevice::WriteOther | QFileDevice::ExeGroup | QFileDevice::ExeOther;
    for (const QString& file : {path, store.backupFilePath(), exportPath}) {
        const QFileDevice::Permissions permissions = QFile::permissions(file);
        QVERIFY2(!(permissions & others), qPrintable(file));
        QVERIFY(permissions & QFileDevice::ReadOwner);
    }
    // A file the user opened up on purpose keeps its permissions.
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                            QFileDevice::ReadGroup | QFileDevice::ReadOther));
    SettingsDocument changed = fullDocument();
    changed.engine.listenPort = 4242;
    QVERIFY(store.save(changed).ok());
    QVERIFY(QFile::permissions(path) & QFileDevice::ReadOther);
}

void TestSettingsStore::exportCarriesNoPasswordsNorWindow()
{
    SettingsDocument document = fullDocument();
    document.engine.profiles[0].password = u"export-secret"_s;
    document.engine.inboundAuth.password = u"inbound-secret"_s;
    const QString path = m_dir.filePath(u"export/switchyard-export.json"_s);
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    const SettingsSaveResult result = SettingsStore::exportTo(path, document);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QByteArray bytes = readAll(path);
    QVERIFY(!bytes.contains("export-secret"));
    QVERIFY(!bytes.contains("inbound-secret"));
    QVERIFY(!bytes.contains("\"password\""));
    const QJsonObject root = QJsonDocument::fromJson(bytes).object();
    QCOMPARE(root.value(u"format"_s).toString(), u"switchyard-export"_s);
    QCOMPARE(root.value(u"version"_s).toInt(), SettingsDocument::currentVersion);
    QVERIFY(root.contains(u"exportedAt"_s));
    QVERIFY(!root.contains(u"ui"_s)); // window geometry belongs to one machine
    QVERIFY(root.contains(u"profiles"_s) && root.contains(u"routing"_s) &&
            root.contains(u"listen"_s));
}

void TestSettingsStore::importReplace()
{
    const QString path = m_dir.filePath(u"replace-export.json"_s);
    QVERIFY(SettingsStore::exportTo(path, fullDocument()).ok());
    const SettingsImport import = SettingsStore::importFrom(path);
    QVERIFY2(import.ok(), qPrintable(describe(import.decoded.issues)));
    QCOMPARE(import.decoded.kind, SettingsCodec::Kind::Export);
    QCOMPARE(import.parts(), SettingsStore::defaultExportParts());

    // A new machine: the old one's exits, rules and network settings; its own window.
    SettingsDocument target;
    UpstreamProfile local;
    local.id = u"local-only"_s;
    local.name = u"Local"_s;
    local.host = u"127.0.0.1"_s;
    local.port = 8080;
    target.engine.profiles = {local};
    target.ui.language = u"de"_s;
    const QStringList removed = import.applyTo(&target, SettingsImport::Mode::Replace);
    QCOMPARE(removed, QStringList{u"local-only"_s});
    SettingsDocument expected = fullDocument();
    expected.ui = target.ui;
    QVERIFY(target == expected);
    QCOMPARE(target.ui.language, u"de"_s);
}

void TestSettingsStore::importMerge()
{
    const QString path = m_dir.filePath(u"merge-export.json"_s);
    QVERIFY(SettingsStore::exportTo(path, fullDocument()).ok());
    const SettingsImport import = SettingsStore::importFrom(path);
    QVERIFY(import.ok());

    SettingsDocument target;
    UpstreamProfile work; // same id as the import's: updated in place, password kept
    work.id = u"work-http"_s;
    work.name = u"Old name"_s;
    work.host = u"old.example"_s;
    work.port = 1;
    work.password = u"kept-in-memory"_s;
    UpstreamProfile mine;
    mine.id = u"mine"_s;
    mine.name = u"Mine"_s;
    mine.host = u"127.0.0.1"_s;
    mine.port = 8080;
    target.engine.profiles = {mine, work};
    const Rule ownRule{
        Rule::Matcher::Domain, u"mine.example"_s, RouteAction::through(mine.id), true, {}};
    target.engine.routing.rules = {ownRule};
    target.engine.routing.defaultAction = RouteAction::block();

    const QStringList removed =
        import.applyTo(&target, SettingsImport::Mode::Merge,
                       SettingsCodec::Part::Profiles | SettingsCodec::Part::Routing);
    QVERIFY(removed.isEmpty());
    const QList<UpstreamProfile>& profiles = target.engine.profiles;
    QCOMPARE(profiles.size(), 1 + fullDocument().engine.profiles.size());
    QCOMPARE(profiles.at(0).id, u"mine"_s);
    QCOMPARE(profiles.at(1).id, u"work-http"_s);
    QCOMPARE(profiles.at(1).host, u"proxy.work.example"_s);
    QCOMPARE(profiles.at(1).password, u"kept-in-memory"_s);
    QCOMPARE(target.engine.routing.rules.size(), 1 + fullDocument().engine.routing.rules.size());
    QVERIFY(target.engine.routing.rules.constFirst() == ownRule);
    QVERIFY(target.engine.routing.defaultAction == RouteAction::block());
    QCOMPARE(target.engine.listenPort, SettingsDocument().engine.listenPort); // not taken
    QCOMPARE(target.engine.hostsOverride.size(), 2);
}

void TestSettingsStore::importRulesOnly()
{
    // A shared rule set without the exits it names: taken, with a warning per
    // rule that names an exit this file does not have.
    const QString path = m_dir.filePath(u"rules-only.json"_s);
    QVERIFY(SettingsStore::exportTo(path, fullDocument(), SettingsCodec::Part::Routing).ok());
    const SettingsImport import = SettingsStore::importFrom(path);
    QVERIFY2(import.ok(), qPrintable(describe(import.decoded.issues)));
    QCOMPARE(import.parts(), SettingsCodec::Parts(SettingsCodec::Part::Routing));
    QVERIFY(findIssue(import.decoded.issues, u"routing.rules[0].action.profile"_s));
    QVERIFY(findIssue(import.decoded.issues, u"routing.defaultAction.profile"_s));
    SettingsDocument target;
    import.applyTo(&target, SettingsImport::Mode::Replace);
    QVERIFY(target.engine.routing == fullDocument().engine.routing);
    QVERIFY(target.engine.profiles.isEmpty());
}

void TestSettingsStore::importReportsErrors()
{
    const SettingsImport missing = SettingsStore::importFrom(m_dir.filePath(u"nowhere.json"_s));
    QVERIFY(!missing.ok());
    QVERIFY(missing.decoded.issues.constFirst().message.contains(u"cannot open"_s));
    const SettingsImport broken = SettingsStore::importFrom(sample(u"corrupt-wrong-types.json"_s));
    QVERIFY(!broken.ok());
    QVERIFY(findIssue(broken.decoded.issues, u"profiles[2].port"_s));
}

QTEST_GUILESS_MAIN(TestSettingsStore)
#include "tst_settingsstore.moc"
