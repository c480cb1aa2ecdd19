// The GNOME system proxy backend against a real gsettings/dconf on a private
// session bus (tests/run-with-session-bus.sh): set, read back, restore exactly,
// a lost change reported, and the crash path with the real switchyard binary
// (SIGKILL while on, then --restore-system-proxy or a plain headless start).
#include "GnomeProxyBackend.h"
#include "SystemProxyController.h"
#include "SystemProxyJournal.h"
#include "SystemProxyTarget.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace Switchyard;
using namespace Qt::StringLiterals;

namespace {

constexpr int processTimeoutMs = 15'000;

QByteArray runTool(const QString& program, const QStringList& arguments, int* exitCode = nullptr)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(processTimeoutMs) || !process.waitForFinished(processTimeoutMs)) {
        process.kill();
        process.waitForFinished(processTimeoutMs);
        if (exitCode)
            *exitCode = -1;
        return {};
    }
    if (exitCode)
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return process.readAllStandardOutput().trimmed();
}

QByteArray gsettingsGet(const QString& schema, const QString& key)
{
    return runTool(u"gsettings"_s, {u"get"_s, schema, key});
}

void gsettingsSet(const QString& schema, const QString& key, const QString& value)
{
    int exitCode = -1;
    runTool(u"gsettings"_s, {u"set"_s, schema, key, value}, &exitCode);
    QCOMPARE(exitCode, 0);
}

// Every key the user set under /system/proxy/, with its value: the exact state.
QByteArray dconfDump()
{
    return runTool(u"dconf"_s, {u"dump"_s, u"/system/proxy/"_s});
}

} // namespace

class TestSystemProxyGnome : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void manualSetReadBackRestoreExactly();
    void pacSetAndRestore();
    void lostChangeIsReported();
    void controllerEnableDisable();
    void leftoverChangedSinceIsLeftAlone();
    void leftoverInUseIsLeftAlone();
    void leftoverMidApplyIsRestored();
    void headlessRestoresOnSignal_data();
    void headlessRestoresOnSignal();
    void crashThenRestoreCommand();
    void crashThenHeadlessStart();
    void restoreCommandWithNothingToRestore();

private:
    /// The user's own settings before Switchyard: a key set to its default
    /// value, a key set to something else, the rest unset.
    void presetUserSettings();
    struct Proxy
    {
        QByteArray stderrText; // before process: QProcess may read once more as it dies
        QProcess process;
        quint16 port = 0;
    };
    std::unique_ptr<Proxy> startHeadless(const QStringList& extra);
    bool waitForStderr(Proxy* proxy, const QString& text);
    bool waitForGnomePort(quint16 port);
    bool finishWithin(Proxy* proxy);
    void crashWhileOn(QByteArray* before);

    QString m_binary;
    QTemporaryDir m_dir;
    QString m_config;
};

void TestSystemProxyGnome::initTestCase()
{
    QVERIFY2(qEnvironmentVariable("SWITCHYARD_TEST_SESSION_BUS") == u"1"_s,
             "run this test through tests/run-with-session-bus.sh (ctest does)");
    for (const QString& tool : {u"gsettings"_s, u"dconf"_s}) {
        QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                 qPrintable(tool + u" is needed (apt install dconf-cli libglib2.0-bin)"_s));
    }
    QVERIFY2(GnomeProxyBackend().unavailableReason().isEmpty(),
             qPrintable(GnomeProxyBackend().unavailableReason()));
    m_binary = QStringLiteral(SWITCHYARD_BINARY);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    QVERIFY(m_dir.isValid());
    m_config = m_dir.filePath(u"settings.json"_s);
    // SystemProxyJournal::defaultPath() as the binary sees it.
    QCoreApplication::setApplicationName(u"Switchyard"_s);
    QCoreApplication::setOrganizationName(QString());
    // The factory then picks GNOME, here and in the binaries started below.
    qputenv("XDG_CURRENT_DESKTOP", "GNOME");
}

