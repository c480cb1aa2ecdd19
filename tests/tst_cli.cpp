// Runs the built switchyard executable as a user would: options, the headless
// proxy serving curl on loopback, clean exits on SIGINT/SIGTERM, and failures.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

namespace {

constexpr int processTimeoutMs = 10'000;

QStringList nonEmptyLines(const QByteArray& text)
{
    QStringList lines;
    for (const QByteArray& line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line.trimmed()));
    }
    return lines;
}

// A port nobody listens on right now. The proxy takes it a moment later; on a
// quiet loopback nothing else claims it in between.
quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void version();
    void help();
    void unknownOption();
    void servesAndStopsOnSignal_data();
    void servesAndStopsOnSignal();
    void logFileGetsOneLinePerRequest();
    void logToNullDeviceSaysNothing();
    void secondInstanceOnSamePortFails();
    void badListenAddressFails();
    void explainUsesTheSettingsFile();

private:
    /// A switchyard process with its standard error collected as it arrives.
    struct Proxy
    {
        QByteArray stderrText; // before process: QProcess may read once more as it dies
        QProcess process;
        quint16 port = 0;
    };

    std::unique_ptr<Proxy> startHeadless(const QStringList& extraArguments = {});
    bool waitForStderr(Proxy* proxy, const QString& text, int timeoutMs = processTimeoutMs);
    bool finishWithin(Proxy* proxy, int timeoutMs = processTimeoutMs);
    /// A finished run of switchyard; ok is false (with the reason in err) when it
    /// did not start or did not exit on its own in time.
    struct Run
    {
        bool ok = false;
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run runToCompletion(const QStringList& arguments);
    QByteArray fetchStatusPage(quint16 port, bool* ok);

    QString m_binary;
    QString m_curl;
    QTemporaryDir m_dir;
};

void TestCli::initTestCase()
{
#ifdef SWITCHYARD_BINARY
    m_binary = QStringLiteral(SWITCHYARD_BINARY); // $<TARGET_FILE:switchyard>
#else
    // The build tree's layout: build/<preset>/tests/tst_cli and build/<preset>/app/switchyard.
    m_binary = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                               QStringLiteral("/../app/switchyard"));
#endif
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    m_curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    QVERIFY2(!m_curl.isEmpty(), "curl is needed (packaging/quickstart.sh test installs it)");
    QVERIFY(m_dir.isValid());
}

TestCli::Run TestCli::runToCompletion(const QStringList& arguments)
{
    Run run;
    QProcess process;
    process.start(m_binary, arguments);
    if (!process.waitForStarted(processTimeoutMs)) {
        run.err = process.errorString().toUtf8();
        return run;
    }
    if (!process.waitForFinished(processTimeoutMs)) {
        process.kill();
        process.waitForFinished(processTimeoutMs);
        run.err = "switchyard did not exit in time";
        return run;
    }
    run.ok = process.exitStatus() == QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

std::unique_ptr<TestCli::Proxy> TestCli::startHeadless(const QStringList& extraArguments)
{
    auto proxy = std::make_unique<Proxy>();
    proxy->port = freePort();
    if (proxy->port == 0)
        return nullptr;
    QObject::connect(&proxy->process, &QProcess::readyReadStandardError, this,
                     [p = proxy.get()] { p->stderrText += p->process.readAllStandardError(); });
    proxy->process.start(m_binary,
                         QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"),
                                     QStringLiteral("127.0.0.1:%1").arg(proxy->port)} +
                             extraArguments);
    if (!proxy->process.waitForStarted(processTimeoutMs))
        return nullptr;
    return proxy;
}

bool TestCli::waitForStderr(Proxy* proxy, const QString& text, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!QString::fromUtf8(proxy->stderrText).contains(text)) {
        if (deadline.hasExpired() || proxy->process.state() == QProcess::NotRunning)
            return false;
        QTest::qWait(20);
    }
    return true;
}

bool TestCli::finishWithin(Proxy* proxy, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (proxy->process.state() != QProcess::NotRunning) {
        if (deadline.hasExpired()) {
            proxy->process.kill();
            proxy->process.waitForFinished(processTimeoutMs);
            return false;
        }
        QTest::qWait(20);
    }
    proxy->stderrText += proxy->process.readAllStandardError();
    return true;
}

