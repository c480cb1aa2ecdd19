// switchyard --headless --har FILE, run as a CI job would: real curl traffic
// through the real binary, SIGTERM, and a HAR file that har-validator accepts.

#include "Curl.h"
#include "HarValidator.h"
#include "LoopbackOrigin.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

constexpr int processTimeoutMs = 15'000;

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

QString headerValue(const QJsonArray& headers, const QString& name)
{
    for (const QJsonValue& header : headers) {
        if (header[u"name"].toString().compare(name, Qt::CaseInsensitive) == 0)
            return header[u"value"].toString();
    }
    return {};
}

} // namespace

class TestHeadlessHar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void recordsTrafficAsValidHar();
    void unmaskedKeepsSecrets();
    void harNeedsHeadless();
    void unwritableHarFailsAtStart();

private:
    /// A running headless switchyard writing its HAR to harPath.
    struct Run
    {
        QByteArray stderrText; // before process: QProcess may read once more as it dies
        QProcess process;
        quint16 port = 0;
    };

    bool start(Run* run, const QString& harPath, const QStringList& extra = {});
    bool stopWithSigterm(Run* run);
    QString proxyUrl(const Run& run) const;
    QJsonArray readEntries(const QString& path, bool* ok) const;

    QString m_binary;
    QTemporaryDir m_dir;
    LoopbackOrigin m_origin;
};

void TestHeadlessHar::initTestCase()
{
    // build/<preset>/tests/tst_headlesshar and build/<preset>/app/switchyard
    m_binary = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                               QStringLiteral("/../app/switchyard"));
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    QVERIFY(!Curl::program().isEmpty());
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start());
}

void TestHeadlessHar::cleanupTestCase()
{
    m_origin.stop();
}

bool TestHeadlessHar::start(Run* run, const QString& harPath, const QStringList& extra)
{
    run->port = freePort();
    if (run->port == 0)
        return false;
    // A home of its own: no settings file, no keychain, no proxy variables.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"})
        environment.remove(QString::fromLatin1(name));
    run->process.setProcessEnvironment(environment);
    connect(&run->process, &QProcess::readyReadStandardError, this,
            [run] { run->stderrText += run->process.readAllStandardError(); });
    run->process.start(m_binary,
                       QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"),
                                   QStringLiteral("127.0.0.1:%1").arg(run->port),
                                   QStringLiteral("--config"),
                                   m_dir.filePath(QStringLiteral("no-settings.json")),
                                   QStringLiteral("--har"), harPath} +
                           extra);
    if (!run->process.waitForStarted(processTimeoutMs))
        return false;
    const QDeadlineTimer deadline(processTimeoutMs);
    while (!run->stderrText.contains("listening on")) {
        if (deadline.hasExpired() || run->process.state() == QProcess::NotRunning)
            return false;
        QTest::qWait(20);
    }
    return true;
}

bool TestHeadlessHar::stopWithSigterm(Run* run)
{
    ::kill(pid_t(run->process.processId()), SIGTERM);
    const QDeadlineTimer deadline(processTimeoutMs);
    while (run->process.state() != QProcess::NotRunning) {
        if (deadline.hasExpired()) {
            run->process.kill();
            run->process.waitForFinished(processTimeoutMs);
            return false;
        }
        QTest::qWait(20);
    }
    run->stderrText += run->process.readAllStandardError();
    return run->process.exitStatus() == QProcess::NormalExit && run->process.exitCode() == 0;
}

QString TestHeadlessHar::proxyUrl(const Run& run) const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(run.port);
}

QJsonArray TestHeadlessHar::readEntries(const QString& path, bool* ok) const
{
    QFile file(path);
    *ok = file.open(QIODevice::ReadOnly);
    if (!*ok)
        return {};
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(u"log")
        .toObject()
        .value(u"entries")
        .toArray();
}