void TestSystemProxyGnome::init()
{
    int exitCode = -1;
    runTool(u"dconf"_s, {u"reset"_s, u"-f"_s, u"/system/proxy/"_s}, &exitCode);
    QCOMPARE(exitCode, 0);
    QFile::remove(SystemProxyJournal::defaultPath());
    presetUserSettings();
}

void TestSystemProxyGnome::presetUserSettings()
{
    gsettingsSet(u"org.gnome.system.proxy"_s, u"mode"_s, u"'none'"_s); // set, yet the default
    gsettingsSet(u"org.gnome.system.proxy.http"_s, u"host"_s, u"'old-proxy.invalid'"_s);
    gsettingsSet(u"org.gnome.system.proxy.http"_s, u"port"_s, u"3128"_s);
    gsettingsSet(u"org.gnome.system.proxy.ftp"_s, u"host"_s, u"'ftp-proxy.invalid'"_s);
    const QByteArray dump = dconfDump();
    QVERIFY2(dump.contains("mode='none'"), dump.constData());
    QVERIFY2(!dump.contains("ignore-hosts"), dump.constData());
}

void TestSystemProxyGnome::manualSetReadBackRestoreExactly()
{
    const QByteArray before = dconfDump();
    GnomeProxyBackend backend;
    QJsonObject snapshot;
    QCOMPARE(backend.read(&snapshot), QString());
    const SystemProxyTarget target =
        SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18877);
    QVERIFY(!backend.pointsAt(snapshot, target));

    QCOMPARE(backend.apply(target), QString());
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy"_s, u"mode"_s), "'manual'");
    for (const QString& child : {u"http"_s, u"https"_s, u"socks"_s}) {
        QCOMPARE(gsettingsGet(u"org.gnome.system.proxy."_s + child, u"host"_s), "'127.0.0.1'");
        QCOMPARE(gsettingsGet(u"org.gnome.system.proxy."_s + child, u"port"_s), "18877");
    }
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy.ftp"_s, u"host"_s), "''");
    const QByteArray ignore = gsettingsGet(u"org.gnome.system.proxy"_s, u"ignore-hosts"_s);
    for (const char* host : {"'localhost'", "'127.0.0.0/8'", "'::1'", "'*.local'"})
        QVERIFY2(ignore.contains(host), ignore.constData());
    QJsonObject applied;
    QCOMPARE(backend.read(&applied), QString());
    QVERIFY(backend.pointsAt(applied, target));
    QVERIFY(!backend.pointsAt(applied,
                              SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18878)));

    QCOMPARE(backend.restore(snapshot), QString());
    // Exactly: the same keys set, to the same values; the rest back to defaults.
    QCOMPARE(dconfDump(), before);
    QCOMPARE(runTool(u"dconf"_s, {u"read"_s, u"/system/proxy/ignore-hosts"_s}), QByteArray());
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy"_s, u"ignore-hosts"_s),
             "['localhost', '127.0.0.0/8', '::1']");
    QCOMPARE(runTool(u"dconf"_s, {u"read"_s, u"/system/proxy/mode"_s}), "'none'");
}

void TestSystemProxyGnome::pacSetAndRestore()
{
    const QByteArray before = dconfDump();
    GnomeProxyBackend backend;
    QJsonObject snapshot;
    QCOMPARE(backend.read(&snapshot), QString());
    const SystemProxyTarget target = SystemProxyTarget::forListenAddress(
        QHostAddress::AnyIPv4, 18879, SystemProxyTarget::Mode::Pac);
    QCOMPARE(backend.apply(target), QString());
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy"_s, u"mode"_s), "'auto'");
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy"_s, u"autoconfig-url"_s),
             "'http://127.0.0.1:18879/proxy.pac'");
    QCOMPARE(backend.restore(snapshot), QString());
    QCOMPARE(dconfDump(), before);
}

