// What the system proxy backends would write where they cannot be run here:
// the Windows registry values and the macOS networksetup command lines (and
// the parsing of its -get output); the backend choice; and the journal that
// makes a crash recoverable (atomic write, leftover detection, a change by the
// user since, a running Switchyard's lock).
#include "GnomeProxyBackend.h"
#include "MacNetworkSetup.h"
#include "SystemProxyBackendFactory.h"
#include "SystemProxyController.h"
#include "SystemProxyJournal.h"
#include "SystemProxyTarget.h"
#include "WindowsProxyBackend.h"
#include "WindowsProxySettings.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLockFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;
using Kind = WindowsRegistryValue::Kind;

namespace {

SystemProxyTarget manualTarget(quint16 port = 8877)
{
    return SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, port);
}

SystemProxyTarget pacTarget(quint16 port = 8877)
{
    return SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, port,
                                               SystemProxyTarget::Mode::Pac);
}

} // namespace

class TestSystemProxyWriters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void target();
    void targetValidation_data();
    void targetValidation();
    void gvariantQuoting();
    void chooseLinuxBackend_data();
    void chooseLinuxBackend();

    void windowsManualValues();
    void windowsPacValues();
    void windowsSnapshotRoundTrip();
    void windowsDamagedSnapshot();
    void windowsPointsAt();
    void windowsBackendUnavailableHere();

    void macParseServices();
    void macParseProxy();
    void macParseProxyRejectsErrors();
    void macParseAutoProxy();
    void macParseBypassDomains();
    void macApplyCommands();
    void macRestoreCommands();
    void macPointsAtAndSnapshot();

    void journalWriteAndRead();
    void journalDamaged();
    void leftoverNothing();
    void leftoverUnusableBackendKeepsJournal();
    void leftoverInUseByLiveLock();
    void leftoverChangedSinceIsDetected();
};

void TestSystemProxyWriters::target()
{
    const SystemProxyTarget any = SystemProxyTarget::forListenAddress(QHostAddress::AnyIPv4, 9000);
    QCOMPARE(any.host, u"127.0.0.1"_s);
    QCOMPARE(any.pacUrl(), u"http://127.0.0.1:9000/proxy.pac"_s);
    const SystemProxyTarget any6 = SystemProxyTarget::forListenAddress(QHostAddress::AnyIPv6, 9001);
    QCOMPARE(any6.host, u"::1"_s);
    QCOMPARE(any6.pacUrl(), u"http://[::1]:9001/proxy.pac"_s);
    QCOMPARE(any6.urlHost(), u"[::1]"_s);
    const SystemProxyTarget lan =
        SystemProxyTarget::forListenAddress(QHostAddress(u"192.168.1.5"_s), 8877);
    QCOMPARE(lan.host, u"192.168.1.5"_s);
    QCOMPARE(SystemProxyTarget::fromJson(pacTarget(1234).toJson()), pacTarget(1234));
    const QStringList bypass = SystemProxyTarget::bypassHosts();
    for (const QString& host : {u"localhost"_s, u"127.0.0.0/8"_s, u"::1"_s})
        QVERIFY(bypass.contains(host));
}

void TestSystemProxyWriters::targetValidation_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty host") << QString() << 8877 << u"no proxy address"_s;
    QTest::newRow("name") << u"proxy.invalid"_s << 8877 << u"not an IP address"_s;
    QTest::newRow("any") << u"0.0.0.0"_s << 8877 << u"not an address a client"_s;
    QTest::newRow("no port") << u"127.0.0.1"_s << 0 << u"no proxy port"_s;
    QTest::newRow("fine") << u"127.0.0.1"_s << 1 << QString();
}

void TestSystemProxyWriters::targetValidation()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, error);
    SystemProxyTarget target;
    target.host = host;
    target.port = quint16(port);
    const QString actual = target.validationError();
    if (error.isEmpty())
        QCOMPARE(actual, QString());
    else
        QVERIFY2(actual.contains(error), qPrintable(actual));
}