void TestHeadlessHar::recordsTrafficAsValidHar()
{
    const QString harPath = m_dir.filePath(QStringLiteral("session.har"));
    Run run;
    QVERIFY2(start(&run, harPath), run.stderrText.constData());

    const QString proxy = proxyUrl(run);
    CurlResult get =
        Curl::run({QStringLiteral("-x"), proxy, m_origin.url(QStringLiteral("/bytes/1000"))});
    QVERIFY2(get.first().httpCode() == 200, get.describe().constData());
    CurlResult post =
        Curl::run({QStringLiteral("-x"), proxy, QStringLiteral("-H"),
                   QStringLiteral("Authorization: Bearer s3cret-t0ken"), QStringLiteral("-H"),
                   QStringLiteral("Cookie: sid=c00kie"), QStringLiteral("--data-binary"),
                   QStringLiteral("hello har"), m_origin.url(QStringLiteral("/echo"))});
    QVERIFY2(post.first().httpCode() == 200, post.describe().constData());
    // -p: a CONNECT tunnel even for an http:// URL.
    CurlResult tunnel = Curl::run({QStringLiteral("-p"), QStringLiteral("-x"), proxy,
                                   m_origin.url(QStringLiteral("/bytes/2000"))});
    QVERIFY2(tunnel.first().httpCode() == 200, tunnel.describe().constData());
    QTest::qWait(300);                // the last exchange's log event reaches the main thread
    QVERIFY(!QFile::exists(harPath)); // written when the run ends

    QVERIFY2(stopWithSigterm(&run), run.stderrText.constData());
    QVERIFY2(run.stderrText.contains("wrote 3 exchanges"), run.stderrText.constData());
    const HarValidator::Result validation = HarValidator::validate(harPath);
    QVERIFY2(validation.ran, qPrintable(validation.output));
    QVERIFY2(validation.valid, qPrintable(validation.output));

    bool ok = false;
    const QJsonArray entries = readEntries(harPath, &ok);
    QVERIFY(ok);
    QCOMPARE(entries.size(), 3);
    const QJsonObject download = entries.at(0).toObject();
    QCOMPARE(download[u"request"][u"url"].toString(), m_origin.url(QStringLiteral("/bytes/1000")));
    QCOMPARE(download[u"response"][u"status"].toInt(), 200);
    QCOMPARE(download[u"response"][u"bodySize"].toInt(), 1000);
    QCOMPARE(download[u"response"][u"content"][u"size"].toInt(), 1000);
    QVERIFY(download[u"response"][u"content"].toObject().contains(u"text"));

    const QJsonObject echo = entries.at(1).toObject();
    QCOMPARE(echo[u"request"][u"method"].toString(), QStringLiteral("POST"));
    QCOMPARE(headerValue(echo[u"request"][u"headers"].toArray(), QStringLiteral("Authorization")),
             QStringLiteral("Bearer ********"));
    QCOMPARE(headerValue(echo[u"request"][u"headers"].toArray(), QStringLiteral("Cookie")),
             QStringLiteral("sid=********"));
    QCOMPARE(echo[u"request"][u"postData"][u"text"].toString(), QStringLiteral("hello har"));
    QVERIFY(echo[u"response"][u"content"][u"text"].toString().contains(u"\"bodyLength\""));

    const QJsonObject connect = entries.at(2).toObject();
    QCOMPARE(connect[u"request"][u"method"].toString(), QStringLiteral("CONNECT"));
    QCOMPARE(connect[u"request"][u"url"].toString(),
             QStringLiteral("connect://") + m_origin.hostPort());
    QVERIFY(connect[u"response"][u"bodySize"].toInt() > 2000);

    // No header or cookie anywhere keeps a secret. (The echo's body repeats the
    // request headers it got: bodies are recorded as they were, masking is for
    // header fields.)
    for (const QJsonValue& entry : entries) {
        for (const char* side : {"request", "response"}) {
            const QJsonObject message = entry[QLatin1String(side)].toObject();
            for (const char* list : {"headers", "cookies"}) {
                for (const QJsonValue& field : message[QLatin1String(list)].toArray()) {
                    const QString value = field[u"value"].toString();
                    QVERIFY2(!value.contains(u"s3cret-t0ken") && !value.contains(u"c00kie"),
                             qPrintable(value));
                }
            }
        }
    }
}

void TestHeadlessHar::unmaskedKeepsSecrets()
{
    const QString harPath = m_dir.filePath(QStringLiteral("unmasked.har"));
    Run run;
    QVERIFY2(start(&run, harPath, {QStringLiteral("--har-unmasked")}), run.stderrText.constData());
    const CurlResult get = Curl::run({QStringLiteral("-x"), proxyUrl(run), QStringLiteral("-H"),
                                      QStringLiteral("Authorization: Bearer s3cret-t0ken"),
                                      m_origin.url(QStringLiteral("/bytes/10"))});
    QVERIFY2(get.first().httpCode() == 200, get.describe().constData());
    QTest::qWait(300);
    QVERIFY2(stopWithSigterm(&run), run.stderrText.constData());
    QFile file(harPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("Bearer s3cret-t0ken"));
    const HarValidator::Result validation = HarValidator::validate(harPath);
    QVERIFY2(validation.valid, qPrintable(validation.output));
}

void TestHeadlessHar::harNeedsHeadless()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    process.setProcessEnvironment(environment);
    process.start(m_binary, {QStringLiteral("--har"), m_dir.filePath(QStringLiteral("x.har"))});
    QVERIFY(process.waitForFinished(processTimeoutMs));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("--headless"));
}

void TestHeadlessHar::unwritableHarFailsAtStart()
{
    // Told before any traffic, not when the run ends.
    const QString harPath = m_dir.filePath(QStringLiteral("no-such-folder/x.har"));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_dir.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    process.setProcessEnvironment(environment);
    const quint16 port = freePort();
    QVERIFY(port != 0);
    process.start(m_binary, {QStringLiteral("--headless"), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--config"),
                             m_dir.filePath(QStringLiteral("no-settings.json")),
                             QStringLiteral("--har"), harPath});
    QVERIFY(process.waitForFinished(processTimeoutMs));
    QCOMPARE(process.exitCode(), 1);
    const QByteArray errors = process.readAllStandardError();
    QVERIFY2(errors.contains("cannot open") && errors.contains("no-such-folder"), errors);
    QVERIFY2(!errors.contains("listening on"), errors);
}

QTEST_GUILESS_MAIN(TestHeadlessHar)
#include "tst_headlesshar.moc"