QByteArray TestCli::fetchStatusPage(quint16 port, bool* ok)
{
    *ok = false;
    QProcess curl;
    // Proxy variables from the environment and ~/.curlrc (-q, first) must not
    // reroute or bypass the request.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"})
        environment.remove(QString::fromLatin1(name));
    curl.setProcessEnvironment(environment);
    const QString proxyUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    // The proxy's own address through the proxy: its status page, no origin needed.
    curl.start(m_curl,
               {QStringLiteral("-q"), QStringLiteral("-sS"), QStringLiteral("--max-time"),
                QStringLiteral("10"), QStringLiteral("-w"), QStringLiteral("\n%{http_code}"),
                QStringLiteral("-x"), proxyUrl, proxyUrl + QLatin1Char('/')});
    if (!curl.waitForFinished(15'000)) {
        curl.kill();
        curl.waitForFinished(processTimeoutMs);
        qWarning("curl did not finish");
        return {};
    }
    const QByteArray output = curl.readAllStandardOutput();
    if (curl.exitStatus() != QProcess::NormalExit || curl.exitCode() != 0) {
        qWarning("curl failed (%d): %s", curl.exitCode(), curl.readAllStandardError().constData());
        return output;
    }
    const qsizetype lastNewline = output.lastIndexOf('\n');
    if (output.mid(lastNewline + 1) != "200") {
        qWarning("status page answered with HTTP %s", output.mid(lastNewline + 1).constData());
        return output;
    }
    *ok = true;
    return output.left(lastNewline);
}

void TestCli::explainUsesTheSettingsFile()
{
    // The v2 sample routes work.example through "Work" and blocks *tracker*.
    const QString config = QFINDTESTDATA("data/settings/v2-full.json");
    QVERIFY(!config.isEmpty());
    const Run work =
        runToCompletion({QStringLiteral("--config"), config, QStringLiteral("--explain"),
                         QStringLiteral("https://intranet.work.example/")});
    QVERIFY2(work.ok && work.exitCode == 0, work.err.constData());
    const QString line = QString::fromUtf8(work.out).trimmed();
    QVERIFY2(line.startsWith(u"intranet.work.example:443 -> through Work") &&
                 line.contains(u"domain:work.example"),
             qPrintable(line));
    const Run blocked =
        runToCompletion({QStringLiteral("--config"), config, QStringLiteral("--explain"),
                         QStringLiteral("http://tracker.example/x")});
    QVERIFY2(blocked.ok && blocked.exitCode == 0, blocked.err.constData());
    QVERIFY2(blocked.out.contains("block") && blocked.out.contains("keyword:tracker"),
             blocked.out.constData());
    const Run bad = runToCompletion({QStringLiteral("--config"), config,
                                     QStringLiteral("--explain"), QStringLiteral("http://")});
    QVERIFY(bad.ok);
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("--explain"), bad.err.constData());
}

void TestCli::version()
{
    const Run run = runToCompletion({QStringLiteral("--version")});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 0);
    const QString text = QString::fromUtf8(run.out).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^switchyard \\d+\\.\\d+\\.\\d+$"))
                 .match(text)
                 .hasMatch(),
             qPrintable(text));
#ifdef SWITCHYARD_VERSION
    QCOMPARE(text, QStringLiteral("switchyard " SWITCHYARD_VERSION));
#endif
}

void TestCli::help()
{
    const Run run = runToCompletion({QStringLiteral("--help")});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 0);
    for (const char* option : {"--headless", "--listen", "--log", "--via", "--connect-timeout",
                               "--max-connections", "--version"})
        QVERIFY2(run.out.contains(option), option);
}

void TestCli::unknownOption()
{
    Run run = runToCompletion({QStringLiteral("--headless"), QStringLiteral("--no-such-option")});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("no-such-option"), run.err.constData());

    run = runToCompletion({QStringLiteral("--headless"), QStringLiteral("--connect-timeout"),
                           QStringLiteral("soon")});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("--connect-timeout"), run.err.constData());
}