void TestSystemProxyWriters::gvariantQuoting()
{
    QCOMPARE(GnomeProxyBackend::gvariantString(u"127.0.0.1"_s), u"'127.0.0.1'"_s);
    QCOMPARE(GnomeProxyBackend::gvariantString(u"it's"_s), u"\"it's\""_s);
    QCOMPARE(GnomeProxyBackend::gvariantString(u"a'b\"c\\"_s), u"'a\\'b\"c\\\\'"_s);
    QCOMPARE(GnomeProxyBackend::gvariantStringArray({u"localhost"_s, u"::1"_s}),
             u"['localhost', '::1']"_s);
    const auto values = GnomeProxyBackend::valuesFor(manualTarget());
    QCOMPARE(values.value(u"org.gnome.system.proxy mode"_s), u"'manual'"_s);
    QCOMPARE(values.value(u"org.gnome.system.proxy.socks port"_s), u"8877"_s);
    QCOMPARE(
        GnomeProxyBackend::valuesFor(pacTarget()).value(u"org.gnome.system.proxy autoconfig-url"_s),
        u"'http://127.0.0.1:8877/proxy.pac'"_s);
}

void TestSystemProxyWriters::chooseLinuxBackend_data()
{
    QTest::addColumn<QString>("desktop");
    QTest::addColumn<bool>("kdeSession");
    QTest::addColumn<bool>("gnomeUsable");
    QTest::addColumn<bool>("kdeUsable");
    QTest::addColumn<QString>("expected");
    QTest::newRow("GNOME") << u"GNOME"_s << false << true << true << u"gnome"_s;
    QTest::newRow("ubuntu") << u"ubuntu:GNOME"_s << false << true << true << u"gnome"_s;
    QTest::newRow("Cinnamon") << u"X-Cinnamon"_s << false << true << true << u"gnome"_s;
    QTest::newRow("KDE") << u"KDE"_s << false << true << true << u"kde"_s;
    QTest::newRow("KDE_FULL_SESSION") << QString() << true << true << true << u"kde"_s;
    QTest::newRow("KDE without tools") << u"KDE"_s << false << true << false << QString();
    QTest::newRow("GNOME without gsettings") << u"GNOME"_s << false << false << true << QString();
    QTest::newRow("unknown, gsettings") << u"i3"_s << false << true << true << u"gnome"_s;
    QTest::newRow("none, kde tools") << QString() << false << false << true << u"kde"_s;
    QTest::newRow("nothing") << QString() << false << false << false << QString();
}

void TestSystemProxyWriters::chooseLinuxBackend()
{
    QFETCH(QString, desktop);
    QFETCH(bool, kdeSession);
    QFETCH(bool, gnomeUsable);
    QFETCH(bool, kdeUsable);
    QFETCH(QString, expected);
    QCOMPARE(
        SystemProxyBackendFactory::chooseLinuxBackend(desktop, kdeSession, gnomeUsable, kdeUsable),
        expected);
}

void TestSystemProxyWriters::windowsManualValues()
{
    QCOMPARE(WindowsProxySettings::keyPath(),
             u"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"_s);
    const QList<WindowsRegistryValue> values = WindowsProxySettings::valuesFor(manualTarget(8877));
    const QList<WindowsRegistryValue> expected = {
        WindowsRegistryValue::number(u"ProxyEnable"_s, 1),
        WindowsRegistryValue::string(u"ProxyServer"_s, u"http=127.0.0.1:8877;https=127.0.0.1:8877;"
                                                       u"socks=127.0.0.1:8877"_s),
        WindowsRegistryValue::string(
            u"ProxyOverride"_s, u"localhost;127.*;[::1];*.localhost;*.local;169.254.*;<local>"_s),
        WindowsRegistryValue::absent(u"AutoConfigURL"_s),
    };
    QCOMPARE(values, expected);
    const SystemProxyTarget v6 = SystemProxyTarget::forListenAddress(QHostAddress::AnyIPv6, 9);
    QCOMPARE(WindowsProxySettings::proxyServer(v6), u"http=[::1]:9;https=[::1]:9;socks=[::1]:9"_s);
}

