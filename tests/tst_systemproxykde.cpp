// The KDE system proxy backend with the real kwriteconfig5/kreadconfig5 on a
// scratch XDG_CONFIG_HOME: set, read back, restore exactly (absent keys absent
// again, an empty value kept empty), and the KIO reload signal on the private
// session bus of tests/run-with-session-bus.sh.
#include "KdeProxyBackend.h"
#include "SystemProxyTarget.h"

#include <QFile>
#include <QMap>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int processTimeoutMs = 10'000;

// [group] → key → value, as the file says (no KConfig in between).
QMap<QString, QMap<QString, QString>> parseConfig(const QString& path)
{
    QMap<QString, QMap<QString, QString>> groups;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return groups;
    QString group;
    for (const QByteArray& rawLine : file.readAll().split('\n')) {
        const QString line = QString::fromUtf8(rawLine).trimmed();
        if (line.startsWith(u'[') && line.endsWith(u']')) {
            group = line.mid(1, line.size() - 2);
            groups[group]; // an empty group still counts
        } else if (const qsizetype equals = line.indexOf(u'='); equals > 0) {
            groups[group][line.left(equals)] = line.mid(equals + 1);
        }
    }
    return groups;
}

} // namespace

class TestSystemProxyKde : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void manualSetReadBackRestoreExactly();
    void pacSetAndRestore();
    void pointsAtNoticesAUserChange();
    void kioIsToldToReload();

private:
    QString m_configPath;
    QTemporaryDir m_dir;
};

void TestSystemProxyKde::initTestCase()
{
    QVERIFY2(!QStandardPaths::findExecutable(u"kwriteconfig5"_s).isEmpty() ||
                 !QStandardPaths::findExecutable(u"kwriteconfig6"_s).isEmpty(),
             "kwriteconfig5 is needed (apt install libkf5config-bin)");
    QVERIFY(m_dir.isValid());
    // kwriteconfig and kreadconfig find kioslaverc here.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.path()));
    m_configPath = m_dir.filePath(u"kioslaverc"_s);
    QVERIFY2(KdeProxyBackend().unavailableReason().isEmpty(),
             qPrintable(KdeProxyBackend().unavailableReason()));
}

void TestSystemProxyKde::init()
{
    // The user's own file: a proxy set, an empty exception list (present, not
    // absent), a value that starts with a dash, other keys and groups, and
    // httpsProxy, socksProxy, "Proxy Config Script" and ProxyType absent.
    QFile file(m_configPath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("[Cache Settings]\nMaxCacheSize=5120\n\n"
               "[Proxy Settings]\nAuthMode=0\nNoProxyFor=\nReversedException=false\n"
               "ftpProxy=-odd value\nhttpProxy=http://old-proxy.invalid 3128\n");
    file.close();
}

void TestSystemProxyKde::manualSetReadBackRestoreExactly()
{
    const auto before = parseConfig(m_configPath);
    KdeProxyBackend backend;
    QJsonObject snapshot;
    QCOMPARE(backend.read(&snapshot), QString());
    const QJsonObject keys = snapshot.value(u"keys"_s).toObject();
    QVERIFY(keys.value(u"httpsProxy"_s).isNull());
    QVERIFY(keys.value(u"ProxyType"_s).isNull());
    QCOMPARE(keys.value(u"NoProxyFor"_s).toString(u"absent"_s), QString());
    QCOMPARE(keys.value(u"ftpProxy"_s).toString(), u"-odd value"_s);
    QCOMPARE(keys.value(u"httpProxy"_s).toString(), u"http://old-proxy.invalid 3128"_s);

    const SystemProxyTarget target =
        SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18877);
    QCOMPARE(backend.apply(target), QString());
    const auto applied = parseConfig(m_configPath).value(u"Proxy Settings"_s);
    QCOMPARE(applied.value(u"ProxyType"_s), u"1"_s);
    QCOMPARE(applied.value(u"httpProxy"_s), u"http://127.0.0.1 18877"_s);
    QCOMPARE(applied.value(u"httpsProxy"_s), u"http://127.0.0.1 18877"_s);
    QCOMPARE(applied.value(u"socksProxy"_s), u"socks://127.0.0.1 18877"_s);
    QCOMPARE(applied.value(u"ftpProxy"_s), QString());
    const QString noProxy = applied.value(u"NoProxyFor"_s);
    for (const QString& host : {u"localhost"_s, u"127.0.0.0/8"_s, u"::1"_s, u".local"_s})
        QVERIFY2(noProxy.split(u',').contains(host), qPrintable(noProxy));
    QJsonObject now;
    QCOMPARE(backend.read(&now), QString());
    QVERIFY(backend.pointsAt(now, target));

    QCOMPARE(backend.restore(snapshot), QString());
    QCOMPARE(parseConfig(m_configPath), before);
}