void TestCli::servesAndStopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestCli::servesAndStopsOnSignal()
{
    QFETCH(int, signal);
    const auto proxy = startHeadless();
    QVERIFY(proxy);
    const QString listening =
        QStringLiteral("Switchyard listening on 127.0.0.1:%1").arg(proxy->port);
    QVERIFY2(waitForStderr(proxy.get(), listening), proxy->stderrText.constData());

    bool ok = false;
    const QByteArray page = fetchStatusPage(proxy->port, &ok);
    QVERIFY2(ok, page.constData());
    QVERIFY2(page.contains("Switchyard"), page.constData());
    // The finished request is logged to standard error (no --log given).
    QTRY_VERIFY_WITH_TIMEOUT(nonEmptyLines(proxy->stderrText).size() >= 2, 5000);

    QCOMPARE(::kill(static_cast<pid_t>(proxy->process.processId()), signal), 0);
    QVERIFY2(finishWithin(proxy.get()), "no exit within 10 s of the signal");
    QCOMPARE(proxy->process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(proxy->process.exitCode(), 0);
    QCOMPARE(nonEmptyLines(proxy->stderrText).constFirst(), listening);
}

void TestCli::logFileGetsOneLinePerRequest()
{
    const QString logPath = m_dir.filePath(QStringLiteral("requests.log"));
    {
        QFile log(logPath);
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write("an earlier line\n"); // --log appends
    }
    const auto proxy = startHeadless({QStringLiteral("--log"), logPath});
    QVERIFY(proxy);
    QVERIFY2(waitForStderr(proxy.get(), QStringLiteral("Switchyard listening on")),
             proxy->stderrText.constData());

    constexpr int requests = 3;
    for (int i = 0; i < requests; ++i) {
        bool ok = false;
        const QByteArray page = fetchStatusPage(proxy->port, &ok);
        QVERIFY2(ok, page.constData());
    }
    const auto logLines = [&logPath] {
        QFile log(logPath);
        return log.open(QIODevice::ReadOnly) ? nonEmptyLines(log.readAll()) : QStringList{};
    };
    QTRY_COMPARE_WITH_TIMEOUT(logLines().size(), 1 + requests, 5000);

    proxy->process.terminate();
    QVERIFY(finishWithin(proxy.get()));
    QCOMPARE(proxy->process.exitCode(), 0);
    const QStringList lines = logLines();
    QCOMPARE(lines.size(), 1 + requests); // nothing more after the stop
    QCOMPARE(lines.constFirst(), QStringLiteral("an earlier line"));
    // With --log, standard error carries the startup line and no request lines.
    QVERIFY2(nonEmptyLines(proxy->stderrText).size() == 1, proxy->stderrText.constData());
}

void TestCli::logToNullDeviceSaysNothing()
{
    // /dev/null cannot be appended to (no seeking): Qt warned about that on
    // every start, and benchmarks use exactly this to drop the log.
    const auto proxy = startHeadless({QStringLiteral("--log"), QStringLiteral("/dev/null")});
    QVERIFY(proxy);
    QVERIFY2(waitForStderr(proxy.get(), QStringLiteral("Switchyard listening on")),
             proxy->stderrText.constData());
    bool ok = false;
    const QByteArray page = fetchStatusPage(proxy->port, &ok);
    QVERIFY2(ok, page.constData());
    proxy->process.terminate();
    QVERIFY(finishWithin(proxy.get()));
    QCOMPARE(proxy->process.exitCode(), 0);
    QVERIFY2(nonEmptyLines(proxy->stderrText).size() == 1, proxy->stderrText.constData());
}

void TestCli::secondInstanceOnSamePortFails()
{
    const auto first = startHeadless();
    QVERIFY(first);
    QVERIFY2(waitForStderr(first.get(), QStringLiteral("Switchyard listening on")),
             first->stderrText.constData());

    const Run run = runToCompletion({QStringLiteral("--headless"), QStringLiteral("--listen"),
                                     QStringLiteral("127.0.0.1:%1").arg(first->port)});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    const QStringList lines = nonEmptyLines(run.err);
    QVERIFY2(lines.size() == 1, run.err.constData());
    QVERIFY2(lines.constFirst().startsWith(
                 QStringLiteral("switchyard: cannot listen on 127.0.0.1:%1: ").arg(first->port)),
             qPrintable(lines.constFirst()));

    // The first instance is unharmed.
    bool ok = false;
    const QByteArray page = fetchStatusPage(first->port, &ok);
    QVERIFY2(ok, page.constData());
    first->process.terminate();
    QVERIFY(finishWithin(first.get()));
    QCOMPARE(first->process.exitCode(), 0);
}

void TestCli::badListenAddressFails()
{
    const Run run = runToCompletion({QStringLiteral("--headless"), QStringLiteral("--listen"),
                                     QStringLiteral("nonsense:99999")});
    QVERIFY2(run.ok, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    const QStringList lines = nonEmptyLines(run.err);
    QVERIFY2(lines.size() == 1, run.err.constData());
    QVERIFY2(lines.constFirst().startsWith(
                 QStringLiteral("switchyard: cannot listen on nonsense:99999: ")),
             qPrintable(lines.constFirst()));
    // A reason follows the address.
    QVERIFY(lines.constFirst().size() >
            QStringLiteral("switchyard: cannot listen on nonsense:99999: ").size());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