void TestSystemProxyWriters::windowsPacValues()
{
    const QList<WindowsRegistryValue> expected = {
        WindowsRegistryValue::number(u"ProxyEnable"_s, 0),
        WindowsRegistryValue::string(u"AutoConfigURL"_s, u"http://127.0.0.1:8877/proxy.pac"_s),
    };
    QCOMPARE(WindowsProxySettings::valuesFor(pacTarget()), expected);
}

void TestSystemProxyWriters::windowsSnapshotRoundTrip()
{
    const QList<WindowsRegistryValue> before = {
        WindowsRegistryValue::number(u"ProxyEnable"_s, 0),
        WindowsRegistryValue::string(u"ProxyServer"_s, u"corp-proxy.invalid:8080"_s),
        WindowsRegistryValue::absent(u"ProxyOverride"_s),
        WindowsRegistryValue::string(u"AutoConfigURL"_s, QString()),
    };
    const QJsonObject snapshot = WindowsProxySettings::toSnapshot(before);
    // Through the journal's JSON text and back.
    const QJsonObject reread = QJsonDocument::fromJson(QJsonDocument(snapshot).toJson()).object();
    QString error;
    QCOMPARE(WindowsProxySettings::fromSnapshot(reread, &error), before);
    QCOMPARE(error, QString());
    // A snapshot with a value missing from the list reads it as absent, in order.
    const QList<WindowsRegistryValue> partial = {
        WindowsRegistryValue::number(u"ProxyEnable"_s, 4294967295u)};
    const QList<WindowsRegistryValue> full =
        WindowsProxySettings::fromSnapshot(WindowsProxySettings::toSnapshot(partial), &error);
    QCOMPARE(full.size(), 4);
    QCOMPARE(full.at(0).dword, 4294967295u);
    QCOMPARE(full.at(3).kind, Kind::Absent);
}

void TestSystemProxyWriters::windowsDamagedSnapshot()
{
    QString error;
    QVERIFY(WindowsProxySettings::fromSnapshot(QJsonObject(), &error).isEmpty());
    QVERIFY2(error.contains(u"damaged"_s), qPrintable(error));
    error.clear();
    QJsonObject values = WindowsProxySettings::toSnapshot({}).value(u"values"_s).toObject();
    values[u"ProxyEnable"_s] = QJsonObject{{u"dword"_s, -1}};
    QVERIFY(WindowsProxySettings::fromSnapshot({{u"values"_s, values}}, &error).isEmpty());
    QVERIFY2(error.contains(u"ProxyEnable"_s), qPrintable(error));
}

void TestSystemProxyWriters::windowsPointsAt()
{
    QList<WindowsRegistryValue> applied = WindowsProxySettings::valuesFor(manualTarget());
    QVERIFY(WindowsProxySettings::pointsAt(applied, manualTarget()));
    QVERIFY(!WindowsProxySettings::pointsAt(applied, manualTarget(8878)));
    // The user switched the proxy off in Internet Options.
    applied[0] = WindowsRegistryValue::number(u"ProxyEnable"_s, 0);
    QVERIFY(!WindowsProxySettings::pointsAt(applied, manualTarget()));
    // … or added a PAC script, which WinINet prefers.
    applied = WindowsProxySettings::valuesFor(manualTarget());
    applied[3] = WindowsRegistryValue::string(u"AutoConfigURL"_s, u"http://wpad.invalid/"_s);
    QVERIFY(!WindowsProxySettings::pointsAt(applied, manualTarget()));
    QVERIFY(
        WindowsProxySettings::pointsAt(WindowsProxySettings::valuesFor(pacTarget()), pacTarget()));
}