void TestSystemProxyGnome::lostChangeIsReported()
{
    // Without a session bus gsettings exits 0 and drops the change (dconf
    // cannot reach its writer): the backend must notice.
    const QByteArray address = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/switchyard-no-bus");
    GnomeProxyBackend backend;
    const QString error =
        backend.apply(SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18880));
    qputenv("DBUS_SESSION_BUS_ADDRESS", address);
    QVERIFY2(error.contains(u"did not change"_s), qPrintable(error));
    QVERIFY2(error.contains(u"session bus"_s), qPrintable(error));
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy"_s, u"mode"_s), "'none'");
}

void TestSystemProxyGnome::controllerEnableDisable()
{
    const QByteArray before = dconfDump();
    const QString journalPath = m_dir.filePath(u"controller/journal.json"_s);
    SystemProxyController controller(journalPath);
    QSignalSpy changed(&controller, &SystemProxyController::enabledChanged);
    QSignalSpy errors(&controller, &SystemProxyController::errorOccurred);
    const SystemProxyTarget target =
        SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18881);
    QVERIFY2(controller.enable(target), qPrintable(controller.lastMessage()));
    QVERIFY(controller.isEnabled());
    QCOMPARE(controller.backendDisplayName(), u"GNOME (gsettings)"_s);
    QCOMPARE(changed.size(), 1);
    QVERIFY(QFile::exists(journalPath));
    QVERIFY(QFile::exists(journalPath + u".lock"_s));
    QString error;
    const auto entry = SystemProxyJournal(journalPath).read(&error);
    QVERIFY2(entry.has_value(), qPrintable(error));
    QCOMPARE(entry->backend, u"gnome"_s);
    QCOMPARE(entry->target, target);
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy.http"_s, u"port"_s), "18881");

    // A new port while on: the journal keeps the user's settings, not ours.
    const SystemProxyTarget moved =
        SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18882);
    QVERIFY2(controller.enable(moved), qPrintable(controller.lastMessage()));
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy.http"_s, u"port"_s), "18882");
    QCOMPARE(changed.size(), 1);

    QVERIFY2(controller.disable(), qPrintable(controller.lastMessage()));
    QVERIFY(!controller.isEnabled());
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(1).at(0).toBool(), false);
    QVERIFY(!QFile::exists(journalPath));
    QVERIFY(!QFile::exists(journalPath + u".lock"_s));
    QCOMPARE(dconfDump(), before);
    QCOMPARE(errors.size(), 0);
}

void TestSystemProxyGnome::leftoverChangedSinceIsLeftAlone()
{
    const QString journalPath = m_dir.filePath(u"changed/journal.json"_s);
    GnomeProxyBackend backend;
    SystemProxyJournal::Entry entry;
    entry.backend = backend.name();
    QCOMPARE(backend.read(&entry.previous), QString());
    entry.target = SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18883);
    entry.written = QDateTime::currentDateTimeUtc();
    entry.processId = 1;
    entry.applied = true;
    QCOMPARE(SystemProxyJournal(journalPath).write(entry), QString());
    QCOMPARE(backend.apply(entry.target), QString());
    // The user points the desktop elsewhere after Switchyard died.
    gsettingsSet(u"org.gnome.system.proxy.http"_s, u"host"_s, u"'10.9.8.7'"_s);
    const QByteArray userChoice = dconfDump();

    SystemProxyController controller(journalPath);
    QSignalSpy notices(&controller, &SystemProxyController::noticeIssued);
    QCOMPARE(controller.restoreLeftover(), SystemProxyController::LeftoverResult::ChangedSince);
    QCOMPARE(notices.size(), 1);
    QVERIFY2(controller.lastMessage().contains(u"changed since"_s),
             qPrintable(controller.lastMessage()));
    QVERIFY(!QFile::exists(journalPath));
    QCOMPARE(dconfDump(), userChoice);
}