void TestSystemProxyKde::pacSetAndRestore()
{
    const auto before = parseConfig(m_configPath);
    KdeProxyBackend backend;
    QJsonObject snapshot;
    QCOMPARE(backend.read(&snapshot), QString());
    const SystemProxyTarget target = SystemProxyTarget::forListenAddress(
        QHostAddress::LocalHostIPv6, 18878, SystemProxyTarget::Mode::Pac);
    QCOMPARE(backend.apply(target), QString());
    const auto applied = parseConfig(m_configPath).value(u"Proxy Settings"_s);
    QCOMPARE(applied.value(u"ProxyType"_s), u"2"_s);
    QCOMPARE(applied.value(u"Proxy Config Script"_s), u"http://[::1]:18878/proxy.pac"_s);
    QCOMPARE(backend.restore(snapshot), QString());
    QCOMPARE(parseConfig(m_configPath), before);
}

void TestSystemProxyKde::pointsAtNoticesAUserChange()
{
    KdeProxyBackend backend;
    const SystemProxyTarget target =
        SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18879);
    QCOMPARE(backend.apply(target), QString());
    int exitCode = -1;
    QProcess write;
    write.start(QStandardPaths::findExecutable(u"kwriteconfig5"_s),
                {u"--file"_s, u"kioslaverc"_s, u"--group"_s, u"Proxy Settings"_s, u"--key"_s,
                 u"ProxyType"_s, u"0"_s});
    QVERIFY(write.waitForFinished(processTimeoutMs));
    exitCode = write.exitCode();
    QCOMPARE(exitCode, 0);
    QJsonObject now;
    QCOMPARE(backend.read(&now), QString());
    QVERIFY(!backend.pointsAt(now, target));
}

void TestSystemProxyKde::kioIsToldToReload()
{
    if (qEnvironmentVariable("SWITCHYARD_TEST_SESSION_BUS") != u"1"_s)
        QSKIP("needs the private session bus of tests/run-with-session-bus.sh");
    QProcess monitor;
    monitor.start(u"dbus-monitor"_s, {u"--session"_s});
    QVERIFY(monitor.waitForStarted(processTimeoutMs));
    QByteArray seen;
    // dbus-monitor says it is listening before it can miss anything.
    QDeadlineTimer ready(processTimeoutMs);
    while (!seen.contains("NameAcquired") && !ready.hasExpired()) {
        monitor.waitForReadyRead(100);
        seen += monitor.readAllStandardOutput();
    }
    QVERIFY2(seen.contains("NameAcquired"), seen.constData());
    KdeProxyBackend backend;
    QCOMPARE(backend.apply(SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18880)),
             QString());
    QDeadlineTimer deadline(processTimeoutMs);
    while (!seen.contains("reparseSlaveConfiguration") && !deadline.hasExpired()) {
        monitor.waitForReadyRead(100);
        seen += monitor.readAllStandardOutput();
    }
    monitor.kill();
    monitor.waitForFinished(processTimeoutMs);
    QVERIFY2(seen.contains("path=/KIO/Scheduler"), seen.constData());
    QVERIFY2(seen.contains("member=reparseSlaveConfiguration"), seen.constData());
}

QTEST_GUILESS_MAIN(TestSystemProxyKde)
#include "tst_systemproxykde.moc"