void TestSystemProxyWriters::windowsBackendUnavailableHere()
{
    WindowsProxyBackend backend;
    QCOMPARE(backend.name(), u"windows"_s);
#ifndef Q_OS_WIN
    QVERIFY(!backend.unavailableReason().isEmpty());
    QJsonObject snapshot;
    QVERIFY(!backend.read(&snapshot).isEmpty());
    QVERIFY(!backend.apply(manualTarget()).isEmpty());
#endif
    // Deciding from a snapshot needs no registry.
    QVERIFY(backend.pointsAt(
        WindowsProxySettings::toSnapshot(WindowsProxySettings::valuesFor(manualTarget())),
        manualTarget()));
}

void TestSystemProxyWriters::macParseServices()
{
    const QByteArray output = "An asterisk (*) denotes that a network service is disabled.\n"
                              "Wi-Fi\n*Bluetooth PAN\nThunderbolt Bridge\nUSB 10/100/1000 LAN\n";
    QCOMPARE(MacNetworkSetup::parseServices(output),
             QStringList({u"Wi-Fi"_s, u"Bluetooth PAN"_s, u"Thunderbolt Bridge"_s,
                          u"USB 10/100/1000 LAN"_s}));
    QCOMPARE(MacNetworkSetup::listServicesCommand(), QStringList{u"-listallnetworkservices"_s});
}

void TestSystemProxyWriters::macParseProxy()
{
    MacProxyEntry entry;
    QString error;
    QVERIFY(MacNetworkSetup::parseProxy(
        "Enabled: Yes\nServer: corp-proxy.invalid\nPort: 3128\nAuthenticated Proxy Enabled: 1\n",
        &entry, &error));
    QCOMPARE(entry, (MacProxyEntry{true, u"corp-proxy.invalid"_s, 3128, true}));
    QVERIFY(MacNetworkSetup::parseProxy(
        "Enabled: No\nServer: \nPort: 0\nAuthenticated Proxy Enabled: 0\n", &entry, &error));
    QCOMPARE(entry, (MacProxyEntry{false, QString(), 0, false}));
    QCOMPARE(MacNetworkSetup::readCommand(u"Wi-Fi"_s, MacNetworkSetup::ReadCommand::SecureWeb),
             QStringList({u"-getsecurewebproxy"_s, u"Wi-Fi"_s}));
    QCOMPARE(MacNetworkSetup::readCommand(u"Wi-Fi"_s, MacNetworkSetup::ReadCommand::Socks),
             QStringList({u"-getsocksfirewallproxy"_s, u"Wi-Fi"_s}));
}

void TestSystemProxyWriters::macParseProxyRejectsErrors()
{
    MacProxyEntry entry;
    QString error;
    QVERIFY(!MacNetworkSetup::parseProxy("Nope is not a recognized network service.\n** Error: "
                                         "The parameters were not valid.\n",
                                         &entry, &error));
    QVERIFY2(error.contains(u"not a recognized"_s), qPrintable(error));
    QVERIFY(!MacNetworkSetup::parseProxy("Enabled: Yes\nServer: x\nPort: many\n", &entry, &error));
}

void TestSystemProxyWriters::macParseAutoProxy()
{
    QString url;
    bool enabled = true;
    QString error;
    QVERIFY(MacNetworkSetup::parseAutoProxy("URL: (null)\nEnabled: No\n", &url, &enabled, &error));
    QCOMPARE(url, QString());
    QCOMPARE(enabled, false);
    QVERIFY(MacNetworkSetup::parseAutoProxy("URL: http://wpad.invalid/proxy.pac\nEnabled: Yes\n",
                                            &url, &enabled, &error));
    QCOMPARE(url, u"http://wpad.invalid/proxy.pac"_s);
    QCOMPARE(enabled, true);
    QVERIFY(!MacNetworkSetup::parseAutoProxy("** Error\n", &url, &enabled, &error));
}