void TestSystemProxyGnome::leftoverMidApplyIsRestored()
{
    // Switchyard died while it was changing the settings: half of them point
    // at it, which is not the user's doing, so they are restored all the same.
    const QByteArray before = dconfDump();
    const QString journalPath = m_dir.filePath(u"midapply/journal.json"_s);
    GnomeProxyBackend backend;
    SystemProxyJournal::Entry entry;
    entry.backend = backend.name();
    QCOMPARE(backend.read(&entry.previous), QString());
    entry.target = SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18886);
    entry.applied = false;
    QCOMPARE(SystemProxyJournal(journalPath).write(entry), QString());
    gsettingsSet(u"org.gnome.system.proxy"_s, u"mode"_s, u"'manual'"_s);
    gsettingsSet(u"org.gnome.system.proxy.http"_s, u"host"_s, u"'127.0.0.1'"_s);
    SystemProxyController controller(journalPath);
    QCOMPARE(controller.restoreLeftover(), SystemProxyController::LeftoverResult::Restored);
    QCOMPARE(dconfDump(), before);
    QVERIFY(!QFile::exists(journalPath));
}

void TestSystemProxyGnome::leftoverInUseIsLeftAlone()
{
    const QString journalPath = m_dir.filePath(u"inuse/journal.json"_s);
    SystemProxyController running(journalPath);
    QVERIFY2(running.enable(SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18884)),
             qPrintable(running.lastMessage()));
    // A second controller (another Switchyard) must not take the running one's
    // journal for a leftover, nor turn the system proxy on over it.
    SystemProxyController other(journalPath);
    QCOMPARE(other.restoreLeftover(), SystemProxyController::LeftoverResult::InUse);
    QVERIFY2(other.lastMessage().contains(u"another Switchyard"_s),
             qPrintable(other.lastMessage()));
    QVERIFY(!other.enable(SystemProxyTarget::forListenAddress(QHostAddress::LocalHost, 18885)));
    QVERIFY(QFile::exists(journalPath));
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy.http"_s, u"port"_s), "18884");
    QVERIFY(running.disable());
}