void TestSystemProxyWriters::macParseBypassDomains()
{
    QCOMPARE(MacNetworkSetup::parseBypassDomains("There aren't any bypass domains set on Wi-Fi.\n"),
             QStringList());
    QCOMPARE(MacNetworkSetup::parseBypassDomains("*.local\n169.254/16\n"),
             QStringList({u"*.local"_s, u"169.254/16"_s}));
}

void TestSystemProxyWriters::macApplyCommands()
{
    const QList<QStringList> manual = MacNetworkSetup::applyCommands(u"Wi-Fi"_s, manualTarget());
    const QList<QStringList> expected = {
        {u"-setwebproxy"_s, u"Wi-Fi"_s, u"127.0.0.1"_s, u"8877"_s},
        {u"-setwebproxystate"_s, u"Wi-Fi"_s, u"on"_s},
        {u"-setsecurewebproxy"_s, u"Wi-Fi"_s, u"127.0.0.1"_s, u"8877"_s},
        {u"-setsecurewebproxystate"_s, u"Wi-Fi"_s, u"on"_s},
        {u"-setsocksfirewallproxy"_s, u"Wi-Fi"_s, u"127.0.0.1"_s, u"8877"_s},
        {u"-setsocksfirewallproxystate"_s, u"Wi-Fi"_s, u"on"_s},
        QStringList{u"-setproxybypassdomains"_s, u"Wi-Fi"_s} + SystemProxyTarget::bypassHosts(),
        {u"-setautoproxystate"_s, u"Wi-Fi"_s, u"off"_s},
    };
    QCOMPARE(manual, expected);
    const QList<QStringList> pac = MacNetworkSetup::applyCommands(u"Ethernet"_s, pacTarget());
    const QList<QStringList> expectedPac = {
        {u"-setautoproxyurl"_s, u"Ethernet"_s, u"http://127.0.0.1:8877/proxy.pac"_s},
        {u"-setautoproxystate"_s, u"Ethernet"_s, u"on"_s},
        {u"-setwebproxystate"_s, u"Ethernet"_s, u"off"_s},
        {u"-setsecurewebproxystate"_s, u"Ethernet"_s, u"off"_s},
        {u"-setsocksfirewallproxystate"_s, u"Ethernet"_s, u"off"_s},
    };
    QCOMPARE(pac, expectedPac);
}

void TestSystemProxyWriters::macRestoreCommands()
{
    MacServiceSettings settings;
    settings.service = u"Wi-Fi"_s;
    settings.web = {false, u"corp-proxy.invalid"_s, 3128, false}; // set up, switched off
    settings.secureWeb = {true, u"corp-proxy.invalid"_s, 3129, false};
    settings.socks = {}; // never set
    settings.autoProxyUrl = u"http://wpad.invalid/p.pac"_s;
    settings.autoProxyEnabled = false;
    settings.bypassDomains = {u"*.local"_s, u"169.254/16"_s};
    const QList<QStringList> expected = {
        {u"-setwebproxy"_s, u"Wi-Fi"_s, u"corp-proxy.invalid"_s, u"3128"_s},
        {u"-setwebproxystate"_s, u"Wi-Fi"_s, u"off"_s},
        {u"-setsecurewebproxy"_s, u"Wi-Fi"_s, u"corp-proxy.invalid"_s, u"3129"_s},
        {u"-setsecurewebproxystate"_s, u"Wi-Fi"_s, u"on"_s},
        {u"-setsocksfirewallproxystate"_s, u"Wi-Fi"_s, u"off"_s},
        {u"-setautoproxyurl"_s, u"Wi-Fi"_s, u"http://wpad.invalid/p.pac"_s},
        {u"-setautoproxystate"_s, u"Wi-Fi"_s, u"off"_s},
        {u"-setproxybypassdomains"_s, u"Wi-Fi"_s, u"*.local"_s, u"169.254/16"_s},
    };
    QCOMPARE(MacNetworkSetup::restoreCommands(settings), expected);
    MacServiceSettings empty;
    empty.service = u"Ethernet"_s;
    const QList<QStringList> emptyCommands = MacNetworkSetup::restoreCommands(empty);
    QCOMPARE(emptyCommands.last(),
             QStringList({u"-setproxybypassdomains"_s, u"Ethernet"_s, u"Empty"_s}));
    QCOMPARE(emptyCommands.size(), 5);
}

void TestSystemProxyWriters::macPointsAtAndSnapshot()
{
    MacServiceSettings on;
    on.service = u"Wi-Fi"_s;
    on.web = on.secureWeb = on.socks = {true, u"127.0.0.1"_s, 8877, false};
    QVERIFY(MacNetworkSetup::pointsAt(on, manualTarget()));
    MacServiceSettings changed = on;
    changed.secureWeb.enabled = false;
    QVERIFY(!MacNetworkSetup::pointsAt(changed, manualTarget()));
    MacServiceSettings pac;
    pac.service = u"Wi-Fi"_s;
    pac.autoProxyUrl = pacTarget().pacUrl();
    pac.autoProxyEnabled = true;
    QVERIFY(MacNetworkSetup::pointsAt(pac, pacTarget()));
    QVERIFY(!MacNetworkSetup::pointsAt(pac, manualTarget()));

    QString error;
    const QList<MacServiceSettings> services = {on, changed};
    QCOMPARE(MacNetworkSetup::fromSnapshot(MacNetworkSetup::toSnapshot(services), &error),
             services);
    QCOMPARE(error, QString());
    QVERIFY(MacNetworkSetup::fromSnapshot(QJsonObject(), &error).isEmpty());
    QVERIFY(!error.isEmpty());
}

void TestSystemProxyWriters::journalWriteAndRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"new/folder/journal.json"_s);
    SystemProxyJournal journal(path);
    QVERIFY(!journal.exists());
    QString error;
    QVERIFY(!journal.read(&error).has_value());
    QCOMPARE(error, QString()); // none is not an error

    SystemProxyJournal::Entry entry;
    entry.backend = u"windows"_s;
    entry.previous = WindowsProxySettings::toSnapshot(
        {WindowsRegistryValue::string(u"ProxyServer"_s, u"old.invalid:1"_s)});
    entry.target = manualTarget(4321);
    entry.written = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9), Qt::UTC);
    entry.processId = 4242;
    QCOMPARE(journal.write(entry), QString());
    QVERIFY(journal.exists());
    QCOMPARE(QFile::permissions(path) &
                 (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    // Written in one piece: nothing beside it but the journal itself.
    QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{u"journal.json"_s});
    const auto read = journal.read(&error);
    QVERIFY2(read.has_value(), qPrintable(error));
    QCOMPARE(read->backend, entry.backend);
    QCOMPARE(read->previous, entry.previous);
    QCOMPARE(read->target, entry.target);
    QCOMPARE(read->written, entry.written);
    QCOMPARE(read->processId, 4242);
    QCOMPARE(read->applied, false);
    entry.applied = true;
    QCOMPARE(journal.write(entry), QString());
    QCOMPARE(journal.read(&error)->applied, true);

    // Rewritten (a new port): the old content is replaced whole.
    entry.target = manualTarget(4322);
    QCOMPARE(journal.write(entry), QString());
    QCOMPARE(journal.read(&error)->target, manualTarget(4322));
    QCOMPARE(journal.remove(), QString());
    QVERIFY(!journal.exists());
    QCOMPARE(journal.remove(), QString()); // twice is fine
    QVERIFY(SystemProxyJournal().path().endsWith(u"/system-proxy-journal.json"_s));
}

void TestSystemProxyWriters::journalDamaged()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"journal.json"_s);
    SystemProxyJournal journal(path);
    QString error;
    for (const QByteArray& content :
         {QByteArray("{\"version\": 1, \"backend\": \"gno"), QByteArray("[]"),
          QByteArray("{\"version\": 99, \"backend\": \"gnome\"}"),
          QByteArray("{\"version\": 1, \"backend\": \"gnome\", \"previous\": {\"a\": 1}}")}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();
        QVERIFY(!journal.read(&error).has_value());
        QVERIFY2(error.contains(QDir::toNativeSeparators(path)), qPrintable(error));
    }
}