std::unique_ptr<TestSystemProxyGnome::Proxy>
TestSystemProxyGnome::startHeadless(const QStringList& extra)
{
    auto proxy = std::make_unique<Proxy>();
    Proxy* raw = proxy.get();
    connect(&proxy->process, &QProcess::readyReadStandardError, this,
            [raw] { raw->stderrText += raw->process.readAllStandardError(); });
    proxy->process.start(m_binary, QStringList{u"--headless"_s, u"--listen"_s, u"127.0.0.1:0"_s,
                                               u"--config"_s, m_config} +
                                       extra);
    if (!proxy->process.waitForStarted(processTimeoutMs))
        return nullptr;
    if (!waitForStderr(raw, u"Switchyard listening on"_s))
        return proxy;
    const QRegularExpression listening(u"listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    const auto match = listening.match(QString::fromUtf8(raw->stderrText));
    if (match.hasMatch())
        raw->port = quint16(match.captured(1).toUInt());
    return proxy;
}

bool TestSystemProxyGnome::waitForStderr(Proxy* proxy, const QString& text)
{
    QDeadlineTimer deadline(processTimeoutMs);
    while (!QString::fromUtf8(proxy->stderrText).contains(text)) {
        if (deadline.hasExpired() || proxy->process.state() == QProcess::NotRunning)
            return false;
        QTest::qWait(50);
    }
    return true;
}

bool TestSystemProxyGnome::waitForGnomePort(quint16 port)
{
    const QByteArray wanted = QByteArray::number(port);
    QDeadlineTimer deadline(processTimeoutMs);
    while (gsettingsGet(u"org.gnome.system.proxy.http"_s, u"port"_s) != wanted ||
           gsettingsGet(u"org.gnome.system.proxy"_s, u"mode"_s) != "'manual'") {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(100);
    }
    return true;
}

bool TestSystemProxyGnome::finishWithin(Proxy* proxy)
{
    QDeadlineTimer deadline(processTimeoutMs);
    while (proxy->process.state() != QProcess::NotRunning) {
        if (deadline.hasExpired()) {
            proxy->process.kill();
            proxy->process.waitForFinished(processTimeoutMs);
            return false;
        }
        QTest::qWait(50);
    }
    proxy->stderrText += proxy->process.readAllStandardError();
    return true;
}

void TestSystemProxyGnome::headlessRestoresOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void TestSystemProxyGnome::headlessRestoresOnSignal()
{
    QFETCH(int, signal);
    const QByteArray before = dconfDump();
    auto proxy = startHeadless({u"--system-proxy"_s});
    QVERIFY(proxy);
    QVERIFY2(proxy->port != 0, proxy->stderrText.constData());
    QVERIFY2(waitForGnomePort(proxy->port), proxy->stderrText.constData());
    QVERIFY(QFile::exists(SystemProxyJournal::defaultPath()));
    ::kill(pid_t(proxy->process.processId()), signal);
    QVERIFY(finishWithin(proxy.get()));
    QCOMPARE(proxy->process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(proxy->process.exitCode() == 0, proxy->stderrText.constData());
    QVERIFY2(proxy->stderrText.contains("back as they were"), proxy->stderrText.constData());
    QCOMPARE(dconfDump(), before);
    QVERIFY(!QFile::exists(SystemProxyJournal::defaultPath()));
}

void TestSystemProxyGnome::crashWhileOn(QByteArray* before)
{
    *before = dconfDump();
    auto proxy = startHeadless({u"--system-proxy"_s});
    QVERIFY(proxy);
    QVERIFY2(proxy->port != 0, proxy->stderrText.constData());
    QVERIFY2(waitForGnomePort(proxy->port), proxy->stderrText.constData());
    // Once it says so, the change is complete and journaled as such.
    QVERIFY2(waitForStderr(proxy.get(), u"point at Switchyard"_s), proxy->stderrText.constData());
    proxy->process.kill(); // SIGKILL: no chance to restore anything
    QVERIFY(proxy->process.waitForFinished(processTimeoutMs));
    QCOMPARE(proxy->process.exitStatus(), QProcess::CrashExit);
    QCOMPARE(gsettingsGet(u"org.gnome.system.proxy.http"_s, u"port"_s),
             QByteArray::number(proxy->port));
    QVERIFY(QFile::exists(SystemProxyJournal::defaultPath()));
}

void TestSystemProxyGnome::crashThenRestoreCommand()
{
    QByteArray before;
    crashWhileOn(&before);
    if (QTest::currentTestFailed())
        return;
    QProcess restore;
    restore.start(m_binary, {u"--restore-system-proxy"_s});
    QVERIFY(restore.waitForFinished(processTimeoutMs));
    const QByteArray err = restore.readAllStandardError();
    QVERIFY2(restore.exitCode() == 0, err.constData());
    QVERIFY2(err.contains("restored"), err.constData());
    QCOMPARE(dconfDump(), before);
    QVERIFY(!QFile::exists(SystemProxyJournal::defaultPath()));
}

void TestSystemProxyGnome::crashThenHeadlessStart()
{
    QByteArray before;
    crashWhileOn(&before);
    if (QTest::currentTestFailed())
        return;
    auto proxy = startHeadless({});
    QVERIFY(proxy);
    QVERIFY2(proxy->port != 0, proxy->stderrText.constData());
    QVERIFY2(proxy->stderrText.contains("restored"), proxy->stderrText.constData());
    QCOMPARE(dconfDump(), before);
    QVERIFY(!QFile::exists(SystemProxyJournal::defaultPath()));
    proxy->process.terminate();
    QVERIFY(finishWithin(proxy.get()));
    QCOMPARE(proxy->process.exitCode(), 0);
    QCOMPARE(dconfDump(), before);
}

void TestSystemProxyGnome::restoreCommandWithNothingToRestore()
{
    const QByteArray before = dconfDump();
    QProcess restore;
    restore.start(m_binary, {u"--restore-system-proxy"_s});
    QVERIFY(restore.waitForFinished(processTimeoutMs));
    const QByteArray err = restore.readAllStandardError();
    QCOMPARE(restore.exitCode(), 2);
    QVERIFY2(err.contains("no system proxy settings to restore"), err.constData());
    QCOMPARE(dconfDump(), before);
}

QTEST_GUILESS_MAIN(TestSystemProxyGnome)
#include "tst_systemproxygnome.moc"