void TestSystemProxyWriters::leftoverNothing()
{
    QTemporaryDir dir;
    SystemProxyController controller(dir.filePath(u"journal.json"_s));
    QCOMPARE(controller.restoreLeftover(), SystemProxyController::LeftoverResult::Nothing);
    QVERIFY(controller.lastMessage().contains(u"no system proxy settings to restore"_s));
    QVERIFY(!controller.isEnabled());
}

void TestSystemProxyWriters::leftoverUnusableBackendKeepsJournal()
{
    // A journal from another OS's backend (or a damaged one) cannot be
    // restored here; it stays for a run that can.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"journal.json"_s);
    SystemProxyJournal::Entry entry;
    entry.backend = u"windows"_s;
    entry.previous = WindowsProxySettings::toSnapshot({});
    entry.target = manualTarget();
#ifdef Q_OS_WIN
    entry.backend = u"macos"_s;
#endif
    QCOMPARE(SystemProxyJournal(path).write(entry), QString());
    SystemProxyController controller(path);
    QSignalSpy errors(&controller, &SystemProxyController::errorOccurred);
    QCOMPARE(controller.restoreLeftover(), SystemProxyController::LeftoverResult::Failed);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(controller.lastMessage().contains(u"not restored"_s),
             qPrintable(controller.lastMessage()));
    QVERIFY(QFile::exists(path));
    QVERIFY(!QFile::exists(path + u".lock"_s));
}

void TestSystemProxyWriters::leftoverInUseByLiveLock()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"journal.json"_s);
    SystemProxyJournal::Entry entry;
    entry.backend = u"gnome"_s;
    entry.previous = QJsonObject{{u"keys"_s, QJsonObject()}};
    entry.target = manualTarget();
    QCOMPARE(SystemProxyJournal(path).write(entry), QString());
    // The lock a running Switchyard holds while on (this process is alive).
    QLockFile running(path + u".lock"_s);
    running.setStaleLockTime(0);
    QVERIFY(running.tryLock(0));
    SystemProxyController controller(path);
    QCOMPARE(controller.restoreLeftover(), SystemProxyController::LeftoverResult::InUse);
    QVERIFY2(
        controller.lastMessage().contains(u"process %1"_s.arg(QCoreApplication::applicationPid())),
        qPrintable(controller.lastMessage()));
    QVERIFY(QFile::exists(path));
    QVERIFY(!controller.enable(manualTarget()));
    QVERIFY(!controller.isEnabled());
}

void TestSystemProxyWriters::leftoverChangedSinceIsDetected()
{
    // The decision a leftover journal gets: restore only while the desktop
    // still points where Switchyard pointed it.
    WindowsProxyBackend backend;
    const SystemProxyTarget target = manualTarget(5555);
    QList<WindowsRegistryValue> current = WindowsProxySettings::valuesFor(target);
    QVERIFY(backend.pointsAt(WindowsProxySettings::toSnapshot(current), target));
    current[1] = WindowsRegistryValue::string(u"ProxyServer"_s, u"user-choice.invalid:80"_s);
    QVERIFY(!backend.pointsAt(WindowsProxySettings::toSnapshot(current), target));
    MacServiceSettings service;
    service.service = u"Wi-Fi"_s;
    service.web = service.secureWeb = service.socks = {true, u"127.0.0.1"_s, 5555, false};
    QVERIFY(MacNetworkSetup::pointsAt(service, target));
    service.autoProxyEnabled = true; // the user turned on a PAC URL of their own
    service.autoProxyUrl = u"http://wpad.invalid/"_s;
    QVERIFY(!MacNetworkSetup::pointsAt(service, target));
}

QTEST_GUILESS_MAIN(TestSystemProxyWriters)
#include "tst_systemproxywriters.moc"
